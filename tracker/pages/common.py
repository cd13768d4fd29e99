"""What the public pages share: which entries readers see, and links to the filtered list."""

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


def findings_for_display():
    return Finding.objects.select_related("source", "attributed_to").prefetch_related("countries")
