"""Shared fixtures: plain static storage, a fast password hasher, and the founding article."""

import os
import shutil
import tempfile
from contextlib import contextmanager
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connections, transaction

from tests import servers

ROOT = Path(__file__).resolve().parent.parent
ARTICLE_FIXTURE = ROOT / "fixtures" / "article.json"


def _flushes(item):
    marker = item.get_closest_marker("django_db")
    uses = set(getattr(item, "fixturenames", ()))
    return bool(
        (marker is not None and marker.kwargs.get("transaction"))
        or uses & {"transactional_db", "live_server"}
    )


# Module-scoped fixtures of rows that some of a module's tests read (``article_rows`` below).
# Once written they stay until the module's last test.
MODULE_ROWS = {"article_rows"}


# Before pytest-django's own ordering (also tryfirst, registered earlier, so called later),
# which then moves transactional tests to the end as usual.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """In each module, the tests that do not read its shared rows run first: none of them sees
    rows it did not ask for. Modules keep their order, and tests their order within each group."""
    first_seen = {}
    for position, item in enumerate(items):
        first_seen.setdefault(item.module, position)
    items.sort(
        key=lambda item: (
            first_seen[item.module],
            bool(MODULE_ROWS & set(getattr(item, "fixturenames", ()))),
        )
    )


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """After a transactional test (the browser tests), put back what the migrations loaded.

    Such a test ends by emptying every table, countries and technologies included. One process
    runs them last (pytest-django orders them so), but the tests must not depend on that: a
    parallel worker runs files in the order it is sent them.
    """
    yield
    # The next transactional test starts from its own restore (or from nothing): no need here.
    # Nor after the last test: the session has dropped the test database by then.
    if not _flushes(item) or nextitem is None or _flushes(nextitem):
        return
    from django.contrib.contenttypes.models import ContentType
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        for connection in connections.all(initialized_only=True):
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents:
                connection.creation.deserialize_db_from_string(contents)
    ContentType.objects.clear_cache()


# `make mutate` only: a SQLite database the migrations already ran on. mutmut runs a fresh pytest
# session per mutant, and migrating its test database took 6.5 of its 9 seconds.
MIGRATED_TEMPLATE = os.environ.get("TRACKER_TEST_DB_TEMPLATE")


@pytest.fixture(scope="session")
def migrated_databases(tmp_path_factory):
    """Migrated databases that the real servers' scratch databases are copied from
    (tests/servers.py). Ask for django_db_setup with it: the suite's own test database, kept
    before any test wrote to it, is then one of them."""
    databases = servers.MigratedDatabases(tmp_path_factory.mktemp("migrated"))
    yield databases
    databases.remove()


if MIGRATED_TEMPLATE:

    @pytest.fixture(scope="session")
    def django_db_setup(django_test_environment, django_db_blocker, migrated_databases):
        """The test database is a private copy of the migrated template, not a new migration.

        Each session (each mutant) gets its own file, so two mutants run side by side never
        share a database. What the migrations loaded is serialized as Django's own set-up does,
        so transactional tests can put it back.
        """
        from django.conf import settings as django_settings
        from django.db import connections

        folder = tempfile.mkdtemp(prefix="tracker-test-db-")
        copy = os.path.join(folder, "test.sqlite3")
        shutil.copyfile(MIGRATED_TEMPLATE, copy)
        connection = connections["default"]
        with django_db_blocker.unblock():
            connection.close()
            connection.settings_dict["NAME"] = copy
            django_settings.DATABASES["default"]["NAME"] = copy
            connection._test_serialized_contents = connection.creation.serialize_db_to_string()
            migrated_databases.keep(connection)
        yield
        with django_db_blocker.unblock():
            connection.close()
        shutil.rmtree(folder, ignore_errors=True)

else:

    @pytest.fixture(scope="session")
    def django_db_setup(request, django_db_setup, django_db_blocker, migrated_databases):
        """Django's own set-up of the test database, which is then kept as migrated.

        pytest-django makes it only when a test of the session needs it, and by migrate unless
        told --nomigrations: else there is nothing to keep (and NAME is still the site's own).
        """
        from pytest_django.fixtures import _get_databases_for_setup

        made, _ = _get_databases_for_setup(request.session.items)
        if "default" in made and not request.config.getoption("nomigrations"):
            with django_db_blocker.unblock():
                migrated_databases.keep(connections["default"])


@pytest.fixture(autouse=True)
def plain_static_storage(settings):
    """The manifest storage used in production needs collectstatic; tests render without it."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


@pytest.fixture(autouse=True)
def fast_password_hasher(settings):
    """Accounts made by tests (admin_client, editors) need not cost half a second of PBKDF2."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def empty_page_cache(settings):
    """Each test starts with its own empty page cache in memory (tracker.ops.cache): a page
    cached by an earlier test may show rows its rolled-back transaction took away."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    }
    from django.core.cache import cache

    cache.clear()


@pytest.fixture(autouse=True)
def default_language():
    """Each test starts in the site's default language. A request to /fr/ leaves French active
    in the thread (LocaleMiddleware activates, nothing deactivates), and a later test's
    ``reverse()`` would otherwise give /fr/ addresses."""
    from django.conf import settings as django_settings
    from django.utils import translation

    with translation.override(django_settings.LANGUAGE_CODE):
        yield


@pytest.fixture(autouse=True)
def free_export_slots():
    """Each test starts with every export slot free (tracker.exports.slots): a server closes
    each response, but a test that fails mid-download may keep its response alive."""
    from tracker.exports import slots

    slots._semaphore = None


def load_article():
    """Load the article as the site's own loader does (load_site_data, make run): the search
    documents, tallies and corroboration of each entry are rebuilt once at the end, not at
    each save (400 queries instead of 1,400: 0.3 s instead of 1.2 s on SQLite, 0.5 s
    instead of 1.9 s on PostgreSQL, paid by about 150 tests). That a plain ``loaddata``
    gives the same derived data is tested once, in test_article_data.py."""
    from tracker.importers import fixture

    fixture.load(ARTICLE_FIXTURE)


@pytest.fixture
def article(db):
    """The founding article's vendors, sources, deployments, designations and findings."""
    load_article()


@contextmanager
def rows_for_class(django_db_blocker):
    """Rows written once for a whole test class (or module), inside a transaction rolled back
    at its end.

    For class- or module-scoped fixtures (requesting ``django_db_setup`` and
    ``django_db_blocker``) whose tests only read: each test still runs in its own savepoint
    (the ``db`` fixture), so what a test writes is undone as usual. Outside a class, pytest
    gives a class-scoped fixture to each test function on its own. Not for tests that need
    ``transactional_db`` or a live server.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


def imported_for_class(command, path):
    """A class-scoped fixture: ``path`` imported once by ``command`` (import_sii, import_aigs)
    for a class of tests that read what the import gives (each in its own savepoint)."""

    @pytest.fixture(scope="class")
    def imported(django_db_setup, django_db_blocker):
        with rows_for_class(django_db_blocker):
            call_command(command, str(path), stdout=StringIO())
            yield

    return imported


@pytest.fixture(scope="class")
def article_for_class(django_db_setup, django_db_blocker):
    """The article, loaded once for a whole class of tests that only read it (about 0.5 s)."""
    with rows_for_class(django_db_blocker):
        load_article()
        yield


@pytest.fixture(scope="module")
def article_rows(django_db_setup, django_db_blocker):
    """The article, loaded once for a module whose ``article`` reads it (``def article(
    article_rows, db)``); a module adds its own rows by extending this fixture. The module's
    other tests run first (MODULE_ROWS)."""
    with rows_for_class(django_db_blocker):
        load_article()
        yield
