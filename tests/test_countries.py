"""Every country an editor may need, with its region, from the migration."""

import pycountry
import pytest

from tracker.models import Country

pytestmark = pytest.mark.django_db


def test_every_iso_country_is_loaded_plus_kosovo():
    codes = set(Country.objects.values_list("iso2", flat=True))
    assert {entry.alpha_2 for entry in pycountry.countries} <= codes
    assert len(codes) == len(pycountry.countries) + 1
    kosovo = Country.objects.get(iso2="XK")
    assert not kosovo.is_iso
    assert kosovo.region == "Europe"


def test_countries_carry_their_un_region_and_sub_region():
    serbia = Country.objects.get(iso2="RS")
    assert (serbia.iso3, serbia.numeric, serbia.slug) == ("SRB", "688", "serbia")
    assert (serbia.region, serbia.subregion) == ("Europe", "Southern Europe")
    assert Country.objects.get(iso2="KE").subregion == "Eastern Africa"


def test_only_antarctica_has_no_region():
    assert list(Country.objects.filter(region="").values_list("iso2", flat=True)) == ["AQ"]


def test_readers_see_common_names():
    assert Country.objects.get(iso2="IR").name == "Iran"
    assert Country.objects.get(iso2="GB").name == "United Kingdom"
