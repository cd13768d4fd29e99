"""What the browser tests share: Debian's Chromium driven by Playwright, every host it contacts
recorded, and axe-core (bundled by axe-playwright-python, injected from disk: nothing is fetched).

A module's (or a class's) tests that only read share one set of rows, one live server and one
Chromium (``shared_site``); each test still gets its own browser contexts (cookies, viewport,
locale, JavaScript) and its own record of hosts. Tests that write through the site (logging in,
submitting, publishing) keep pytest-django's ``live_server`` and a fresh database each.

Rows are always made before Playwright starts: while it runs, its event loop is marked running
in the test's thread, so Django refuses database calls there (SynchronousOnlyOperation) and
would give them a connection of their own, one that nothing closes.
"""

import os
from contextlib import contextmanager
from unittest import mock
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
DESKTOP = {"width": 1366, "height": 900}
PHONE = {"width": 390, "height": 844}

# Every public page a reader can land on, one of each kind (the article's data).
PUBLIC_PAGES = [
    "/en/",
    "/en/deployments/",
    "/en/deployments/belgrade-huawei-safe-city/",
    "/en/countries/",
    "/en/countries/serbia/",
    "/en/vendors/",
    "/en/vendors/hikvision/",
    "/en/technologies/",
    "/en/technologies/facial-recognition/",
    "/en/sources/",
    "/en/sources/qg-2021-08-28-surveillance-export/",
    "/en/findings/",
    "/en/changes/",
    "/en/about/",
    "/en/methods/",
    "/en/data/",
]


class Browser:
    """Opens pages in separate sessions and remembers every host they contacted."""

    def __init__(self, browser, base):
        self.browser = browser
        self.base = base
        self.hosts = set()
        self.contexts = []

    def page(self, viewport=None, javascript=True, locale="en-GB", axe=False):
        # locale: the browser's language, sent as Accept-Language. axe: axe-core added to each
        # document as Chromium makes it, for a page that checks many: sending its half megabyte
        # through Playwright at each check took about a tenth of the check's time.
        context = self.browser.new_context(
            viewport=viewport or DESKTOP, java_script_enabled=javascript, locale=locale
        )
        if axe:
            context.add_init_script(script=axe_script())
        self.contexts.append(context)
        page = context.new_page()
        page.on("request", lambda request: self.hosts.add(urlsplit(request.url).hostname))
        return page

    @property
    def own_host(self):
        return urlsplit(self.base).hostname

    def log_in(self, username):
        page = self.page()
        page.goto(self.base + "/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", "a long editorial passphrase")
        page.click("input[type=submit]")
        page.wait_for_url("**/admin/")
        return page

    @contextmanager
    def fresh(self):
        """A Browser of its own on the same Chromium (for one test of a shared site): its own
        contexts, closed at the block's end, and its own record of hosts."""
        browser = Browser(self.browser, self.base)
        try:
            yield browser
        finally:
            for context in browser.contexts:
                context.close()


@contextmanager
def launched(base):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        try:
            yield Browser(chromium, base)
        finally:
            chromium.close()


@contextmanager
def committed(make_rows):
    """``make_rows()`` committed, for a server thread to read; at the end every table is emptied
    and given back what it held before (the migrations' countries and technologies), as a
    transactional test leaves it."""
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command
    from django.db import connection, transaction

    before = getattr(connection, "_test_serialized_contents", None)
    if before is None:  # no test in this run asked pytest-django to keep it
        before = connection.creation.serialize_db_to_string()
    try:
        with transaction.atomic():
            make_rows()
        yield
    finally:
        # As TransactionTestCase flushes: sequences kept, so that what is put back (with its
        # primary keys) never meets a key the sequence will give again.
        call_command(
            "flush",
            verbosity=0,
            interactive=False,
            reset_sequences=False,
            inhibit_post_migrate=True,
        )
        connection.creation.deserialize_db_from_string(before)
        ContentType.objects.clear_cache()


@contextmanager
def served(host="127.0.0.1"):
    """A live server of its own (pytest-django's ``live_server`` makes each test that uses it
    transactional: the database would be emptied after every test). Yields its address."""
    from django.contrib.staticfiles.handlers import StaticFilesHandler
    from django.db import connections
    from django.test.testcases import LiveServerThread
    from django.test.utils import modify_settings

    # The in-memory SQLite test database exists only in this connection: the server uses it.
    shared = {
        connection.alias: connection
        for connection in connections.all()
        if connection.vendor == "sqlite" and connection.is_in_memory_db()
    }
    thread = LiveServerThread(host, StaticFilesHandler, connections_override=shared, port=0)
    thread.daemon = True
    for connection in shared.values():
        connection.inc_thread_sharing()
    try:
        with modify_settings(ALLOWED_HOSTS={"append": host}):
            thread.start()
            thread.is_ready.wait()
            if thread.error:
                raise thread.error
            yield f"http://{host}:{thread.port}"
    finally:
        thread.terminate()
        for connection in shared.values():
            connection.dec_thread_sharing()


def shared_site(make_rows, scope="module"):
    """A fixture for a module's (or a class's) tests that only read: ``make_rows()`` committed
    once, served by a live server of its own and opened in one Chromium, all of it gone at the
    end. Each test asks for ``site.fresh()``: contexts of its own, closed at its end.

    Its tests are marked ``django_db`` (not transactional), so the test database is set up for
    them. While Playwright runs, its event loop is marked running in this thread (its sync API
    leaves it so between calls): Django then refuses database calls, as if in async code, unless
    DJANGO_ALLOW_ASYNC_UNSAFE is set, and gives them a connection of their own (asgiref keeps
    one per async context). pytest-django opens and rolls back each test's transaction on that
    connection, which is closed before Playwright stops (PostgreSQL would refuse to drop the
    test database while it stays open).
    """

    @pytest.fixture(scope=scope)
    def site(django_db_setup, django_db_blocker):
        from django.db import connections
        from django.test.utils import override_settings

        # The server thread reads the database between tests too; the cache is conftest's
        # (empty_page_cache) for the rows made here as well.
        with (
            django_db_blocker.unblock(),
            override_settings(
                CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
            ),
            committed(make_rows),
            served() as base,
            mock.patch.dict(os.environ, {"DJANGO_ALLOW_ASYNC_UNSAFE": "true"}),
            launched(base) as browser,
        ):
            yield browser
            connections.close_all()

    return site


def axe_script():
    from axe_playwright_python.base import AXE_SCRIPT

    return AXE_SCRIPT


# axe.run as axe_playwright_python's Axe().run(page) calls it (every rule; only violations in
# full), but sending back from the browser only what is asserted on, each serious or critical
# violation's rule and nodes: the whole results took about a fifth of each check's time.
SERIOUS_VIOLATIONS = """options => axe.run(options).then(results => results.violations
    .filter(violation => ["serious", "critical"].includes(violation.impact))
    .flatMap(violation => violation.nodes.map(node => [violation.id, node.target])))"""


def serious_accessibility_violations(page):
    """axe-core's serious and critical findings on the page as rendered: ["rule: where"]."""
    if not page.evaluate("typeof axe !== 'undefined'"):  # not added by Browser.page(axe=True)
        page.evaluate(axe_script())
    found = page.evaluate(SERIOUS_VIOLATIONS, {"resultTypes": ["violations"]})
    return [f"{rule}: {target}" for rule, target in found]
