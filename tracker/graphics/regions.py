"""UN M49 regions and sub-regions for every ISO 3166-1 country.

pycountry carries names and codes but no geography, and readers filter by region ("facial
recognition in Europe"), so the grouping ships here. Codes and names follow the UN Statistics
Division's M49 standard; Africa and the Americas use M49's finer intermediate regions (Western
Africa, Caribbean, …), which say more to a reader than "Sub-Saharan Africa".

The names are stored in English (Country.region, Country.subregion) and used as such in URLs
(?region=Europe); ``LABELS`` gives each its name in the reader's language. Templates show a
stored name translated with ``{% translate country.region %}``, which finds the same entry of
the catalogue (the names below are what puts them there).
"""

from django.utils.translation import gettext_lazy as _

REGIONS = {
    "002": "Africa",
    "009": "Oceania",
    "019": "Americas",
    "142": "Asia",
    "150": "Europe",
}

# sub-region code: (region code, sub-region name, alpha-2 codes)
SUBREGIONS = {
    "015": ("002", "Northern Africa", "DZ EG EH LY MA SD TN"),
    "011": ("002", "Western Africa", "BF BJ CI CV GH GM GN GW LR ML MR NE NG SH SL SN TG"),
    "014": (
        "002",
        "Eastern Africa",
        "BI DJ ER ET IO KE KM MG MU MW MZ RE RW SC SO SS TF TZ UG YT ZM ZW",
    ),
    "017": ("002", "Middle Africa", "AO CD CF CG CM GA GQ ST TD"),
    "018": ("002", "Southern Africa", "BW LS NA SZ ZA"),
    "005": ("019", "South America", "AR BO BR BV CL CO EC FK GF GS GY PE PY SR UY VE"),
    "013": ("019", "Central America", "BZ CR GT HN MX NI PA SV"),
    "029": (
        "019",
        "Caribbean",
        "AG AI AW BB BL BQ BS CU CW DM DO GD GP HT JM KN KY LC MF MQ MS PR SX TC TT VC VG VI",
    ),
    "021": ("019", "Northern America", "BM CA GL PM US"),
    "030": ("142", "Eastern Asia", "CN HK JP KP KR MN MO TW"),
    "034": ("142", "Southern Asia", "AF BD BT IN IR LK MV NP PK"),
    "035": ("142", "South-eastern Asia", "BN ID KH LA MM MY PH SG TH TL VN"),
    "143": ("142", "Central Asia", "KG KZ TJ TM UZ"),
    "145": ("142", "Western Asia", "AE AM AZ BH CY GE IL IQ JO KW LB OM PS QA SA SY TR YE"),
    "039": ("150", "Southern Europe", "AD AL BA ES GI GR HR IT ME MK MT PT RS SI SM VA XK"),
    "151": ("150", "Eastern Europe", "BG BY CZ HU MD PL RO RU SK UA"),
    "154": ("150", "Northern Europe", "AX DK EE FI FO GB GG IE IM IS JE LT LV NO SE SJ"),
    "155": ("150", "Western Europe", "AT BE CH DE FR LI LU MC NL"),
    "053": ("009", "Australia and New Zealand", "AU CC CX HM NF NZ"),
    "054": ("009", "Melanesia", "FJ NC PG SB VU"),
    "057": ("009", "Micronesia", "FM GU KI MH MP NR PW UM"),
    "061": ("009", "Polynesia", "AS CK NU PF PN TK TO TV WF WS"),
}

_BY_ALPHA2 = {
    alpha2: (REGIONS[region], name)
    for region, name, members in SUBREGIONS.values()
    for alpha2 in members.split()
}


def region_of(alpha2):
    """Return (region, sub-region) for an alpha-2 code; ("", "") where M49 has none (Antarctica)."""
    return _BY_ALPHA2.get(alpha2.upper(), ("", ""))


# Stored English name: the name readers see, in the language of the request.
LABELS = {
    "Africa": _("Africa"),
    "Oceania": _("Oceania"),
    "Americas": _("Americas"),
    "Asia": _("Asia"),
    "Europe": _("Europe"),
    "Northern Africa": _("Northern Africa"),
    "Western Africa": _("Western Africa"),
    "Eastern Africa": _("Eastern Africa"),
    "Middle Africa": _("Middle Africa"),
    "Southern Africa": _("Southern Africa"),
    "South America": _("South America"),
    "Central America": _("Central America"),
    "Caribbean": _("Caribbean"),
    "Northern America": _("Northern America"),
    "Eastern Asia": _("Eastern Asia"),
    "Southern Asia": _("Southern Asia"),
    "South-eastern Asia": _("South-eastern Asia"),
    "Central Asia": _("Central Asia"),
    "Western Asia": _("Western Asia"),
    "Southern Europe": _("Southern Europe"),
    "Eastern Europe": _("Eastern Europe"),
    "Northern Europe": _("Northern Europe"),
    "Western Europe": _("Western Europe"),
    "Australia and New Zealand": _("Australia and New Zealand"),
    "Melanesia": _("Melanesia"),
    "Micronesia": _("Micronesia"),
    "Polynesia": _("Polynesia"),
}


def label(name):
    """The reader's name for a stored (English) region or sub-region name; unknown names as is."""
    return LABELS.get(name, name)
