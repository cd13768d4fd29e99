"""The world map: deployments per country as an SVG choropleth, drawn on the server.

Country shapes are prepared once (manage.py build_world_shapes) into static/map/world.svg,
which the browser fetches from this host and caches; each page's map only places those shapes
with <use>, shaded by count, each country with entries a link, each with a <title> giving its
name and count. No tiles, no script, no other host.
"""

import functools
import json
from dataclasses import dataclass, replace
from pathlib import Path

from django.db.models import Count
from django.templatetags.static import static
from django.utils.html import format_html, format_html_join

SHAPES = Path(__file__).resolve().parent / "data" / "world_shapes.json"

# Upper bounds of the shading classes; colour is never the only carrier of the count.
BREAKS = [(1, "1"), (4, "2–4"), (9, "5–9"), (24, "10–24"), (None, "25 or more")]


@functools.cache
def frame():
    """The map's viewBox and the countries that have a shape, read once per process."""
    data = json.loads(SHAPES.read_text())
    return data["viewBox"], frozenset(data["boxes"])


@dataclass(frozen=True)
class CountryCount:
    iso2: str
    name: str
    slug: str
    count: int
    link: str = ""

    @property
    def shade(self):
        for index, (upper, _) in enumerate(BREAKS, start=1):
            if upper is None or self.count <= upper:
                return index
        return len(BREAKS)

    @property
    def label(self):
        noun = "deployment" if self.count == 1 else "deployments"
        return f"{self.name}: {self.count} {noun}"


def country_counts(deployments):
    """Published deployments per country, in one aggregate query, most first."""
    rows = (
        deployments.order_by()
        .values_list("country__iso2", "country__name", "country__slug")
        .annotate(n=Count("pk", distinct=True))
    )
    counts = [CountryCount(iso2, name, slug, n) for iso2, name, slug, n in rows if n]
    return sorted(counts, key=lambda c: (-c.count, c.name))


def world_map(counts, link, *, highlight="", title="Deployments per country"):
    """A map of ``counts``, each country linking to ``link(country_count)``."""
    return WorldMap([replace(c, link=link(c)) for c in counts], highlight, title)


@dataclass(frozen=True)
class WorldMap:
    counts: list
    highlight: str = ""
    title: str = "Deployments per country"

    @property
    def legend(self):
        return [(index, label) for index, (_, label) in enumerate(BREAKS, start=1)]

    @property
    def unmapped(self):
        """Countries with entries but no shape at this scale: listed, never silently lost."""
        _, shaped = frame()
        return [c for c in self.counts if c.iso2 not in shaped]

    def svg(self):
        view_box, shaped = frame()
        sprite = static("map/world.svg")
        counted = {c.iso2: c for c in self.counts}
        base = format_html_join(
            "",
            '<use href="{}#{}" class="map-land{}"/>',
            (
                (sprite, iso2, " map-highlight" if iso2 == self.highlight else "")
                for iso2 in sorted(shaped)
                if iso2 not in counted
            ),
        )
        shaded = format_html_join(
            "",
            '<a href="{}"><title>{}</title><use href="{}#{}" class="map-c{}{}"/></a>',
            (
                (
                    c.link,
                    c.label,
                    sprite,
                    c.iso2,
                    c.shade,
                    " map-highlight" if c.iso2 == self.highlight else "",
                )
                for c in self.counts
                if c.iso2 in shaped
            ),
        )
        return format_html(
            '<svg class="world-map" viewBox="{}" aria-label="{}" role="group">'
            "<title>{}</title>{}{}</svg>",
            view_box,
            self.title,
            self.title,
            base,
            shaded,
        )
