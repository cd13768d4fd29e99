"""Country names as the datasets write them, mapped to ISO 3166-1 alpha-2 codes.

One reviewed table, and exact matching only. A name is first *normalized* (Unicode NFKC,
accents removed, case folded, typographic apostrophes made plain, whitespace collapsed), then
looked up, in this order:

1. ``COUNTRY_NAMES`` below: the datasets' own spellings, old names, typos and short forms, each
   entry reviewed by hand against the data in ../shared/data;
2. the tracker's Country table (``name`` and ``official_name``, normalized the same way), which
   includes Kosovo (XK);
3. pycountry's ``name``, ``common_name`` and ``official_name`` (normalized), never its fuzzy
   search and never alpha codes ("US" in a free-text column is not evidence of anything).

Anything else is unknown, and the record naming it is refused with the name in the message: a
new spelling is added here, after review, rather than guessed.
"""

import unicodedata
from functools import lru_cache

import pycountry

# Normalized name → ISO alpha-2. Keys are written already normalized (see ``normalize``).
COUNTRY_NAMES = {
    # United States: both datasets write the long form; "USA" appears in press citations.
    "united states of america": "US",
    "united states": "US",
    "usa": "US",
    "united kingdom": "GB",
    "uk": "GB",
    "great britain": "GB",
    # AIGS: "Burma/Myanmar".
    "burma/myanmar": "MM",
    "burma": "MM",
    "myanmar": "MM",
    # AIGS "Ivory Coast"; SII "Cote d'ivoire" (accent dropped, case varied).
    "ivory coast": "CI",
    "cote d'ivoire": "CI",
    # AIGS "Hong Kong", SII "Hong Kong" and "Hong kong".
    "hong kong": "HK",
    "macao": "MO",
    "macau": "MO",
    "taiwan": "TW",
    # Old names ISO has since replaced.
    "swaziland": "SZ",
    "macedonia": "MK",
    "republic of macedonia": "MK",
    "turkey": "TR",
    "czech republic": "CZ",
    # Not in ISO 3166-1; the tracker's user-assigned code.
    "kosovo": "XK",
    # Short forms ISO spells differently.
    "russia": "RU",
    "south korea": "KR",
    "korea": "KR",
    "north korea": "KP",
    "vietnam": "VN",
    "iran": "IR",
    "syria": "SY",
    "laos": "LA",
    "bolivia": "BO",
    "venezuela": "VE",
    "tanzania": "TZ",
    "moldova": "MD",
    "brunei": "BN",
    "palestine": "PS",
    "democratic republic of congo": "CD",
    "democratic republic of the congo": "CD",
    "dr congo": "CD",
    "republic of congo": "CG",
    "gambia": "GM",
    "the gambia": "GM",
    # SII typos and another language's spelling, each seen once in sii-transfers.json.
    "norwat": "NO",
    "italia": "IT",
}


def normalize(name):
    """The form names are compared in: "Côte d’Ivoire " and "cote d'ivoire" are equal."""
    text = unicodedata.normalize("NFKC", str(name or ""))
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("`", "'")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(stripped.casefold().split()).strip(" .,;")


@lru_cache(maxsize=1)
def _pycountry_names():
    names = {}
    for entry in pycountry.countries:
        for attr in ("name", "common_name", "official_name"):
            value = getattr(entry, attr, None)
            if value:
                names.setdefault(normalize(value), entry.alpha_2)
    return names


class CountryResolver:
    """Looks names up once per import run (the Country table is read once)."""

    def __init__(self):
        from tracker.models import Country

        self.names = {}
        self.by_name = {}
        for iso2, name, official in Country.objects.values_list("iso2", "name", "official_name"):
            self.names[iso2] = name
            for value in (name, official):
                if value:
                    self.by_name.setdefault(normalize(value), iso2)

    def iso2(self, name):
        """The ISO alpha-2 code for ``name``, or None when it is empty or not known."""
        key = normalize(name)
        if not key:
            return None
        code = COUNTRY_NAMES.get(key) or self.by_name.get(key) or _pycountry_names().get(key)
        return code if code in self.names else None
