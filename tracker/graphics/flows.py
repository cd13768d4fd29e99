"""Flows: entries from each country of origin to each receiving country, drawn on the server.

Countries of origin stand on the left, receiving countries on the right, and a band joins each
pair, as wide as its number of entries; every band and country is a link to those entries in
the list. The counts come from one aggregate query (``flow_counts``), never a query per flow.
The SVG carries the numbers in its titles and description, and the include
(templates/includes/flows.html) shows them again as a table, so colour and shape are never
the only clue. No script, no request to any host.

An entry supplied from two countries (two vendors' head offices) is in both flows; entries
whose origin no source gives are counted apart (``FlowDiagram.unknown_origin``).
"""

from collections import Counter
from dataclasses import dataclass, field

from django.db.models import Count
from django.http import QueryDict
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from ..models.countries import display_name

# Countries of origin and receiving countries drawn by name, the largest first; the others are
# grouped, so that a broad exporter with many small flows still shows its whole weight.
FLOWS_SHOWN = (8, 12)
# The name is translated when a diagram is drawn (``other()``), in the reader's language.
OTHER_NAME = gettext_lazy("Other countries")


def other():
    """("", "Other countries") in the language of the current request."""
    return ("", str(OTHER_NAME))


WIDTH = 600
LABEL_W = 165  # room for a country's name and count on each side
NODE_W = 10
LEFT_X = LABEL_W
RIGHT_X = WIDTH - LABEL_W - NODE_W
BAR_SPACE = 300  # height shared by the nodes of the fuller side, before the minimum slots
MIN_SLOT = 17  # a label's height: nodes with few entries still get a readable line
GAP = 5
TOP = 4


@dataclass(frozen=True)
class Flow:
    origin_iso2: str
    origin: str
    country_iso2: str
    country: str
    count: int
    link: str = ""

    @property
    def label(self):
        return ngettext(
            "%(origin)s → %(country)s: %(count)s entry",
            "%(origin)s → %(country)s: %(count)s entries",
            self.count,
        ) % {"origin": self.origin, "country": self.country, "count": self.count}


@dataclass
class Node:
    iso2: str
    name: str
    total: int = 0
    link: str = ""
    y: float = 0.0  # top of the bar
    height: float = 0.0
    slot: float = 0.0
    filled: float = 0.0  # how much of the bar the bands drawn so far take
    flows: list = field(default_factory=list)

    @property
    def short_name(self):
        return Truncator(self.name).chars(16)

    @property
    def label(self):
        return ngettext(
            "%(name)s: %(count)s entry in the flows shown",
            "%(name)s: %(count)s entries in the flows shown",
            self.total,
        ) % {"name": self.name, "count": self.total}


def flow_counts(deployments):
    """[(origin iso2, origin name, country iso2, country name, n)], most first, in one query.

    Rows without an origin come back with None as the origin: ``FlowDiagram`` counts them
    apart. Counting distinct keys keeps each entry counted once per flow when ``deployments``
    is filtered across a many-to-many relation.
    """
    rows = (
        deployments.order_by()
        .values_list(
            "origin_countries__iso2", "origin_countries__name", "country__iso2", "country__name"
        )
        .annotate(n=Count("pk", distinct=True))
    )
    return sorted(rows, key=lambda r: (-r[4], r[1] or "", r[3]))


def largest(ends, limit):
    """The codes of the ``limit`` countries with most entries among (code, name, n) rows."""
    totals = Counter()
    names = {}
    for iso2, name, n in ends:
        totals[iso2] += n
        names[iso2] = name
    ranked = sorted(totals, key=lambda iso2: (-totals[iso2], names[iso2]))
    return set(ranked[:limit])


def list_links(params=None):
    """A ``link(origin, country)`` for ``flow_diagram``: the deployment list with the reader's
    current filters (``params``, a QueryDict) narrowed to this origin and/or country."""
    base = reverse("deployment-list")

    def link(origin, country):
        query = params.copy() if params is not None else QueryDict(mutable=True)
        for key in ("page", "format"):
            query.pop(key, None)
        if origin:
            query.setlist("origin", [origin])
        if country:
            query.setlist("country", [country])
        return f"{base}?{query.urlencode()}"

    return link


