"""The cache of public pages: what readers see is rendered once per public change, not per request.

Design: one **generation** token, kept in the cache (Redis in production, shared by every app
server), names the current state of everything public. Each cached page is stored under the
language and the full URL (scheme, host, path and query string), with the generation it was
rendered in, and is served only while that generation is current (both read in one round
trip). Any change to public data (``tracker.signals``; after imports, ``load_site_data`` and
other bulk commands; after ``migrate``) writes a new token, so every server stops serving the
old pages at once and renders afresh on the next request, replacing them.

The token is written twice: at once, so that the request (or test) that made the change reads
the new state, and again when the transaction commits, so that a page another server rendered
from the not-yet-committed database in between is never the one kept.

What is never cached or served from the cache (``cacheable_request``, ``storable``):

- requests that are not GET or HEAD; the admin; anything sent with a session cookie (an editor,
  a signed-in reader) or with a pending message (the thank-you after a correction); a request
  whose user turns out to be signed in;
- responses other than a complete 200 (streamed exports, errors), responses that set cookies
  or say themselves how to be cached (health checks).

Pages holding the correction form carry a CSRF token, which belongs to one browser. The cached
copy stores a placeholder where the token was, and each reader gets a token of their own put
back in (the CSRF middleware then sets the matching cookie), so CSRF protection and the form
work exactly as on a freshly rendered page. Such pages are ``private`` to browsers, and their
ETag includes a hash of the reader's CSRF cookie, so a 304 never leaves a browser holding a
form whose token no longer matches its cookie.

Pages without a token are stored compressed (gzip, once, when stored) and sent so to readers
whose browser accepts it, as every browser does: a hit of the 453 KiB list is 80 KiB read from
the cache and sent, not 453 KiB (issue 11: hits at a quarter of the bare view's rate were mostly
copying the body). Compressing a page that holds no secret gives a BREACH attack nothing to
guess; pages with a CSRF token are stored and sent as they are.

HTTP: ``Cache-Control: public, no-cache`` (a proxy or browser may keep the page but asks every
time, so a change is seen at once), a strong ``ETag`` from the page's bytes and
``Last-Modified`` from the time of the last public change; If-None-Match and
If-Modified-Since are answered with 304.

A cache that cannot be reached (Redis down) costs speed, never pages: reads and writes that
fail are logged and the page is rendered as if nothing were cached.
"""

import contextvars
import functools
import gzip
import hashlib
import logging
import re
import secrets
import time
from contextlib import contextmanager

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.urls import reverse
from django.utils import translation
from django.utils.cache import get_conditional_response, patch_cache_control, patch_vary_headers
from django.utils.http import http_date

logger = logging.getLogger("tracker.ops")

GENERATION_KEY = "tracker:public-generation"
PAGE_PREFIX = "tracker:page"
CSRF_INPUT = re.compile(rb'(name="csrfmiddlewaretoken" value=")[^"]*(")')
CSRF_PLACEHOLDER = b"\x00csrf-token\x00"
MESSAGES_COOKIE = "messages"
# Headers a stored page does not keep: recomputed for each answer, or set by the middleware
# that runs outside this one.
NOT_STORED = {"vary", "cache-control", "expires", "etag", "last-modified", "content-length", "date"}
CACHEABLE_METHODS = ("GET", "HEAD")
ACCEPTS_GZIP = re.compile(r"\bgzip\b")
# Smaller pages are not worth a decompression for the rare client that cannot take gzip.
COMPRESS_FROM = 2048


# --- The generation ----------------------------------------------------------------------------


def new_generation():
    """A token never seen before: the change's time (for Last-Modified) and random bits."""
    return f"{time.time_ns() // 1_000_000}-{secrets.token_hex(6)}"


def generation():
    """The current generation, created if the cache holds none (first start, cache emptied).

    A fresh token rather than a counter: a counter restarting at 1 after the cache was emptied
    could meet pages stored under that number before.
    """
    token = cache.get(GENERATION_KEY)
    if token is None:
        cache.add(GENERATION_KEY, new_generation(), timeout=None)
        token = cache.get(GENERATION_KEY)
    return token


