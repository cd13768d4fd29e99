"""manage.py invalidate_pages: every cached page is out of date, on every app server.

For changes made behind the site's back (a restore, SQL run by hand): everything the site
itself changes replaces the cached pages already (tracker.ops.cache, tracker.signals). After a
change to entries in SQL, ``rebuild_counts`` recounts the facets too (and replaces the pages).
"""

from django.core.management.base import BaseCommand

from tracker.ops import cache


class Command(BaseCommand):
    help = "Make every cached page out of date (after a restore or a change made in SQL)."

    def handle(self, **options):
        cache.bump()
        if options["verbosity"]:
            self.stdout.write("Cached pages replaced: each is rendered afresh when next asked.")
