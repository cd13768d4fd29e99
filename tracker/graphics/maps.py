"""The world map: deployments per country as an SVG choropleth, drawn on the server.

The shapes (Natural Earth 1:50m, Equal Earth projection) are prepared once by
``manage.py build_world_shapes`` into tracker/data/world_shapes.json and read once per process.
Each map is one inline <svg>: every country with entries is a link around its shape, with a
<title> giving its name and count; the others are plain grey shapes. No tiles, no script, no
request to any host. Colour is never the only clue: the counts are in the titles and in the
table the template shows beside the map, which also lists countries too small to draw.

Where the technology came from (the exporting countries of the entries shown) is hatched over
the shading, so buyers and sellers read apart; a filtered map frames the countries involved.
"""

import functools
import json
import re
from dataclasses import dataclass, replace
from pathlib import Path

from django.core.exceptions import ImproperlyConfigured
from django.db.models import Count
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..models.countries import display_name

SHAPES = Path(__file__).resolve().parents[1] / "data" / "world_shapes.json"
PATH_DATA = re.compile(r"[MlazZ0-9 .\-]+")

# Upper bounds of the shading classes (CSS map-c1 … map-c5) and how the legend words them.
BREAKS = [(1, "1"), (4, "2–4"), (9, "5–9"), (24, "10–24"), (None, gettext_lazy("25 or more"))]
DEFAULT_TITLE = gettext_lazy("Deployments per country")


@dataclass(frozen=True)
class Shape:
    key: str  # ISO 3166-1 numeric, or "XK" for Kosovo, which has none
    iso2: str
    name: str
    d: str  # checked against PATH_DATA, so marked safe once, not escaped on every page
    marker: bool  # too small to see at this scale, so drawn with a round marker

    @property
    def plain(self):
        return format_html('<path class="map-land" d="{}"/>', self.d)


@dataclass(frozen=True)
class Shapes:
    view_box: str
    by_iso2: dict
    in_order: tuple  # ordinary shapes first, markers over them: no microstate hidden by its host
    other: str  # land that belongs to no country (Siachen Glacier), ready to draw
    plain: dict  # iso2: the country as a grey unlinked path, ready to draw


@functools.cache
def shapes():
    """The shipped shapes, checked and indexed once per process (never per request)."""
    data = json.loads(SHAPES.read_text())
    by_iso2 = {}
    for key, entry in data["countries"].items():
        d = checked(entry["d"])
        shape = Shape(key, entry["iso2"], entry["name"], d, entry.get("marker", False))
        by_iso2[shape.iso2] = shape
    in_order = tuple(sorted(by_iso2.values(), key=lambda s: (s.marker, s.key)))
    other = "".join(Shape("", "", e["name"], checked(e["d"]), False).plain for e in data["other"])
    plain = {s.iso2: s.plain for s in in_order}
    return Shapes(format_html("{}", data["viewBox"]), by_iso2, in_order, mark_safe(other), plain)


def checked(d):
    """Path data, safe to put in a page as is: nothing but commands, numbers and spaces.

    A broken build must fail loudly here, not draw garbage (or worse) on every page.
    """
    if not PATH_DATA.fullmatch(d):
        raise ImproperlyConfigured(f"{SHAPES} holds something that is not SVG path data.")
    return mark_safe(d)


SUBPATH = re.compile(r"M([^la]+)([la])([^z]*)z")
NUMBER = re.compile(r"-?\d*\.?\d+")
WORLD = (0.0, 0.0, 960.0, 424.0)  # the shipped viewBox, as numbers
# A framed map never shows less than this share of the world's width (Serbia alone would fill
# it, with nothing around to say where it is), and past the larger share shows the whole world.
FOCUS_MIN_SHARE, FOCUS_MAX_SHARE, FOCUS_MARGIN = 0.3, 0.8, 0.12


def subpath_boxes(d):
    """(left, top, right, bottom) of each ring of path data as build_world_shapes writes it."""
    for start, command, rest in SUBPATH.findall(d):
        x, y = (float(v) for v in NUMBER.findall(start))
        if command == "a":  # a marker: two half circles of radius r
            r = float(NUMBER.findall(rest)[0])
            yield x, y - r, x + 2 * r, y + r
            continue
        values = [float(v) for v in NUMBER.findall(rest)]
        xs, ys = [x], [y]
        for dx, dy in zip(values[::2], values[1::2], strict=False):
            xs.append(xs[-1] + dx)
            ys.append(ys[-1] + dy)
        yield min(xs), min(ys), max(xs), max(ys)


@functools.cache
def main_boxes():
    """iso2: the box of each country's largest ring, once per process.

    The largest ring only: France's includes French Guiana and Réunion, and framing Europe
    around all three would frame half the world.
    """
    boxes = {}
    for iso2, shape in shapes().by_iso2.items():
        rings = list(subpath_boxes(shape.d))
        if rings:
            boxes[iso2] = max(rings, key=lambda b: (b[2] - b[0]) * (b[3] - b[1]))
    return boxes