def changed_at(token):
    """Seconds since the epoch of the change that made this generation."""
    return int(token.split("-", 1)[0]) // 1000


def _write_generation():
    try:
        cache.set(GENERATION_KEY, new_generation(), timeout=None)
    except Exception:
        # The change itself is saved; readers may see the older pages until they expire.
        logger.exception("Could not invalidate the page cache after a public change")


# Set inside deferred_bumps(): the changes noted there, to be made one bump at its end.
_deferred = contextvars.ContextVar("tracker_page_cache_deferred", default=None)


@contextmanager
def deferred_bumps():
    """Inside the block, a public change only notes that pages are out of date; the block's
    end bumps once. An import saves thousands of rows, each a bump: writing the generation
    18,000 times was half of the SII/AIGS import's time with the file cache. Per thread (a
    context variable): a request served meanwhile still bumps at once."""
    if _deferred.get() is not None:  # already deferred by an outer block
        yield
        return
    noted = []
    token = _deferred.set(noted)
    try:
        yield
    finally:
        _deferred.reset(token)
        if noted:
            bump()


def bump():
    """Public data changed: every cached page is out of date, on every app server."""
    if (noted := _deferred.get()) is not None:
        noted.append(True)
        return
    _write_generation()
    connection = transaction.get_connection()
    # One write at commit is enough for a transaction that changes a thousand rows.
    if not any(pending[1] is _write_generation for pending in connection.run_on_commit):
        transaction.on_commit(_write_generation, robust=True)


# --- Which requests and responses ----------------------------------------------------------------


def admin_prefix():
    return reverse("admin:index")


@functools.cache
def excluded_paths():
    """The admin, and health checks (which must answer even when the cache does not)."""
    return (admin_prefix(), reverse("healthz"), reverse("readyz"))


def cacheable_request(request):
    if request.method not in CACHEABLE_METHODS or settings.TRACKER_CACHE_SECONDS <= 0:
        return False
    cookies = request.COOKIES
    if settings.SESSION_COOKIE_NAME in cookies or MESSAGES_COOKIE in cookies:
        return False
    return not request.path.startswith(excluded_paths())


def signed_in(request):
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def storable(request, response):
    return (
        response.status_code == 200
        and not response.streaming
        # The CSRF cookie is set for each reader again on every hit (from_entry).
        and not set(response.cookies) - {settings.CSRF_COOKIE_NAME}
        and not response.has_header("Cache-Control")
        and not signed_in(request)
    )


def page_key(request):
    url = request.build_absolute_uri()
    digest = hashlib.sha256(url.encode("utf-8", "surrogateescape")).hexdigest()
    # The language is the path's (/fr/…): this runs before LocaleMiddleware has activated it.
    language = translation.get_language_from_path(request.path_info) or "-"
    return f"{PAGE_PREFIX}:{language}:{digest}"


def lookup(key):
    """(generation, the page stored under ``key`` or None), in one round trip to the cache.

    A page is stored with the generation it was rendered in and only served while that is
    still the current one; a newer rendering of the same URL replaces it, so the cache holds
    one copy per URL, not one per change.
    """
    found = cache.get_many([GENERATION_KEY, key])
    token = found.get(GENERATION_KEY) or generation()
    entry = found.get(key)
    if entry is not None and entry.get("generation") != token:
        entry = None
    return token, entry


# --- Stored pages --------------------------------------------------------------------------------


def to_entry(response, token):
    body, tokens = CSRF_INPUT.subn(rb"\1" + CSRF_PLACEHOLDER + rb"\2", response.content)
    headers = [(k, v) for k, v in response.items() if k.lower() not in NOT_STORED]
    entry = {
        "status": response.status_code,
        "headers": headers,
        "body": body,
        "etag": hashlib.sha256(body).hexdigest()[:32],
        "csrf": bool(tokens),
        "generation": token,
    }
    if not tokens and len(body) >= COMPRESS_FROM and not response.has_header("Content-Encoding"):
        # mtime=0: the same page compresses to the same bytes on every server.
        entry["body"], entry["gzip"] = None, gzip.compress(body, compresslevel=6, mtime=0)
    return entry


