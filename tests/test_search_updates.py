"""What editors change, readers find at once: an entry's search document follows each save of
the entry and each change to its vendors and technologies, made from either side.

Entries made by the factories have their documents built once, when they are complete (as an
import builds them); these tests change an entry afterwards, as an editor does, so that what
each save and each relation change does on its own is what is checked.
"""

import pytest

from tests.factories import (
    TechnologyFactory,
    VendorAliasFactory,
    VendorFactory,
    published_deployment,
)

pytestmark = pytest.mark.django_db


def found(client, words):
    response = client.get("/en/deployments/", {"q": words})
    return sorted(d.slug for d in response.context["deployments"])


def test_a_retitled_entry_is_found_by_its_new_title_and_no_longer_by_its_old_one(client):
    entry = published_deployment(slug="cameras", title="Harbour cameras")
    assert found(client, "harbour") == ["cameras"]
    entry.title = "Lighthouse cameras"
    entry.save()
    assert found(client, "lighthouse") == ["cameras"]
    assert found(client, "harbour") == []


def test_a_vendor_added_to_an_entry_or_given_an_entry_makes_search_find_it(client):
    first = published_deployment(slug="first")
    second = published_deployment(slug="second")
    vendor = VendorFactory(name="Zorblax Systems")
    assert found(client, "zorblax") == []
    first.vendors.add(vendor)
    assert found(client, "zorblax") == ["first"]
    vendor.deployments.add(second)  # from the vendor's side
    assert found(client, "zorblax") == ["first", "second"]
    first.vendors.remove(vendor)
    assert found(client, "zorblax") == ["second"]


def test_a_technology_added_to_an_entry_makes_search_find_it_by_that_name(client):
    entry = published_deployment(slug="entry")
    technology = TechnologyFactory(name="Quorvian gait analysis")
    assert found(client, "quorvian") == []
    entry.technologies.add(technology)
    assert found(client, "quorvian") == ["entry"]
    technology.deployments.remove(entry)  # from the technology's side
    assert found(client, "quorvian") == []


def test_a_renamed_vendor_or_technology_is_found_under_its_new_name(client):
    vendor = VendorFactory(name="Old Vendor Name")
    technology = TechnologyFactory(name="Old technology name")
    published_deployment(slug="entry", vendors=[vendor], technologies=[technology])
    vendor.name = "Brandnew Vendorco"
    vendor.save()
    technology.name = "Freshly named sensing"
    technology.save()
    assert found(client, "vendorco") == ["entry"]
    assert found(client, "freshly named sensing") == ["entry"]
    assert found(client, "old vendor name") == []


def test_an_alias_given_to_a_vendor_finds_its_entries_until_it_is_removed(client):
    vendor = VendorFactory(name="Hangzhou Example")
    published_deployment(slug="entry", vendors=[vendor])
    alias = VendorAliasFactory(vendor=vendor, name="Exemplar Vision")
    assert found(client, "exemplar vision") == ["entry"]
    alias.delete()
    assert found(client, "exemplar vision") == []


def test_a_retitled_source_finds_the_entries_citing_it_by_its_new_title(client):
    entry = published_deployment(slug="entry")
    source = entry.citations.get().source
    source.title = "Investigation into the lighthouse network"
    source.save()
    assert found(client, "lighthouse network") == ["entry"]


def test_a_deleted_vendor_no_longer_finds_the_entries_that_named_it(client):
    vendor = VendorFactory(name="Vanishing Vendorco")
    published_deployment(slug="entry", vendors=[vendor])
    assert found(client, "vanishing") == ["entry"]
    vendor.delete()
    assert found(client, "vanishing") == []