def framed(iso2s):
    """A viewBox around these countries, in the world's proportions, or "" for the whole world."""
    boxes = [main_boxes()[c] for c in iso2s if c in main_boxes()]
    if not boxes:
        return ""
    left, top = min(b[0] for b in boxes), min(b[1] for b in boxes)
    right, bottom = max(b[2] for b in boxes), max(b[3] for b in boxes)
    world_w, world_h = WORLD[2], WORLD[3]
    width = max((right - left) * (1 + 2 * FOCUS_MARGIN), world_w * FOCUS_MIN_SHARE)
    height = max((bottom - top) * (1 + 2 * FOCUS_MARGIN), 1)
    width = max(width, height * world_w / world_h)
    if width >= world_w * FOCUS_MAX_SHARE:
        return ""
    height = width * world_h / world_w
    x = min(max((left + right - width) / 2, 0), world_w - width)
    y = min(max((top + bottom - height) / 2, 0), world_h - height)
    return f"{x:.1f} {y:.1f} {width:.1f} {height:.1f}"


@dataclass(frozen=True)
class CountryCount:
    iso2: str
    name: str
    slug: str
    count: int
    link: str = ""
    numeric: str = ""

    def __post_init__(self):
        # Readers' name for the country on the map, its legend and table ("Russia"), whatever
        # the rows were read from.
        object.__setattr__(self, "name", display_name(self.iso2, self.name))

    @property
    def shade(self):
        for index, (upper, _label) in enumerate(BREAKS, start=1):
            if upper is None or self.count <= upper:
                return index
        return len(BREAKS)

    @property
    def label(self):
        return ngettext(
            "%(country)s: %(count)s deployment", "%(country)s: %(count)s deployments", self.count
        ) % {"country": self.name, "count": self.count}


def country_counts(deployments):
    """Deployments per country, in one aggregate query, most first.

    ``deployments`` may be filtered across many-to-many relations (vendors, technologies),
    which repeats rows in the join; counting distinct keys keeps every entry counted once.
    """
    rows = (
        deployments.order_by()
        .values_list("country__iso2", "country__name", "country__slug", "country__numeric")
        .annotate(n=Count("pk", distinct=True))
    )
    counts = [
        CountryCount(iso2, name, slug, n, numeric=numeric)
        for iso2, name, slug, numeric, n in rows
        if n
    ]
    return sorted(counts, key=lambda c: (-c.count, c.name))


def counted_countries(counts):
    """CountryCount rows, most first, for (Country, n) pairs counted already (from the facet
    tallies, tracker.browse.facets): no query."""
    rows = [
        CountryCount(c.iso2, c.display_name, c.slug, n, numeric=c.numeric) for c, n in counts if n
    ]
    return sorted(rows, key=lambda c: (-c.count, c.name))


def world_map(
    counts,
    link,
    *,
    highlight="",
    title=DEFAULT_TITLE,
    dom_id="world-map",
    origins=(),
    focus=False,
):
    """A map of ``counts`` (CountryCount rows), each country linking to ``link(country_count)``.

    ``highlight`` is the ISO alpha-2 code of a country to outline (the country's own page).
    ``dom_id`` prefixes the ids the SVG's title and description need; change it only when a
    page shows two maps. ``origins`` are (iso2, name) pairs of the countries the technology
    came from, hatched; ``focus`` frames the countries shown (a filtered list) and mutes the rest.
    """
    return WorldMap(
        [replace(c, link=link(c)) for c in counts],
        highlight or "",
        title,
        dom_id,
        tuple(Origin(iso2, name) for iso2, name in origins),
        focus,
    )


def render_world_map(counts, *, link, highlight=None, label=DEFAULT_TITLE):
    """The map's SVG alone, for ``counts`` given as {Country: count} (or CountryCount rows).

    Pages should prefer ``world_map``, whose result also gives the table rows and the countries
    too small to draw (``.unmapped``), which a page must list.
    """
    if isinstance(counts, dict):
        counts = [
            CountryCount(c.iso2, c.display_name, c.slug, n, numeric=c.numeric)
            for c, n in counts.items()
            if n
        ]
    return world_map(counts, link, highlight=highlight, title=label).svg()


@dataclass(frozen=True)
class Origin:
    iso2: str
    name: str

    def __post_init__(self):
        object.__setattr__(self, "name", display_name(self.iso2, self.name))


