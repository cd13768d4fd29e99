"""What the reader has chosen on the deployment list, in words: the page's title and heading
("Facial recognition from China, 2015–2020: 42 entries") and one removable chip per choice.

A shared link should say what it shows before it is opened, so the title names the selection
the way a reader would say it, not the query string. Chips are plain links to the same list
without that one choice: they work without JavaScript.

Each piece of the phrase is a message of its own, so French builds it in its own order and
words ("Reconnaissance faciale – origine : Chine – Serbie : 6 fiches"): French puts a
different preposition before each country's name, so the French pieces name places after a
dash or a label rather than after "en".
"""

from dataclasses import dataclass

from django.http import QueryDict
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from .filters import UNKNOWN_DECADE

# Past this many names a phrase gives the first ones and how many more ("Serbia, France,
# Hungary or 4 other countries"): a title is read at a glance, and browsers cut long ones.
NAMES_SHOWN = 3
# Parameters that change how results are shown, not which: never a chip, never in the title.
NOT_CHOICES = {"sort", "page", "format"}
# Filters the heading names as a phrase of its own; any other is listed after it as a qualifier.
PHRASED = {
    "q",
    "technology",
    "vendor",
    "origin",
    "country",
    "region",
    "start_year_min",
    "start_year_max",
    "decade",
}


@dataclass(frozen=True)
class Chip:
    param: str
    label: str  # "Country: Serbia"
    remove_url: str  # the same list without this one choice


# "A, B, C or 2 other countries", per kind of name (always two or more others).
OTHERS = {
    "countries": gettext_lazy("%(names)s or %(count)s other countries"),
    "vendors": gettext_lazy("%(names)s or %(count)s other vendors"),
    "technologies": gettext_lazy("%(names)s or %(count)s other technologies"),
    "regions": gettext_lazy("%(names)s or %(count)s other regions"),
    "decades": gettext_lazy("%(names)s or %(count)s other decades"),
}


def names(items, noun_plural):
    """'A', 'A or B', 'A, B or C', 'A, B, C or 2 other countries'."""
    items = list(items)
    if len(items) > NAMES_SHOWN + 1:
        rest = len(items) - NAMES_SHOWN
        return str(OTHERS[noun_plural]) % {"names": ", ".join(items[:NAMES_SHOWN]), "count": rest}
    if len(items) <= 1:
        return "".join(items)
    return _("%(names)s or %(last)s") % {"names": ", ".join(items[:-1]), "last": items[-1]}


def entries(n):
    count = number_format(n, force_grouping=True)
    return ngettext("%(count)s entry", "%(count)s entries", n) % {"count": count}


def _labels(filterset, name):
    """The reader-facing label of each chosen value of filter ``name``, in the order chosen."""
    data = filterset.form.cleaned_data
    value = data.get(name)
    if value in (None, "", [], ()):
        return []
    if hasattr(value, "model"):  # countries, vendors, technologies, datasets
        return [str(obj) for obj in value]
    choices = _choices(filterset, name)
    if isinstance(value, list | tuple):
        return [str(choices.get(v, v)) for v in value]
    return [str(choices.get(value, value))]


def _choices(filterset, name):
    """{value: label} of a filter with fixed choices (status, region, decade…), else {}."""
    choices = filterset.filters[name].extra.get("choices") or ()
    if callable(choices):
        choices = choices()
    return {str(value): str(label) for value, label in choices}


def _years(filterset):
    data = filterset.form.cleaned_data
    low, high = data.get("start_year_min"), data.get("start_year_max")
    phrase = ""
    if low is not None and high is not None:
        phrase = str(low) if low == high else f"{low}–{high}"
    elif low is not None:
        phrase = _("since %(year)s") % {"year": low}
    elif high is not None:
        phrase = _("until %(year)s") % {"year": high}
    decades = _labels(filterset, "decade")
    if decades:
        started = _("started in the %(decades)s") % {"decades": names(decades, "decades")}
        if data.get("decade") in ([UNKNOWN_DECADE], (UNKNOWN_DECADE,)):
            started = _("year not known")
        phrase = f"{phrase}, {started}" if phrase else started
    return phrase


