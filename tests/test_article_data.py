"""The founding article's data: what loads, that every claim is quoted exactly, idempotence."""

from pathlib import Path

import pytest
from django.core import serializers
from django.core.management import call_command

from tests.conftest import ARTICLE_FIXTURE
from tracker.models import Citation, Deployment, Designation, Finding, Source, Vendor

SEED = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "seed"
    / "qg-2021-08-28-surveillance-export.txt"
)
ARTICLE = "qg-2021-08-28-surveillance-export"

pytestmark = pytest.mark.usefixtures("article")


@pytest.fixture(scope="module")
def seed_text():
    # Read, not skipped: CI has ../shared beside the checkout, and the check is the point.
    return SEED.read_text(encoding="utf-8")


def test_it_loads_the_articles_deployments_vendors_sources_designations_and_findings():
    assert Deployment.objects.published().count() == 8
    assert set(Vendor.objects.values_list("slug", flat=True)) == {
        "huawei",
        "hikvision",
        "dahua",
        "uniview",
    }
    assert set(Vendor.objects.values_list("headquarters__iso2", flat=True)) == {"CN"}
    assert Source.objects.count() == 5
    assert set(Designation.objects.values_list("vendor__slug", flat=True)) == {
        "hikvision",
        "dahua",
    }
    assert Finding.objects.count() == 5


def test_belgrade_is_a_huawei_deployment_in_serbia():
    belgrade = Deployment.objects.get(slug="belgrade-huawei-safe-city")
    assert belgrade.country.iso2 == "RS"
    assert belgrade.locality == "Belgrade"
    assert [v.slug for v in belgrade.vendors.all()] == ["huawei"]
    assert set(belgrade.technologies.values_list("slug", flat=True)) == {
        "facial-recognition",
        "video-surveillance",
        "safe-city",
    }


def test_every_published_deployment_cites_the_article():
    for deployment in Deployment.objects.published():
        sources = deployment.citations.values_list("source__slug", flat=True)
        assert ARTICLE in sources, deployment.slug
    assert Source.objects.get(slug=ARTICLE).url.startswith("https://qg.media/2021/08/28/")


def test_every_quote_is_copied_character_for_character_from_the_article(seed_text):
    quotes = [
        *Citation.objects.values_list("quote", flat=True),
        *Designation.objects.values_list("quote", flat=True),
        *Finding.objects.values_list("quote", flat=True),
    ]
    assert len(quotes) == 16
    for quote in quotes:
        assert quote and quote in seed_text, quote[:60]


def test_no_year_is_invented_where_the_article_gives_none():
    assert not Deployment.objects.filter(start_year__isnull=False).exists()
    assert not Deployment.objects.filter(end_year__isnull=False).exists()


def test_sources_the_article_cites_without_a_link_have_no_url():
    assert set(Source.objects.filter(url__isnull=True).values_list("slug", flat=True)) == {
        "the-atlantic-2020-12",
        "carnegie-endowment-2019-09",
        "thomson-reuters-foundation-2021-02",
        "xiao-qiang-belgrade",
    }


def test_loading_the_article_twice_changes_nothing():
    models = [Deployment, Citation, Source, Vendor, Designation, Finding]

    def snapshot():
        return {
            model.__name__: serializers.serialize("json", model.objects.order_by("pk"))
            for model in models
        }

    before = snapshot()
    call_command("loaddata", ARTICLE_FIXTURE, verbosity=0)
    assert snapshot() == before
