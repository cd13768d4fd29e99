"""Every country an editor may need, with its region, from the migration."""

import re
from collections import Counter

import pycountry
import pytest

from tests.factories import DeploymentFactory, published_deployment
from tracker.models import Country, Deployment

pytestmark = pytest.mark.django_db


def test_every_iso_country_is_loaded():
    iso = set(Country.objects.filter(is_iso=True).values_list("iso2", flat=True))
    assert iso == {entry.alpha_2 for entry in pycountry.countries}
    assert len(iso) == 249


def test_kosovo_is_added_and_marked_as_not_in_iso():
    kosovo = Country.objects.get(iso2="XK")
    assert not kosovo.is_iso
    assert (kosovo.name, kosovo.slug, kosovo.region) == ("Kosovo", "kosovo", "Europe")
    assert Country.objects.count() == 250


def test_countries_carry_their_un_region_and_sub_region():
    serbia = Country.objects.get(iso2="RS")
    assert (serbia.iso3, serbia.numeric, serbia.slug) == ("SRB", "688", "serbia")
    assert (serbia.region, serbia.subregion) == ("Europe", "Southern Europe")
    assert Country.objects.get(iso2="KE").subregion == "Eastern Africa"


def test_only_antarctica_has_no_region():
    assert list(Country.objects.filter(region="").values_list("iso2", flat=True)) == ["AQ"]


def test_slugs_are_unique_and_fit_in_an_address():
    slugs = list(Country.objects.values_list("slug", flat=True))
    assert [slug for slug, n in Counter(slugs).items() if n > 1] == []
    assert [slug for slug in slugs if not re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", slug)] == []


def test_readers_see_common_names():
    assert Country.objects.get(iso2="IR").name == "Iran"
    assert Country.objects.get(iso2="GB").name == "United Kingdom"
    assert Country.objects.get(iso2="US").slug == "united-states"


def test_a_fixture_finds_a_country_by_its_code_in_either_case():
    serbia = Country.objects.get(iso2="RS")
    assert Country.objects.get_by_natural_key("rs") == serbia
    assert Country.objects.get_by_natural_key("RS") == serbia


def test_countries_with_their_counts_count_only_published_entries_that_happened():
    serbia, kenya = Country.objects.get(iso2="RS"), Country.objects.get(iso2="KE")
    published_deployment(country=serbia)
    published_deployment(country=serbia)
    published_deployment(country=kenya)
    # Neither a draft nor an entry a source says never completed is counted.
    DeploymentFactory(country=kenya, state=Deployment.State.DRAFT)
    published_deployment(country=kenya, status=Deployment.Status.NOT_COMPLETED)

    counts = Country.objects.with_published_counts().filter(iso2__in=["RS", "KE", "FR"])
    assert [(c.name, c.deployment_count) for c in counts] == [
        ("France", 0),
        ("Kenya", 1),
        ("Serbia", 2),
    ]
