"""What the browser tests share: Debian's Chromium driven by Playwright, every host it contacts
recorded, and axe-core (bundled by axe-playwright-python, injected from disk: nothing is fetched).

Each browser test module makes its rows first (before Playwright starts: its test body then runs
in another greenlet, where Django's connection would be a new one nothing closes) and then asks
for ``launched(live_server.url)``.
"""

from contextlib import contextmanager
from urllib.parse import urlsplit

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

    def page(self, viewport=None, javascript=True, locale="en-GB"):
        # locale: the browser's language, sent as Accept-Language.
        context = self.browser.new_context(
            viewport=viewport or DESKTOP, java_script_enabled=javascript, locale=locale
        )
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


def serious_accessibility_violations(page):
    """axe-core's serious and critical findings on the page as rendered: ["rule: where"]."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page).response
    return [
        f"{violation['id']}: {node['target']}"
        for violation in results["violations"]
        if violation["impact"] in ("serious", "critical")
        for node in violation["nodes"]
    ]
