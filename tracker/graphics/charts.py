"""The timeline: deployments per start year as a server-drawn SVG bar chart.

Every year from the first to the last gets a bar, gaps included as zero. Entries whose sources
give no year are counted apart (``Timeline.undated``) and shown as such, never dropped. The
chart is an image to assistive technology, so its description carries the numbers too.
"""

import math
from dataclasses import dataclass

from django.db.models import Count
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

WIDTH, HEIGHT = 640, 200
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 10, 38  # room for the axes' numbers and names
MAX_TICKS = 4


def year_counts(deployments):
    """{start year or None: number of deployments}, in one aggregate query.

    Counting distinct keys keeps each entry counted once when ``deployments`` is filtered
    across a many-to-many relation (vendors, technologies).
    """
    rows = deployments.order_by().values_list("start_year").annotate(n=Count("pk", distinct=True))
    return dict(rows)


def render_timeline(counts, **kwargs):
    """The chart for ``counts`` ({year or None: n}) and how many entries have no year.

    The SVG is empty when no year is known; say so instead (templates/includes/timeline.html).
    """
    timeline = Timeline(counts, **kwargs)
    return timeline.svg(), timeline.undated


def nice_step(peak):
    """A step of 1, 2 or 5 times a power of ten giving at most MAX_TICKS ticks above zero."""
    raw = max(peak / MAX_TICKS, 1)
    power = 10 ** math.floor(math.log10(raw))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= raw)


@dataclass(frozen=True)
class Timeline:
    counts: dict
    title: str = gettext_lazy("Deployments per start year")
    dom_id: str = "timeline"

    @property
    def undated(self):
        return self.counts.get(None, 0)

    @property
    def years(self):
        """(year, count) for every year from the first to the last, gaps included as zero."""
        known = [year for year, n in self.counts.items() if year is not None and n]
        if not known:
            return []
        return [(year, self.counts.get(year, 0)) for year in range(min(known), max(known) + 1)]

    @property
    def dated(self):
        return sum(n for _year, n in self.years)

    def description(self):
        years = self.years
        if not years:
            return ""
        peak = max(n for _year, n in years)
        busiest = ", ".join(str(year) for year, n in years if n == peak)
        listed = "; ".join(
            _("%(year)s: %(count)s") % {"year": year, "count": n} for year, n in years if n
        )
        values = {"count": self.dated, "years": busiest, "peak": peak}
        if len(years) == 1:
            values["year"] = years[0][0]
            text = ngettext(
                "%(count)s deployment with a known start year, in %(year)s.",
                "%(count)s deployments with a known start year, in %(year)s.",
                self.dated,
            )
        else:
            values.update(first=years[0][0], last=years[-1][0])
            text = ngettext(
                "%(count)s deployment with a known start year, from %(first)s to %(last)s; "
                "most in %(years)s (%(peak)s).",
                "%(count)s deployments with a known start year, from %(first)s to %(last)s; "
                "most in %(years)s (%(peak)s).",
                self.dated,
            )
        text = text % values
        text += " " + _("By year: %(years)s.") % {"years": listed}
        if any(n == 0 for _year, n in years):
            text += " " + _("None in the other years.")
        return text

    def svg(self):
        years = self.years
        if not years:
            return ""
        peak = max(n for _year, n in years)
        step = nice_step(peak)
        top_value = step * math.ceil(peak / step)
        plot_w = WIDTH - LEFT - RIGHT
        plot_h = HEIGHT - TOP - BOTTOM
        slot = plot_w / len(years)
        bar_w = max(slot * 0.8, 1)
        baseline = TOP + plot_h
        label_every = max(1, math.ceil(len(years) / 12))

        def y_for(value):
            return baseline - plot_h * value / top_value

        def bar(index, year, n):
            return (
                f"{LEFT + index * slot + (slot - bar_w) / 2:.1f}",
                f"{y_for(n):.1f}",
                f"{bar_w:.1f}",
                f"{baseline - y_for(n):.1f}",
                ngettext("%(year)s: %(count)s deployment", "%(year)s: %(count)s deployments", n)
                % {"year": year, "count": n},
            )

        grid = format_html_join(
            "",
            '<line class="grid" x1="{}" y1="{}" x2="{}" y2="{}"/>'
            '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>',
            (
                (
                    LEFT,
                    f"{y_for(v):.1f}",
                    WIDTH - RIGHT,
                    f"{y_for(v):.1f}",
                    LEFT - 6,
                    f"{y_for(v) + 3.5:.1f}",
                    v,
                )
                for v in range(0, top_value + 1, step)
            ),
        )
        bars = format_html_join(
            "",
            '<rect class="bar" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>',
            (bar(i, year, n) for i, (year, n) in enumerate(years)),
        )
        labels = format_html_join(
            "",
            '<text class="tick year" x="{}" y="{}" text-anchor="middle">{}</text>',
            (
                (f"{LEFT + i * slot + slot / 2:.1f}", baseline + 14, year)
                for i, (year, _count) in enumerate(years)
                # Every few years when there are many, and the last unless it would crowd one.
                if i % label_every == 0
                or (i == len(years) - 1 and i % label_every >= label_every / 2)
            ),
        )
        axes = format_html(
            '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>'
            '<text class="axis-label" x="{}" y="{}" text-anchor="middle">{}</text>'
            '<text class="axis-label" transform="rotate(-90)" x="{}" y="12" '
            'text-anchor="middle">{}</text>',
            LEFT,
            baseline,
            WIDTH - RIGHT,
            baseline,
            LEFT + plot_w / 2,
            HEIGHT - 4,
            _("Start year"),
            -(TOP + plot_h / 2),
            _("Deployments"),
        )
        return format_html(
            '<svg class="timeline" viewBox="0 0 {} {}" role="img" '
            'aria-labelledby="{}-title {}-desc"><title id="{}-title">{}</title>'
            '<desc id="{}-desc">{}</desc>{}{}{}{}</svg>',
            WIDTH,
            HEIGHT,
            self.dom_id,
            self.dom_id,
            self.dom_id,
            self.title,
            self.dom_id,
            self.description(),
            grid,
            bars,
            axes,
            labels,
        )
