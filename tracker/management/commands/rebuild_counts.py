"""manage.py rebuild_counts: recount the list's facets, the profiles' figures and the totals.

The facts, tallies, pairs and triples behind them (tracker.browse.tallies) follow every change
the site makes. A change made behind its back (SQL run by hand, a restore of some tables) leaves
them stale: counts that no longer match the rows, even a filtered page that shows none of its
results. This rebuilds them all from the entries, then replaces every cached page.
"""

import time

from django.core.management.base import BaseCommand

from tracker.browse import tallies
from tracker.ops import cache


class Command(BaseCommand):
    help = "Recount every facet, tally, pair and triple from the entries (after a change in SQL)."

    def handle(self, **options):
        started = time.monotonic()
        tallies.rebuild()
        cache.bump()
        if options["verbosity"]:
            self.stdout.write(
                f"Counts rebuilt from the entries in {time.monotonic() - started:.1f} s."
            )
