"""The timeline: deployments per start year as a server-drawn SVG bar chart.

Entries whose sources give no year are counted apart and shown as such, never dropped.
"""

from dataclasses import dataclass

from django.db.models import Count
from django.utils.html import format_html, format_html_join

WIDTH, HEIGHT = 640, 180
MARGIN_LEFT, MARGIN_BOTTOM, MARGIN_TOP = 28, 22, 8


def year_counts(deployments):
    """{start year or None: number of deployments}, in one aggregate query."""
    rows = deployments.order_by().values_list("start_year").annotate(n=Count("pk", distinct=True))
    return dict(rows)


@dataclass(frozen=True)
class Timeline:
    counts: dict
    title: str = "Deployments per start year"

    @property
    def undated(self):
        return self.counts.get(None, 0)

    @property
    def years(self):
        """Every year from the first to the last, gaps included as zero."""
        known = [year for year in self.counts if year is not None]
        if not known:
            return []
        return [(year, self.counts.get(year, 0)) for year in range(min(known), max(known) + 1)]

    def svg(self):
        years = self.years
        if not years:
            return ""
        peak = max(n for _, n in years)
        plot_w = WIDTH - MARGIN_LEFT
        plot_h = HEIGHT - MARGIN_BOTTOM - MARGIN_TOP
        step = plot_w / len(years)
        bar_w = max(step * 0.8, 1)
        label_every = max(1, round(len(years) / 10))

        def bar(index, year, n):
            height = plot_h * n / peak
            x = MARGIN_LEFT + index * step + (step - bar_w) / 2
            y = MARGIN_TOP + plot_h - height
            noun = "deployment" if n == 1 else "deployments"
            return (f"{year}: {n} {noun}", f"{x:.1f}", f"{y:.1f}", f"{bar_w:.1f}", f"{height:.1f}")

        bars = format_html_join(
            "",
            '<rect class="bar" x="{}" y="{}" width="{}" height="{}"><title>{}</title></rect>',
            (
                (x, y, w, h, title)
                for title, x, y, w, h in (bar(i, *yn) for i, yn in enumerate(years))
            ),
        )
        labels = format_html_join(
            "",
            '<text class="tick" x="{}" y="{}" text-anchor="middle">{}</text>',
            (
                (f"{MARGIN_LEFT + i * step + step / 2:.1f}", HEIGHT - 6, year)
                for i, (year, _) in enumerate(years)
                if i % label_every == 0
            ),
        )
        axis = format_html(
            '<text class="tick" x="{}" y="{}" text-anchor="end">{}</text>'
            '<line class="axis" x1="{}" y1="{}" x2="{}" y2="{}"/>',
            MARGIN_LEFT - 4,
            MARGIN_TOP + 10,
            peak,
            MARGIN_LEFT,
            MARGIN_TOP + plot_h,
            WIDTH,
            MARGIN_TOP + plot_h,
        )
        first, last = years[0][0], years[-1][0]
        return format_html(
            '<svg class="timeline" viewBox="0 0 {} {}" role="img" aria-labelledby="timeline-title">'
            '<title id="timeline-title">{}, {} to {}</title>{}{}{}</svg>',
            WIDTH,
            HEIGHT,
            self.title,
            first,
            last,
            axis,
            bars,
            labels,
        )