DEFAULT_TITLE = gettext_lazy("Where the technology went")


def flow_diagram(deployments, link=None, *, limit=FLOWS_SHOWN, title=DEFAULT_TITLE, dom_id="flows"):
    """The flows of ``deployments`` (a queryset), each linking to ``link(origin, country)``
    (by default the deployment list with ``?origin=XX&country=YY``)."""
    return FlowDiagram(flow_counts(deployments), link or list_links(), limit, title, dom_id)


def list_flows(deployments, params):
    """The flows for the filtered list: each link keeps the reader's filters."""
    return flow_diagram(
        deployments,
        list_links(params),
        title=_("Where these entries came from, and where they went"),
        dom_id="list-flows",
    )


class FlowDiagram:
    """The largest origins and receiving countries by name; the rest grouped as "Other
    countries" (drawn, counted, not linked: the countries at either end lead to all of it)."""

    def __init__(self, rows, link, limit, title, dom_id):
        self.title = title
        self.dom_id = dom_id
        # Names as readers know them ("Russia", not "Russian Federation").
        known = [
            (o, display_name(o, o_name), c, display_name(c, c_name), n)
            for o, o_name, c, c_name, n in rows
            if o is not None and n
        ]
        self.unknown_origin = sum(r[4] for r in rows if r[0] is None)
        self.flow_total = len(known)
        origins_shown, countries_shown = limit
        top_origins = largest(((o, name, n) for o, name, _, _, n in known), origins_shown)
        top_countries = largest(((c, name, n) for _, _, c, name, n in known), countries_shown)
        grouped = Counter()
        others = other()
        for o, o_name, c, c_name, n in known:
            origin = (o, o_name) if o in top_origins else others
            country = (c, c_name) if c in top_countries else others
            grouped[origin + country] += n
        self.grouped = len(
            {r[0] for r in known if r[0] not in top_origins}
            | {r[2] for r in known if r[2] not in top_countries}
        )
        self.flows = sorted(
            (
                Flow(o, o_name, c, c_name, n, link(o, c) if o and c else "")
                for (o, o_name, c, c_name), n in grouped.items()
            ),
            key=lambda f: (not f.link, -f.count, f.origin, f.country),
        )
        self.origins = self._nodes([(f.origin_iso2, f.origin, f) for f in self.flows], link, 0)
        self.countries = self._nodes([(f.country_iso2, f.country, f) for f in self.flows], link, 1)

    @staticmethod
    def _nodes(ends, link, side):
        nodes = {}
        for iso2, name, flow in ends:
            if iso2 not in nodes:
                target = "" if not iso2 else link(iso2, None) if side == 0 else link(None, iso2)
                nodes[iso2] = Node(iso2, name, link=target)
            nodes[iso2].total += flow.count
            nodes[iso2].flows.append(flow)
        # "Other countries" comes last, whatever its size.
        return sorted(nodes.values(), key=lambda n: (not n.iso2, -n.total, n.name))

    def description(self):
        if not self.flows:
            return _("No entry with a known country of origin here.")
        shown = "; ".join(
            _("%(origin)s to %(country)s: %(count)s")
            % {"origin": f.origin, "country": f.country, "count": f.count}
            for f in self.flows
        )
        # Three counts, each with its own plural: three sentences' pieces put together.
        flows = ngettext("%(count)s flow", "%(count)s flows", len(self.flows)) % {
            "count": len(self.flows)
        }
        origins = ngettext(
            "%(count)s origin (left)", "%(count)s origins (left)", len(self.origins)
        ) % {"count": len(self.origins)}
        destinations = ngettext(
            "%(count)s destination (right)",
            "%(count)s destinations (right)",
            len(self.countries),
        ) % {"count": len(self.countries)}
        text = _(
            "%(flows)s from %(origins)s to %(destinations)s, each band as wide as its number "
            "of entries. %(shown)s."
        ) % {"flows": flows, "origins": origins, "destinations": destinations, "shown": shown}
        if self.grouped:
            text += " " + ngettext(
                "%(count)s country with fewer entries is grouped as “%(other)s”.",
                "%(count)s countries with fewer entries are grouped as “%(other)s”.",
                self.grouped,
            ) % {"count": self.grouped, "other": other()[1]}
        return text

    def _layout(self):
        biggest = max(sum(n.total for n in self.origins), 1)
        unit = BAR_SPACE / biggest
        height = 0
        for nodes in (self.origins, self.countries):
            y = TOP
            for node in nodes:
                node.height = max(node.total * unit, 2)
                node.slot = max(node.height, MIN_SLOT)
                node.y = y + (node.slot - node.height) / 2
                node.filled = 0
                y += node.slot + GAP
            height = max(height, y)
        return unit, height + TOP

    def svg(self):
        if not self.flows:
            return ""
        unit, height = self._layout()
        origin_at = {n.iso2: n for n in self.origins}
        country_at = {n.iso2: n for n in self.countries}
        order = {n.iso2: i for i, n in enumerate(self.countries)}
        bands = []
        # Bands leave each origin in the order of their receiving countries, and reach each
        # receiving country in the order of their origins, so that few of them cross.
        for origin in self.origins:
            for flow in sorted(origin.flows, key=lambda f: order[f.country_iso2]):
                width = flow.count * unit
                start = origin.y + origin.filled * unit
                origin.filled += flow.count
                bands.append([flow, start, width])
        band_of = {(b[0].origin_iso2, b[0].country_iso2): b for b in bands}
        for country in self.countries:
            for origin in self.origins:
                band = band_of.get((origin.iso2, country.iso2))
                if band:
                    band.append(country.y + country.filled * unit)
                    country.filled += band[0].count
        return format_html(
            '<svg class="flows" viewBox="0 0 {} {}" role="group" '
            'aria-labelledby="{}-title {}-desc"><title id="{}-title">{}</title>'
            '<desc id="{}-desc">{}</desc><g class="flow-bands">{}</g>{}{}</svg>',
            WIDTH,
            f"{height:.0f}",
            self.dom_id,
            self.dom_id,
            self.dom_id,
            self.title,
            self.dom_id,
            self.description(),
            format_html_join("", "{}", ((self._band(*b),) for b in bands)),
            self._side(origin_at.values(), LEFT_X, LEFT_X - 6, "end"),
            self._side(country_at.values(), RIGHT_X, RIGHT_X + NODE_W + 6, "start"),
        )

    @staticmethod
    def _band(flow, y0, width, y1):
        x0, x1 = LEFT_X + NODE_W, RIGHT_X
        xm = (x0 + x1) / 2
        w = max(width, 1)  # a flow of one entry among thousands is still visible
        d = (
            f"M{x0},{y0:.1f}C{xm},{y0:.1f} {xm},{y1:.1f} {x1},{y1:.1f}"
            f"L{x1},{y1 + w:.1f}C{xm},{y1 + w:.1f} {xm},{y0 + w:.1f} {x0},{y0 + w:.1f}Z"
        )
        if not flow.link:
            return format_html(
                '<g><title>{}</title><path class="flow-band other" d="{}"/></g>', flow.label, d
            )
        return format_html(
            '<a href="{}"><title>{}</title><path class="flow-band" d="{}"/></a>',
            flow.link,
            flow.label,
            d,
        )

    @staticmethod
    def _side(nodes, x, text_x, anchor):
        def node(n):
            inner = format_html(
                '<title>{}</title><rect class="flow-node" x="{}" y="{}" width="{}" height="{}"/>'
                '<text class="flow-label" x="{}" y="{}" text-anchor="{}">{} '
                '<tspan class="flow-count">{}</tspan></text>',
                n.label,
                x,
                f"{n.y:.1f}",
                NODE_W,
                f"{n.height:.1f}",
                text_x,
                f"{n.y + n.height / 2 + 5:.1f}",
                anchor,
                n.short_name,
                n.total,
            )
            if n.link:
                return format_html('<a href="{}">{}</a>', n.link, inner)
            return format_html("<g>{}</g>", inner)

        return format_html_join("", "{}", ((node(n),) for n in nodes))