def accepts_gzip(request):
    return bool(ACCEPTS_GZIP.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def from_entry(request, entry):
    """The stored page as a response; with the reader's own CSRF token (and cookie) in it.

    A hit answers before the middleware further down runs (CSRF's included, which the page
    with the correction form needs): the CSRF middleware's own steps are run here instead.
    """
    if entry.get("gzip"):
        response = HttpResponse(status=entry["status"])
        encoded(request, response, entry)
    else:
        body = entry["body"]
        csrf = CsrfViewMiddleware(lambda request: None) if entry["csrf"] else None
        if csrf:
            csrf.process_request(request)  # the reader's secret, from their cookie
            body = body.replace(CSRF_PLACEHOLDER, get_token(request).encode())
        response = HttpResponse(body, status=entry["status"])
        response["Content-Length"] = str(len(body))
        if csrf:
            csrf.process_response(request, response)  # sets the cookie matching the token
    for name, value in entry["headers"]:
        response[name] = value
    return response


def encoded(request, response, entry):
    """The stored compressed page as ``response``'s body: as it is for a reader whose browser
    takes gzip, decompressed for one whose does not."""
    if accepts_gzip(request):
        response.content = entry["gzip"]
        response["Content-Encoding"] = "gzip"
    else:
        response.content = gzip.decompress(entry["gzip"])
    response["Content-Length"] = str(len(response.content))
    patch_vary_headers(response, ("Accept-Encoding",))


def validators(request, response, entry, token):
    """Cache-Control, ETag and Last-Modified; a 304 when the reader's copy is current."""
    etag = entry["etag"]
    if response.get("Content-Encoding") == "gzip":
        etag += "-gz"  # another representation of the page: another strong validator
    if entry["csrf"]:
        # The reader's copy holds a token made from their CSRF cookie: it is only current for
        # that cookie.
        secret = request.META.get("CSRF_COOKIE", "")
        etag += "-" + hashlib.sha256(secret.encode()).hexdigest()[:8]
        patch_cache_control(response, private=True, no_cache=True)
    else:
        patch_cache_control(response, public=True, no_cache=True)
    response["ETag"] = f'"{etag}"'
    last_modified = changed_at(token)
    response["Last-Modified"] = http_date(last_modified)
    return get_conditional_response(
        request, etag=response["ETag"], last_modified=last_modified, response=response
    )


class PublicPageCacheMiddleware:
    """Serves anonymous readers' pages from the cache.

    Placed before the database watchdog, sessions, CSRF, users and messages, so that a hit
    costs none of them; a miss goes through all of them as usual.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not cacheable_request(request):
            response = self.get_response(request)
            if request.method in CACHEABLE_METHODS and not response.has_header("Cache-Control"):
                # Shown to one signed-in person (or with their message): no shared copy.
                patch_cache_control(response, private=True, no_cache=True)
            return response
        key = page_key(request)  # outside the try: a host not allowed is a 400, not a cache fault
        try:
            token, entry = lookup(key)
        except Exception:
            logger.exception("Page cache unavailable; rendering %s", request.path)
            return self.get_response(request)
        if entry is not None:
            response = from_entry(request, entry)
            response["X-Cache"] = "hit"
        else:
            response = self.get_response(request)
            if not storable(request, response):
                return response
            entry = to_entry(response, token)
            try:
                cache.set(key, entry, timeout=settings.TRACKER_CACHE_SECONDS)
            except Exception:
                logger.exception("Could not store %s in the page cache", request.path)
            if entry.get("gzip"):
                encoded(request, response, entry)  # the first reader gets what the next ones do
            response["X-Cache"] = "miss"
        return validators(request, response, entry, token)
