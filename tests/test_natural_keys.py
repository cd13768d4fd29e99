"""Loading fixtures looks up each natural key once (tracker.models.natural_keys), and finds the
rows the load itself creates."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import VendorFactory
from tracker.models import Country, Technology, Vendor, natural_keys

pytestmark = pytest.mark.django_db


def lookups(*calls):
    with CaptureQueriesContext(connection) as queries:
        found = [manager.get_by_natural_key(*key) for manager, key in calls]
    return found, len(queries)


def test_within_a_load_a_key_named_again_costs_no_query():
    calls = [(Country.objects, ("RS",)), (Technology.objects, ("facial-recognition",))] * 3
    outside, asked_outside = lookups(*calls)
    with natural_keys.remembered():
        inside, asked_inside = lookups(*calls)
    assert [obj.pk for obj in inside] == [obj.pk for obj in outside]
    assert (asked_outside, asked_inside) == (6, 2)


def test_the_same_key_of_two_models_finds_each_models_own_row():
    vendor = VendorFactory(slug="facial-recognition")
    with natural_keys.remembered():
        technology = Technology.objects.get_by_natural_key("facial-recognition")
        assert Vendor.objects.get_by_natural_key("facial-recognition") == vendor
    assert technology == Technology.objects.get(slug="facial-recognition")


def test_a_key_not_found_yet_is_found_once_the_load_creates_its_row():
    with natural_keys.remembered():
        with pytest.raises(Vendor.DoesNotExist):
            Vendor.objects.get_by_natural_key("later")
        created = VendorFactory(slug="later")
        assert Vendor.objects.get_by_natural_key("later") == created


def test_outside_a_load_nothing_is_remembered():
    with natural_keys.remembered():
        Vendor.objects.get_by_natural_key(VendorFactory(slug="gone").slug)
    Vendor.objects.filter(slug="gone").delete()
    with pytest.raises(Vendor.DoesNotExist):
        Vendor.objects.get_by_natural_key("gone")
