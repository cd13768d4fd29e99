"""Shared fixtures: plain static storage, and the founding article's data."""

from pathlib import Path

import pytest
from django.core.management import call_command

ROOT = Path(__file__).resolve().parent.parent
ARTICLE_FIXTURE = ROOT / "fixtures" / "article.json"


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """The manifest storage used in production needs collectstatic; tests render without it."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture
def article(db):
    """The founding article's vendors, sources, deployments, designations and findings."""
    call_command("loaddata", ARTICLE_FIXTURE, verbosity=0)
