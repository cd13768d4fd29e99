"""The founding article's data: what loads, that every claim is quoted exactly, idempotence."""

from pathlib import Path

import pytest
from django.core import serializers
from django.core.management import call_command

from tests.conftest import ARTICLE_FIXTURE, load_article
from tracker.browse import search, tallies
from tracker.editorial import corroboration
from tracker.models import (
    Citation,
    Country,
    Deployment,
    Designation,
    FacetFact,
    FacetPair,
    FacetTally,
    FacetTriple,
    Finding,
    Source,
    Technology,
    Vendor,
    VendorAlias,
)

SEED = (
    Path(__file__).resolve().parents[2]
    / "shared"
    / "seed"
    / "qg-2021-08-28-surveillance-export.txt"
)
ARTICLE = "qg-2021-08-28-surveillance-export"


def seed_text():
    # Read, never skipped: CI has ../shared beside the checkout, and the check is the point.
    assert SEED.is_file(), f"The seed copy of the article is missing: {SEED}"
    return SEED.read_text(encoding="utf-8")


@pytest.mark.django_db
@pytest.mark.usefixtures("article_for_class")
class TestTheArticlesData:
    def test_it_loads_eight_published_deployments(self):
        assert Deployment.objects.published().count() == 8

    def test_belgrade_is_a_huawei_deployment_in_serbia(self):
        belgrade = Deployment.objects.published().get(slug="belgrade-huawei-safe-city")
        assert belgrade.country.iso2 == "RS"
        assert belgrade.locality == "Belgrade"
        assert [v.slug for v in belgrade.vendors.all()] == ["huawei"]
        assert set(belgrade.technologies.values_list("slug", flat=True)) == {
            "facial-recognition",
            "video-surveillance",
            "safe-city",
        }

    def test_it_loads_four_chinese_vendors(self):
        vendors = dict(Vendor.objects.values_list("slug", "headquarters__iso2"))
        assert vendors == {"huawei": "CN", "hikvision": "CN", "dahua": "CN", "uniview": "CN"}

    def test_each_head_office_cites_the_article_in_its_own_words(self):
        for vendor in Vendor.objects.select_related("headquarters_source"):
            assert vendor.headquarters_source.slug == "qg-2021-08-28-surveillance-export"
            assert "chinois" in vendor.headquarters_quote
            assert vendor.name in vendor.headquarters_quote
            assert vendor.headquarters_quote in seed_text()

    def test_it_loads_five_sources_two_designations_and_five_findings(self):
        assert Source.objects.count() == 5
        designated = Designation.objects.values_list("vendor__slug", flat=True)
        assert sorted(designated) == ["dahua", "hikvision"]
        assert Finding.objects.count() == 5

    def test_every_published_deployment_has_a_citation(self):
        uncited = Deployment.objects.published().filter(citations__isnull=True)
        assert list(uncited.values_list("slug", flat=True)) == []

    def test_every_deployment_cites_the_article_at_its_qg_address(self):
        article = Source.objects.get(slug=ARTICLE)
        assert article.url.startswith("https://qg.media/")
        for deployment in Deployment.objects.all():
            assert deployment.citations.filter(source=article).exists(), deployment.slug

    def test_every_quote_is_copied_character_for_character_from_the_article(self):
        text = seed_text()
        quotes = [
            *Citation.objects.values_list("quote", flat=True),
            *Designation.objects.values_list("quote", flat=True),
            *Finding.objects.values_list("quote", flat=True),
        ]
        assert len(quotes) == Citation.objects.count() + 2 + 5
        for quote in quotes:
            assert quote, "a claim without its words"
            assert quote in text, quote[:80]

    def test_the_belgrade_quote_is_the_articles_sentence(self):
        quote = Citation.objects.filter(deployment__slug="belgrade-huawei-safe-city")[0].quote
        assert quote.startswith("À l’image de Belgrade, qui est en train de se doter")
        assert quote in seed_text()

    def test_no_year_is_invented_where_the_article_gives_none(self):
        assert not Deployment.objects.filter(start_year__isnull=False).exists()
        assert not Deployment.objects.filter(end_year__isnull=False).exists()

    def test_sources_the_article_cites_without_a_link_have_no_url(self):
        assert set(Source.objects.filter(url__isnull=True).values_list("slug", flat=True)) == {
            "the-atlantic-2020-12",
            "thomson-reuters-foundation-2021-02",
            "xiao-qiang-belgrade",
        }

    def test_carnegie_is_one_source_the_finding_credits(self):
        carnegie = Source.objects.filter(publisher__startswith="Carnegie")
        assert list(carnegie.values_list("slug", flat=True)) == ["carnegie-aigs-2019"]
        finding = Finding.objects.get(slug="carnegie-63-countries-chinese-ai-surveillance")
        assert finding.attributed_to.slug == "carnegie-aigs-2019"

    def test_each_citation_states_the_facts_its_sentence_gives(self):
        belgrade = Deployment.objects.get(slug="belgrade-huawei-safe-city")
        huawei_sentence, xiao_qiang = belgrade.citations.order_by("pk")
        assert [v.slug for v in huawei_sentence.vendors.all()] == ["huawei"]
        assert {t.slug for t in huawei_sentence.technologies.all()} == {
            "facial-recognition",
            "video-surveillance",
        }
        assert list(xiao_qiang.vendors.all()) == []
        assert [t.slug for t in xiao_qiang.technologies.all()] == ["safe-city"]
        for deployment in Deployment.objects.all():
            assert deployment.unstated_facts() == [], deployment.slug

    def test_loading_the_article_twice_changes_nothing(self):
        models = [
            Deployment,
            Citation,
            Source,
            Vendor,
            VendorAlias,
            Designation,
            Finding,
            Technology,
        ]

        def snapshot():
            return {
                model.__name__: serializers.serialize("json", model.objects.order_by("pk"))
                for model in models
            }

        def counts():
            return {model.__name__: model.objects.count() for model in [*models, Country]}

        before, counted = snapshot(), counts()
        call_command("loaddata", ARTICLE_FIXTURE, verbosity=0)
        assert counts() == counted
        assert snapshot() == before


