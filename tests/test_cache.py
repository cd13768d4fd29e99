"""The page cache (tracker.ops.cache): readers get cached pages, never stale, never a draft.

Each test starts with an empty cache in memory (tests/conftest.py). A page is "from the cache"
when its ``X-Cache`` header says ``hit``.
"""

import gzip
import re
from io import StringIO

import pytest
from django.contrib.admin.sites import site
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from tests.conftest import ARTICLE_FIXTURE
from tests.factories import SourceFactory, VendorFactory, publish, published_deployment
from tracker.editorial import workflow
from tracker.models import Correction, Deployment
from tracker.ops import cache as page_cache

pytestmark = pytest.mark.django_db

LIST = "/en/deployments/"


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


def text(response):
    return response.content.decode()


def cached_twice(client, url):
    """Ask twice; the second answer must come from the cache."""
    first = client.get(url)
    second = client.get(url)
    assert second["X-Cache"] == "hit", url
    return first, second


def test_a_repeated_anonymous_page_comes_from_the_cache_unchanged(client):
    published_deployment(title="Harbour cameras in Valletta")
    first, second = cached_twice(client, LIST)
    assert first["X-Cache"] == "miss"
    assert second.content == first.content
    assert "Harbour cameras in Valletta" in text(second)


def test_a_published_entry_appears_at_once_on_cached_pages(client, admin_client):
    draft = published_deployment(title="Port scanners in Mombasa", state=Deployment.State.DRAFT)
    cached_twice(client, LIST)
    cached_twice(client, "/en/")
    admin_client.post(
        admin_url(Deployment, "changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert "Port scanners in Mombasa" in text(client.get(LIST))
    assert client.get(draft.get_absolute_url()).status_code == 200


def test_a_retracted_entry_leaves_cached_lists_and_its_page_says_so_at_once(client):
    entry = published_deployment(title="Drones over Tbilisi")
    cached_twice(client, LIST)
    cached_twice(client, entry.get_absolute_url())
    workflow.retract(Deployment.objects.get(pk=entry.pk), "The source withdrew the report.")
    assert "Drones over Tbilisi" not in text(client.get(LIST))
    assert "The source withdrew the report." in text(client.get(entry.get_absolute_url()))


def test_an_unpublished_entry_leaves_cached_pages_at_once(client):
    entry = published_deployment(title="Gait analysis in Almaty")
    cached_twice(client, LIST)
    workflow.unpublish(Deployment.objects.get(pk=entry.pk))
    assert "Gait analysis in Almaty" not in text(client.get(LIST))
    assert client.get(entry.get_absolute_url()).status_code == 404


def test_an_edit_of_a_published_entry_shows_at_once(client):
    entry = published_deployment(title="Old title for Quito")
    cached_twice(client, entry.get_absolute_url())
    cached_twice(client, LIST)
    entry.title = "New title for Quito"
    entry.save()
    assert "New title for Quito" in text(client.get(entry.get_absolute_url()))
    assert "New title for Quito" in text(client.get(LIST))


def test_a_vendor_renamed_or_a_source_retitled_shows_at_once(client):
    vendor = VendorFactory(name="Acme Optics")
    entry = published_deployment(vendors=[vendor])
    source = entry.citations.get().source
    cached_twice(client, vendor.get_absolute_url())
    cached_twice(client, source.get_absolute_url())
    vendor.name = "Acme Vision"
    vendor.save()
    source.title = "A retitled report"
    source.save()
    assert "Acme Vision" in text(client.get(vendor.get_absolute_url()))
    assert "A retitled report" in text(client.get(source.get_absolute_url()))


def test_a_new_citation_to_a_cached_source_shows_at_once(client):
    source = SourceFactory(title="Annual report on cameras")
    cached_twice(client, source.get_absolute_url())
    entry = published_deployment(title="Cited later in Lusaka", state=Deployment.State.DRAFT)
    entry.citations.update(source=source)  # a bulk update fires no signal…
    publish(Deployment.objects.get(pk=entry.pk))  # …but the publish that follows does
    assert "Cited later in Lusaka" in text(client.get(source.get_absolute_url()))


def test_loading_site_data_replaces_cached_pages(client):
    cached_twice(client, LIST)
    call_command("load_site_data", str(ARTICLE_FIXTURE), verbosity=0)
    response = client.get(LIST)
    assert response["X-Cache"] == "miss"
    assert "Belgrade" in text(response)


def test_rebuilding_the_search_index_replaces_cached_searches(client):
    entry = published_deployment(title="Hidden from search")
    cached_twice(client, f"{LIST}?q=lantern")
    Deployment.objects.filter(pk=entry.pk).update(title="Lantern cameras")  # no signal
    call_command("rebuild_search_index", stdout=StringIO())
    assert client.get(f"{LIST}?q=lantern")["X-Cache"] == "miss"


def test_a_draft_never_appears_in_a_cached_page(client, admin_client):
    published_deployment(title="Published in Accra")
    draft = published_deployment(title="Draft about Dakar", state=Deployment.State.DRAFT)
    # The editor previews the draft; the reader then asks for the same pages.
    assert admin_client.get(draft.get_absolute_url()).status_code == 200
    admin_client.get(LIST)
    for _ in range(2):
        assert "Draft about Dakar" not in text(client.get(LIST))
        assert "Draft about Dakar" not in text(client.get(f"{LIST}?q=Dakar"))
        assert client.get(draft.get_absolute_url()).status_code == 404


def test_a_signed_in_editor_neither_gets_nor_fills_the_reader_cache(client, admin_client):
    entry = published_deployment(title="Seen by both")
    editor_page = admin_client.get(entry.get_absolute_url())
    assert "X-Cache" not in editor_page
    assert "private" in editor_page["Cache-Control"]
    assert client.get(entry.get_absolute_url())["X-Cache"] == "miss"  # the editor filled nothing
    cached_twice(client, LIST)
    assert "X-Cache" not in admin_client.get(LIST)  # and gets nothing from the readers' copy


def test_admin_pages_and_posts_are_never_cached(admin_client, client):
    for _ in range(2):
        assert "X-Cache" not in client.get(reverse("admin:login"))
        assert "X-Cache" not in admin_client.get(reverse("admin:index"))
    entry = published_deployment()
    url = reverse("deployment-correction", args=[entry.slug])
    for _ in range(2):
        assert "X-Cache" not in client.post(url, {"message": "A typo in the title."})


def test_each_query_string_is_its_own_page(client):
    published_deployment(title="Filtered in Hanoi", country=_country("VN"))
    published_deployment(title="Filtered in Lima", country=_country("PE"))
    cached_twice(client, f"{LIST}?country=VN")
    other = client.get(f"{LIST}?country=PE")
    assert other["X-Cache"] == "miss"
    assert "Filtered in Lima" in text(other)
    assert "Filtered in Hanoi" not in text(other)


def _country(iso2):
    from tests.factories import country

    return country(iso2)


def test_a_reader_revalidating_an_unchanged_page_gets_304(client):
    published_deployment()
    first = client.get(LIST)
    assert "public" in first["Cache-Control"] and "no-cache" in first["Cache-Control"]
    assert first["Last-Modified"]
    again = client.get(LIST, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304
    assert again.content == b""
    since = client.get(LIST, headers={"If-Modified-Since": first["Last-Modified"]})
    assert since.status_code == 304


def test_after_a_change_revalidation_gets_the_new_page(client):
    entry = published_deployment(title="Before the change")
    first = client.get(LIST)
    entry.title = "After the change"
    entry.save()
    again = client.get(LIST, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 200
    assert "After the change" in text(again)


def test_the_correction_form_on_a_cached_page_carries_each_readers_own_token():
    entry = published_deployment()
    url = entry.get_absolute_url()
    first_reader = Client(enforce_csrf_checks=True)
    second_reader = Client(enforce_csrf_checks=True)
    first_reader.get(url)
    page = second_reader.get(url)
    assert page["X-Cache"] == "hit"
    assert "private" in page["Cache-Control"]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text(page)).group(1)
    form = {"message": "The year is wrong.", "csrfmiddlewaretoken": token}
    answer = second_reader.post(reverse("deployment-correction", args=[entry.slug]), form)
    assert answer.status_code == 303
    assert Correction.objects.filter(deployment=entry, message="The year is wrong.").exists()


def test_a_correction_without_a_token_is_still_refused_after_a_cached_page():
    entry = published_deployment()
    reader = Client(enforce_csrf_checks=True)
    cached_twice(reader, entry.get_absolute_url())
    answer = reader.post(
        reverse("deployment-correction", args=[entry.slug]), {"message": "No token here."}
    )
    assert answer.status_code == 403
    assert not Correction.objects.exists()


def test_a_cookie_for_another_token_makes_the_cached_form_new_again():
    """A browser whose CSRF cookie changed must not keep a form holding the old token."""
    entry = published_deployment()
    reader = Client(enforce_csrf_checks=True)
    url = entry.get_absolute_url()
    first = reader.get(url)
    assert reader.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 304
    reader.cookies.clear()
    assert reader.get(url, headers={"If-None-Match": first["ETag"]}).status_code == 200


def test_the_thank_you_after_a_correction_is_not_served_from_or_into_the_cache(client):
    entry = published_deployment()
    cached_twice(client, entry.get_absolute_url())
    client.post(
        reverse("deployment-correction", args=[entry.slug]), {"message": "A wrong place name."}
    )
    thanked = client.get(entry.get_absolute_url())
    assert "Thank you: your correction has reached the editors." in text(thanked)
    assert "Thank you" not in text(Client().get(entry.get_absolute_url()))


def test_an_unreachable_cache_still_serves_pages(client, settings):
    published_deployment(title="Served without a cache")
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",  # the discard port: nothing answers there
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        }
    }
    response = client.get(LIST)
    assert response.status_code == 200
    assert "Served without a cache" in text(response)


def test_the_admin_site_and_health_checks_are_excluded():
    assert page_cache.excluded_paths() == (reverse(f"{site.name}:index"), "/healthz", "/readyz")


def test_invalidate_pages_replaces_pages_after_a_change_made_in_sql(client):
    entry = published_deployment(title="Before the restore")
    cached_twice(client, LIST)
    Deployment.objects.filter(pk=entry.pk).update(title="After the restore")  # no signal
    call_command("invalidate_pages", stdout=StringIO())
    assert "After the restore" in text(client.get(LIST))


def test_servers_share_redis_when_given_and_else_one_folder_per_database():
    from tracker import settings as project_settings

    shared = project_settings.caches("redis://cache.internal:6379/0", "tracker")
    assert shared["BACKEND"].endswith("RedisCache")
    assert shared["LOCATION"] == "redis://cache.internal:6379/0"
    one = project_settings.caches("", "/srv/a.sqlite3")
    other = project_settings.caches("", "/srv/b.sqlite3")
    assert one["BACKEND"].endswith("FileBasedCache")
    assert one["LOCATION"] != other["LOCATION"]


def test_a_host_not_allowed_is_refused_and_never_cached(client):
    assert client.get(LIST, headers={"Host": "evil.example"}).status_code == 400
    assert client.get(LIST, headers={"Host": "evil.example"}).status_code == 400


def test_a_browser_taking_gzip_gets_the_cached_page_compressed_and_whole():
    published_deployment(title="Harbour cameras in Valletta")
    plain = Client().get(LIST)
    browser = Client(headers={"Accept-Encoding": "gzip, deflate, br"})
    first, second = cached_twice(browser, LIST)
    for answer in (first, second):
        assert answer["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in answer["Vary"]
        assert int(answer["Content-Length"]) == len(answer.content) < len(plain.content) / 3
        assert gzip.decompress(answer.content) == plain.content
    # The two representations are told apart, and each revalidates as itself.
    assert second["ETag"] != plain["ETag"]
    assert browser.get(LIST, headers={"If-None-Match": second["ETag"]}).status_code == 304
    assert browser.get(LIST, headers={"If-None-Match": plain["ETag"]}).status_code == 200


def test_a_client_not_taking_gzip_gets_the_cached_page_as_text(client):
    published_deployment(title="Harbour cameras in Valletta")
    _, second = cached_twice(client, LIST)
    assert not second.has_header("Content-Encoding")
    assert "Harbour cameras in Valletta" in text(second)
    assert int(second["Content-Length"]) == len(second.content)


def test_a_page_with_the_correction_form_is_never_compressed():
    """Compressed beside a secret (the reader's CSRF token), a page could leak it (BREACH)."""
    entry = published_deployment()
    reader = Client(enforce_csrf_checks=True, headers={"Accept-Encoding": "gzip"})
    _, second = cached_twice(reader, entry.get_absolute_url())
    assert not second.has_header("Content-Encoding")
    assert 'name="csrfmiddlewaretoken"' in text(second)


def test_changes_inside_an_import_replace_cached_pages_once_at_its_end(client):
    """An import saves thousands of rows; readers' pages are replaced when it is done, once."""
    published_deployment(title="Before the import")
    cached_twice(client, LIST)
    before = page_cache.generation()
    with page_cache.deferred_bumps():
        published_deployment(title="Imported entry")
        VendorFactory(name="Imported vendor")
        assert page_cache.generation() == before
    assert page_cache.generation() != before
    assert "Imported entry" in text(client.get(LIST))
