"""Benchmark: does an export's memory stay flat as the number of rows grows?

Builds a throwaway database (SQLite in a temporary directory, or the PostgreSQL database named
by ``--database-url``, which must be empty and disposable), fills it with N published
deployments, each with vendors, technologies and two citations, then downloads
``/deployments/?format=csv`` and ``?format=json`` through Django's test client for each N,
recording Python's peak allocated memory (tracemalloc) and the time taken. For contrast it also
builds the same CSV in memory at once, as a non-streaming view would.

    .venv/bin/python bench/export_memory.py             # N = 1,000, 3,000 and 6,000
    .venv/bin/python bench/export_memory.py --rows 1000 5000 20000

Machines here are noisy: compare the ratios within one run, not seconds across runs. Results
are written down in README.md ("Benchmarks").
"""

import argparse
import itertools
import os
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def configure(database_url):
    os.environ["DJANGO_SETTINGS_MODULE"] = "tracker.settings"
    os.environ["VAR_DIR"] = tempfile.mkdtemp(prefix="tracker-bench-")
    os.environ.setdefault("SECRET_KEY", "benchmark-only-" + "x" * 40)
    os.environ["ALLOWED_HOSTS"] = "testserver"
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    else:
        os.environ.pop("DATABASE_URL", None)

    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def fill(n_rows):
    """Add published deployments until there are ``n_rows``, with bulk inserts (fast setup)."""
    from django.utils import timezone

    from tracker.models import Citation, Country, Deployment, Source, Technology, Vendor

    have = Deployment.objects.count()
    if have >= n_rows:
        return
    countries = list(Country.objects.filter(is_iso=True).order_by("iso2"))
    technologies = list(Technology.objects.all()[:3])
    if not Vendor.objects.exists():
        Vendor.objects.bulk_create(
            Vendor(name=f"Vendor {i}", name_key=f"vendor {i}", slug=f"vendor-{i}")
            for i in range(40)
        )
        Source.objects.bulk_create(
            Source(title=f"Report {i}", slug=f"report-{i}", url=f"https://example.org/r/{i}")
            for i in range(60)
        )
    vendors = list(Vendor.objects.all())
    sources = list(Source.objects.all())
    now = timezone.now()
    created = Deployment.objects.bulk_create(
        Deployment(
            title=f"Cameras and analytics platform number {i}",
            slug=f"bench-{i}",
            country=countries[i % len(countries)],
            locality=f"City {i}",
            summary="A municipal video surveillance network with facial recognition. " * 3,
            state=Deployment.State.PUBLISHED,
            published_at=now,
        )
        for i in range(have, n_rows)
    )
    through = Deployment.vendors.through
    through.objects.bulk_create(
        through(deployment=d, vendor=vendors[(d.pk + k) % len(vendors)])
        for d in created
        for k in range(2)
    )
    tech_through = Deployment.technologies.through
    tech_through.objects.bulk_create(
        tech_through(deployment=d, technology=t) for d in created for t in technologies
    )
    Citation.objects.bulk_create(
        Citation(
            deployment=d,
            source=sources[(d.pk + k) % len(sources)],
            quote=f"The city signed a contract for cameras, entry {d.pk}, paragraph {k}. " * 3,
        )
        for d in created
        for k in range(2)
    )


def measure(fn):
    tracemalloc.start()
    tracemalloc.reset_peak()
    started = time.perf_counter()
    size = fn()
    elapsed = time.perf_counter() - started
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return peak, elapsed, size


def streamed(client, fmt):
    def run():
        response = client.get("/deployments/", {"format": fmt})
        assert response.status_code == 200 and response.streaming
        return sum(len(chunk) for chunk in response.streaming_content)

    return run


def materialized(request_factory):
    """The CSV built whole in memory first, as a plain HttpResponse view would."""
    from tracker import exports
    from tracker.models import Deployment

    def run():
        request = request_factory.get("/deployments/")
        rows = [
            exports.deployment_json(d, request)
            for d in exports.for_export(Deployment.objects.all())
        ]
        body = "".join(exports.csv_lines(rows)).encode()
        return len(body)

    return run


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[1000, 3000, 6000])
    parser.add_argument("--database-url", help="an empty, disposable database (default SQLite)")
    args = parser.parse_args()
    configure(args.database_url)

    from django.db import connection
    from django.test import Client, RequestFactory

    client, factory = Client(), RequestFactory()
    results = []
    for n in sorted(args.rows):
        fill(n)
        for label, fn in (
            ("csv, streamed", streamed(client, "csv")),
            ("json, streamed", streamed(client, "json")),
            ("csv, built in memory", materialized(factory)),
        ):
            peak, elapsed, size = measure(fn)
            results.append((n, label, peak, elapsed, size))

    print(f"database: {connection.vendor}; Python peak memory by tracemalloc")
    print(f"{'rows':>7}  {'export':<22} {'peak MiB':>9} {'seconds':>8} {'output MiB':>11}")
    for n, label, peak, elapsed, size in results:
        print(f"{n:>7}  {label:<22} {peak / 2**20:>9.1f} {elapsed:>8.2f} {size / 2**20:>11.1f}")
    # A streamed export holds one chunk of rows (exports.stream.CHUNK_SIZE) plus fixed costs, so its
    # peak levels off once N passes a few chunks; one built in memory grows in step with N.
    sizes = sorted(args.rows)
    by = {(n, label): peak for n, label, peak, _, _ in results}
    for low, high in itertools.pairwise(sizes):
        print(f"\npeak at {high:,} rows / peak at {low:,} rows ({high / low:.1f}x the rows):")
        for label in ("csv, streamed", "json, streamed", "csv, built in memory"):
            print(f"  {label:<22} {by[high, label] / by[low, label]:.2f}x")


if __name__ == "__main__":
    main()