def derived_data():
    """What the site derives from the entries: facet facts, tallies, pairs and triples (the
    counts readers see), each entry's search text, corroboration and list-order key."""
    fields = {
        FacetFact: ("deployment_id", "fact", "key", "counted"),
        FacetTally: ("fact", "key", "counted", "published"),
        FacetPair: ("given_fact", "given_key", "fact", "key", "counted", "published"),
        FacetTriple: (
            *("given_fact", "given_key", "also_fact", "also_key"),
            *("fact", "key", "counted", "published"),
        ),
        Deployment: ("pk", "search_document", "pair_sources", "names_supplier"),
    }
    return {
        model.__name__: sorted(
            row
            for row in model.objects.values_list(*names)
            # Rows counting nothing mean the same as no row.
            if model is Deployment or row[-1] or row[-2]
        )
        for model, names in fields.items()
    }


@pytest.mark.django_db
@pytest.mark.parametrize("loader", ["loaddata", "load_article"])
def test_loading_the_article_leaves_the_counts_and_search_a_rebuild_would_give(loader):
    # Plain loaddata refreshes at every raw save (the signals); the tests' load_article, like
    # load_site_data, refreshes once at the end. Both must leave what a rebuild computes.
    if loader == "loaddata":
        call_command("loaddata", ARTICLE_FIXTURE, verbosity=0)
    else:
        load_article()
    loaded = derived_data()
    assert len(loaded["FacetTally"]) > 20 and loaded["FacetPair"] and loaded["FacetTriple"]
    assert any(row[2] for row in loaded["Deployment"]), "no entry has a corroborating source"

    tallies.rebuild()
    search.refresh(Deployment.objects.values_list("pk", flat=True))
    corroboration.refresh()
    assert derived_data() == loaded
