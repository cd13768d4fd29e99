"""What the public pages share: which entries readers see, and links to the filtered list."""

from django.db.models import Count
from django.urls import reverse
from django.utils.http import urlencode

from ..models import Deployment, Finding
from ..models.deployments import counted

# What counts on profile and index pages: published entries, less those a source says never
# completed (they keep their page and can be listed on demand, but are not counted).
PUBLISHED = counted("deployments")


def published_deployments():
    return Deployment.objects.counted().for_list()


def list_link(**params):
    """A link to the deployment list filtered by ``params``."""
    return reverse("deployment-list") + "?" + urlencode(params)


def involved(queryset, relation, deployments):
    """Rows of ``queryset`` linked to these deployments, each with how many (one query).

    Filtering before annotating makes the count cover only the given deployments.
    """
    return (
        queryset.filter(**{f"{relation}__in": deployments})
        .annotate(deployment_count=Count(relation, distinct=True))
        .order_by("name")
    )


def findings_for_display():
    return Finding.objects.select_related("source", "attributed_to").prefetch_related("countries")
