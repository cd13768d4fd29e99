"""Fill an empty database with synthetic published entries (tracker.bench.synthetic)."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from tracker.bench import synthetic
from tracker.ops import cache as page_cache


class Command(BaseCommand):
    help = (
        "Build N synthetic published deployments (slugs starting with 'synthetic-') with vendors, "
        "technologies, sources and citations, for benchmarks. Refuses a database holding real data."
    )

    def add_arguments(self, parser):
        parser.add_argument("--deployments", type=int, required=True, metavar="N")
        parser.add_argument(
            "--seed", type=int, default=1, help="the same seed builds the same rows"
        )
        parser.add_argument(
            "--replace", action="store_true", help="delete earlier synthetic rows first"
        )

    def handle(self, *, deployments, seed, replace, verbosity, **options):
        if deployments < 1:
            raise CommandError("--deployments must be at least 1.")
        log = self.stdout.write if verbosity > 1 else (lambda message: None)
        if found := synthetic.real_data():
            raise CommandError(
                "Refusing to write: this database holds real data ("
                + "; ".join(found)
                + "). generate_synthetic only fills a database of its own: create an empty one "
                "(e.g. createdb bench) and migrate it."
            )
        started = time.monotonic()
        if replace and synthetic.synthetic_count():
            with transaction.atomic():
                synthetic.delete_synthetic()
            log(f"earlier synthetic rows deleted in {time.monotonic() - started:.1f} s")
        try:
            totals = synthetic.generate(deployments, seed, log=log)
        except synthetic.RealDataError as exc:
            raise CommandError(str(exc)) from None
        # Written with COPY and bulk inserts, which no signal reports: cached pages are replaced.
        page_cache.bump()
        elapsed = time.monotonic() - started
        if verbosity:
            self.stdout.write(
                f"{totals['deployments']:,} synthetic published deployments, "
                f"{totals['citation']:,} citations (seed {seed}) in {elapsed:.1f} s."
            )
