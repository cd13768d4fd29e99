"""The timeline: deployments per start year as a server-drawn SVG bar chart.

Every year from the first to the last gets a bar, gaps included as zero. Entries whose sources
give no year are counted apart (``Timeline.undated``) and shown as such, never dropped. The
chart is an image to assistive technology, so its description carries the numbers too.
"""

import math
from dataclasses import dataclass

from django.db.models import Count
from django.utils.html import format_html, format_html_join

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
    title: str = "Deployments per start year"
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
        return sum(n for _, n in self.years)

    def description(self):
        years = self.years
        if not years:
            return ""
        noun = "deployment" if self.dated == 1 else "deployments"
        peak = max(n for _, n in years)
        busiest = ", ".join(str(year) for year, n in years if n == peak)
        listed = "; ".join(f"{year}: {n}" for year, n in years if n)
        span = f"in {years[0][0]}" if len(years) == 1 else f"from {years[0][0]} to {years[-1][0]}"
        text = f"{self.dated} {noun} with a known start year, {span}"
        if len(years) > 1:
            text += f"; most in {busiest} ({peak})"
        text += f". By year: {listed}."
        if any(n == 0 for _, n in years):
            text += " None in the other years."
        return text

    def svg(self):
        years = self.years
        if not years:
            return ""
        peak = max(n for _, n in years)
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
            noun = "deployment" if n == 1 else "deployments"
            return (
                f"{LEFT + index * slot + (slot - bar_w) / 2:.1f}",
                f"{y_for(n):.1f}",
                f"{bar_w:.1f}",
                f"{baseline - y_for(n):.1f}",
                f"{year}: {n} {noun}",
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
                for i, (year, _) in enumerate(years)
                # Every few years when there are many, and the last unless it would crowd one.
                if i % label_every == 0
                or (i == len(years) - 1 and i % label_every >= label_every / 2)
            ),
        )
        axes = format_html(
            '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>'
            '<text class="axis-label" x="{}" y="{}" text-anchor="middle">Start year</text>'
            '<text class="axis-label" transform="rotate(-90)" x="{}" y="12" '
            'text-anchor="middle">Deployments</text>',
            LEFT,
            baseline,
            WIDTH - RIGHT,
            baseline,
            LEFT + plot_w / 2,
            HEIGHT - 4,
            -(TOP + plot_h / 2),
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
