"""The vendor-by-receiving-country matrix: who supplied whom, at a glance.

Vendors are grouped by their head office's country, receiving countries by UN region, and each
non-empty cell links to that vendor's entries in that country. At full size (hundreds of vendors
and countries) the page shows the vendors and countries with most entries, and the reader
chooses a country of origin, a region or a larger table; the table scrolls inside its own box.
Four queries, whatever the number of entries: the choices, the cells, the vendors, the countries.
"""

from collections import Counter
from dataclasses import dataclass

from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext, ngettext
from django.views.generic import TemplateView

from ..browse.search import fold
from ..graphics.maps import BREAKS
from ..graphics.regions import REGIONS
from ..models import Country, Deployment, Vendor

# The largest table holds every vendor with entries in today's data (138); a vendor per row,
# it stays bounded however many more the data grows to.
VENDOR_SIZES = {"30": 30, "60": 60, "150": 150}
COUNTRY_SIZES = {"40": 40, "80": 80, "all": None}
NO_HEAD_OFFICE = "Head office not stated"


def shade(n):
    """The shading class of a cell, on the map's scale (1, 2–4, 5–9, 10–24, 25 or more)."""
    for index, (upper, _) in enumerate(BREAKS, start=1):
        if upper is None or n <= upper:
            return index
    return len(BREAKS)


@dataclass
class Row:
    vendor: Vendor
    total: int
    cells: list  # (count, link, label) per column, count 0 where nothing is recorded


def choice(params, name, sizes):
    value = params.get(name, "")
    return value if value in sizes else next(iter(sizes))


class MatrixView(TemplateView):
    template_name = "tracker/matrix.html"

    def get_context_data(self, **kwargs):
        params = self.request.GET
        notices = []
        # In the reader's alphabet ("Allemagne" first on /fr/), accents folded.
        origins = sorted(
            Country.objects.filter(
                vendors_headquartered__deployments__in=Deployment.objects.counted()
            ).distinct(),
            key=lambda country: fold(country.display_name),
        )
        # Letters only: a code never holds anything else, and what is echoed stays plain.
        origin = "".join(ch for ch in params.get("origin", "").upper() if "A" <= ch <= "Z")[:2]
        if origin and origin not in {c.iso2 for c in origins}:
            notices.append(
                gettext("No vendor with entries has its head office in “%(code)s”: all shown.")
                % {"code": origin}
            )
            origin = ""
        elif params.get("origin") and not origin:
            notices.append(
                gettext("That is not a country code: vendors from every country are shown.")
            )
        region = params.get("region", "").strip()[:40]
        if region and region not in REGIONS.values():
            notices.append(
                gettext("“%(region)s” is not a region: every region is shown.") % {"region": region}
            )
            region = ""
        vendors_size = choice(params, "vendors", VENDOR_SIZES)
        countries_size = choice(params, "countries", COUNTRY_SIZES)
        cells = self.cells(origin, region)
        vendor_totals, country_totals = Counter(), Counter()
        for (vendor_id, country_id), n in cells.items():
            vendor_totals[vendor_id] += n
            country_totals[country_id] += n
        vendor_ids = ranked(vendor_totals, VENDOR_SIZES[vendors_size])
        country_ids = ranked(country_totals, COUNTRY_SIZES[countries_size])
        vendors = Vendor.objects.select_related("headquarters").in_bulk(vendor_ids)
        countries = Country.objects.in_bulk(country_ids)
        columns = sorted(countries.values(), key=lambda c: (c.region or "~", fold(c.display_name)))
        return super().get_context_data(
            origins=origins,
            regions=sorted(REGIONS.values()),
            origin=origin,
            region=region,
            vendors_size=vendors_size,
            countries_size=countries_size,
            vendor_sizes=VENDOR_SIZES,
            country_sizes=COUNTRY_SIZES,
            notices=notices,
            columns=columns,
            column_groups=column_groups(columns),
            groups=self.groups(vendors, vendor_totals, columns, cells),
            vendors_total=len(vendor_totals),
            countries_total=len(country_totals),
            **kwargs,
        )

    @staticmethod
    def cells(origin, region):
        """{(vendor id, country id): entries} in one aggregate query."""
        deployments = Deployment.objects.counted()
        if region:
            deployments = deployments.filter(country__region=region)
        # One filter() call, so that the vendor counted is the vendor from this head office.
        named = {"vendors__isnull": False}
        if origin:
            named["vendors__headquarters__iso2"] = origin
        rows = (
            deployments.filter(**named)
            .order_by()
            .values_list("vendors", "country")
            .annotate(n=Count("pk", distinct=True))
        )
        return {(vendor, country): n for vendor, country, n in rows}

    @staticmethod
    def groups(vendors, totals, columns, cells):
        """Vendors grouped by head office: the groups with most entries first, then by size."""
        base = reverse("deployment-list")
        grouped = {}
        for vendor in sorted(vendors.values(), key=lambda v: (-totals[v.pk], v.name.casefold())):
            row = Row(vendor, totals[vendor.pk], [])
            for country in columns:
                n = cells.get((vendor.pk, country.pk), 0)
                link = label = ""
                if n:
                    link = f"{base}?{urlencode({'vendor': vendor.slug, 'country': country.iso2})}"
                    label = ngettext(
                        "%(vendor)s in %(country)s: %(count)s entry",
                        "%(vendor)s in %(country)s: %(count)s entries",
                        n,
                    ) % {"vendor": vendor.name, "country": country.display_name, "count": n}
                row.cells.append((n, link, label, shade(n)))
            office = vendor.headquarters.display_name if vendor.headquarters else NO_HEAD_OFFICE
            grouped.setdefault(office, []).append(row)
        return sorted(
            grouped.items(),
            key=lambda item: (item[0] == NO_HEAD_OFFICE, -sum(r.total for r in item[1]), item[0]),
        )


def ranked(totals, limit):
    """The ids with the largest totals, at most ``limit`` (all when None)."""
    ids = sorted(totals, key=lambda pk: (-totals[pk], pk))
    return ids[:limit] if limit else ids


def column_groups(columns):
    """[(region, number of columns)] in column order, for the header row spanning each region."""
    groups = []
    for country in columns:
        name = country.region or "Other"
        if groups and groups[-1][0] == name:
            groups[-1][1] += 1
        else:
            groups.append([name, 1])
    return groups