def heading(filterset, count):
    """The selection in words with its count, for the <title> and the <h1>.

    "Facial recognition from China, 2015–2020: 42 entries"; "Deployments: 1,234 entries" when
    nothing is chosen.
    """
    if not filterset.is_valid():
        return _("Deployments: filters not understood")
    technologies = _labels(filterset, "technology")
    text = names(technologies, "technologies") if technologies else _("Deployments")
    text = text[:1].upper() + text[1:]
    vendors = _labels(filterset, "vendor")
    if vendors:
        text += _(" by %(vendors)s") % {"vendors": names(vendors, "vendors")}
    origins = _labels(filterset, "origin")
    if origins:
        text += _(" from %(countries)s") % {"countries": names(origins, "countries")}
    places = _labels(filterset, "country")
    regions = _labels(filterset, "region")
    if places:
        text += _(" in %(places)s") % {"places": names(places, "countries")}
        if regions:
            text += f" ({names(regions, 'regions')})"
    elif regions:
        text += _(" in %(places)s") % {"places": names(regions, "regions")}
    years = _years(filterset)
    if years:
        text += ", " + years
    query = filterset.form.cleaned_data.get("q")
    if query:
        shown = query if len(query) <= 60 else query[:59] + "…"
        text += _(", matching “%(query)s”") % {"query": shown}
    qualifiers = [
        _qualifier(filterset, name)
        for name in filterset.filters
        if name not in PHRASED and name not in NOT_CHOICES and _labels(filterset, name)
    ]
    if qualifiers:
        text += f" ({'; '.join(qualifiers)})"
    return _("%(selection)s: %(entries)s") % {"selection": text, "entries": entries(count)}


def _qualifier(filterset, name):
    if name == "sources_min":
        value = filterset.form.cleaned_data[name]
        return _("reported by %(count)s+ independent sources") % {"count": f"{value:g}"}
    return _("%(filter)s: %(values)s") % {
        "filter": _filter_label(filterset, name).lower(),
        "values": ", ".join(_labels(filterset, name)),
    }


def _filter_label(filterset, name):
    label = filterset.form.fields[name].label or name.replace("_", " ").capitalize()
    return str(label)


def chips(filterset):
    """One chip per chosen value, each linking to the list without it (and back to page 1)."""
    if not filterset.is_valid():
        return []
    raw = filterset.data
    return [
        Chip(name, _chip_label(filterset, name, value), _without(raw, name, value))
        for name in filterset.filters
        if name not in NOT_CHOICES
        for value in raw.getlist(name)
    ]


def _chip_label(filterset, name, value):
    if name == "q":
        return _("Search: “%(text)s”") % {"text": value if len(value) <= 40 else value[:39] + "…"}
    if name == "sources_min":
        return _("Reported by %(count)s+ independent sources") % {"count": value}
    field = filterset.form.fields[name]
    chosen = filterset.form.cleaned_data.get(name)
    label = value
    if hasattr(chosen, "model"):  # countries, vendors, technologies, datasets: by code or slug
        key = field.to_field_name
        found = {str(getattr(obj, key)).lower(): str(obj) for obj in chosen}
        label = found.get(value.strip().lower(), value)
    else:
        label = _choices(filterset, name).get(value, value)
    return _("%(filter)s: %(value)s") % {"filter": _filter_label(filterset, name), "value": label}


def _without(raw, name, value):
    params = QueryDict(mutable=True)
    for key, values in raw.lists():
        if key in ("page", "format"):
            continue
        kept = [v for v in values if not (key == name and v == value)]
        if kept:
            params.setlist(key, kept)
    return "?" + params.urlencode() if params else "?"


def chosen_count(filterset):
    """How many choices are in effect (the filters panel's summary says so on a phone)."""
    return len(chips(filterset))