@dataclass(frozen=True)
class WorldMap:
    counts: list
    highlight: str = ""
    title: str = DEFAULT_TITLE
    dom_id: str = "world-map"
    origins: tuple = ()  # Origin rows: where the technology came from, hatched
    focus: bool = False

    @property
    def legend(self):
        return [(index, label) for index, (_upper, label) in enumerate(BREAKS, start=1)]

    @property
    def view_box(self):
        """The whole world, or on a filtered map the frame around the countries involved."""
        if self.focus:
            # The buyers only: framing the sellers too would zoom Serbia out to include China.
            box = framed([c.iso2 for c in self.counts if c.count > 0])
            if box:
                return box
        return str(shapes().view_box)

    @property
    def drawn_origins(self):
        by_iso2 = shapes().by_iso2
        return [o for o in self.origins if o.iso2 in by_iso2]

    @property
    def unmapped(self):
        """Countries with entries but no shape at this scale: listed, never silently lost.

        Natural Earth draws some territories as part of another country (French Guiana and
        Réunion with France, Svalbard with Norway) and leaves out a few specks (Gibraltar,
        Tuvalu, Tokelau).
        """
        by_iso2 = shapes().by_iso2
        return [c for c in self.counts if c.count > 0 and c.iso2 not in by_iso2]

    def svg(self):
        drawn = shapes()
        counted = {c.iso2: c for c in self.counts if c.count > 0 and c.iso2 in drawn.by_iso2}
        highlighted = drawn.by_iso2.get(self.highlight)
        rest = [s for s in drawn.in_order if s is not highlighted]
        base = "".join(drawn.plain[s.iso2] for s in rest if s.iso2 not in counted)
        parts = [
            format_html(
                '<g class="map-base" aria-hidden="true">{}{}</g>', drawn.other, mark_safe(base)
            ),
            *(self._country(s, counted) for s in rest if s.iso2 in counted),
        ]
        if highlighted:
            # Drawn last, over its neighbours: a white halo under a dark outline shows against
            # every shade and the grey.
            parts += [
                format_html('<path class="map-halo" d="{}" aria-hidden="true"/>', highlighted.d),
                self._country(highlighted, counted, " map-highlight"),
            ]
        parts.append(self._origins_overlay())
        shown = len(counted)
        if shown:
            desc = ngettext(
                "%(count)s country has at least one deployment; each is shaded, darker for "
                "more (%(shades)s), and links to its entries. Countries with none are grey. "
                "The table with the map gives every count.",
                "%(count)s countries have at least one deployment; each is shaded, darker for "
                "more (%(shades)s), and links to its entries. Countries with none are grey. "
                "The table with the map gives every count.",
                shown,
            ) % {"count": shown, "shades": ", ".join(str(label) for _upper, label in BREAKS)}
        else:
            desc = _("No country has a deployment here yet; every country is grey.")
        if self.drawn_origins:
            names = ", ".join(o.name for o in self.drawn_origins)
            desc += " " + _("Hatched: where the technology came from (%(countries)s).") % {
                "countries": names
            }
        return format_html(
            '<svg class="world-map{}" viewBox="{}" role="group" aria-labelledby="{}-title {}-desc">'
            '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}</svg>',
            " map-focused" if self.focus else "",
            self.view_box,
            self.dom_id,
            self.dom_id,
            self.dom_id,
            self.title,
            self.dom_id,
            desc,
            mark_safe("".join(parts)),  # format_html, or escape() on all that comes from outside
        )

    def _origins_overlay(self):
        """Stripes over each exporting country, whatever its shade, above every shape.

        Black and white stripes, so that one of the two shows on the lightest and the darkest
        shade alike; the stripes keep their size on screen when the map is framed closer.
        """
        origins = self.drawn_origins
        if not origins:
            return ""
        scale = float(self.view_box.split()[2]) / WORLD[2]
        size = 8 * scale
        by_iso2 = shapes().by_iso2
        paths = "".join(
            f'<path class="map-origin" d="{by_iso2[o.iso2].d}"/>' for o in origins
        )  # path data was checked when the shapes were loaded
        return format_html(
            '<g aria-hidden="true"><defs><pattern id="{}-hatch" patternUnits="userSpaceOnUse" '
            'width="{}" height="{}" patternTransform="rotate(45)">'
            '<rect class="map-hatch-light" width="{}" height="{}"/>'
            '<rect class="map-hatch-dark" x="{}" width="{}" height="{}"/></pattern></defs>'
            '<g class="map-origins" fill="url(#{}-hatch)">{}</g></g>',
            self.dom_id,
            f"{size:.2f}",
            f"{size:.2f}",
            f"{size / 5:.2f}",
            f"{size:.2f}",
            f"{size / 5:.2f}",
            f"{size / 5:.2f}",
            f"{size:.2f}",
            self.dom_id,
            mark_safe(paths),
        )

    @staticmethod
    def _country(shape, counted, extra=""):
        count = counted.get(shape.iso2)
        if count is None:
            return format_html('<path class="map-land{}" d="{}"/>', extra, shape.d)
        # What format_html would do, more cheaply (this runs once per shaded country): only the
        # link and the name come from outside; shade and extra are ours, and shape.d was
        # checked when the shapes were loaded.
        return (
            f'<a href="{escape(count.link)}"><title>{escape(count.label)}</title>'
            f'<path class="map-c{count.shade:d}{extra}" d="{shape.d}"/></a>'
        )
