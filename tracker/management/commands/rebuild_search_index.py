"""Rebuild every deployment's search document (after a bulk change that bypassed signals)."""

from django.core.management.base import BaseCommand

from tracker.browse import search
from tracker.models import Deployment
from tracker.ops import cache as page_cache


class Command(BaseCommand):
    help = "Rebuild the full-text search documents of all deployments."

    def handle(self, **options):
        ids = list(Deployment.objects.values_list("pk", flat=True))
        search.refresh(ids)
        page_cache.bump()  # update() fires no signal: search results change for readers
        self.stdout.write(f"Search documents rebuilt for {len(ids)} deployment(s).")
