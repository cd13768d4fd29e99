"""Every country an editor may need, with its region, from the migration."""

import re
from collections import Counter

import pycountry
import pytest

from tracker.models import Country

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
