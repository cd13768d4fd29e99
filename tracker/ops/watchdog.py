"""A request stuck on a frozen PostgreSQL server fails with a 503 instead of hanging.

PostgreSQL's statement_timeout is enforced by the server: a server that has stopped answering
altogether (frozen host, stopped process) enforces nothing, and a worker waiting on a
connection it already holds waits until gunicorn kills it, 30 s later, with no answer for the
reader. So each request gets a deadline (DB_REQUEST_TIMEOUT, shorter than gunicorn's):
when it passes, the request's PostgreSQL connections are shut down under it. A query in
progress then fails at once, like any lost connection, and tracker.ops.faults answers 503;
Django discards the broken connection, and the next request connects afresh (bounded by
DB_CONNECT_TIMEOUT) once the server is back.

A request still running at the deadline would be killed by gunicorn soon after anyway; a
streamed export is past this middleware by the time it streams.
"""

import logging
import os
import socket
import threading

from django.conf import settings
from django.db import connections

logger = logging.getLogger("tracker.ops")


def sever(wrappers, path):
    """Shut down the sockets of these open PostgreSQL connections (called from a timer)."""
    for wrapper in wrappers:
        raw = wrapper.connection
        if raw is None:
            continue
        try:
            duplicate = socket.socket(fileno=os.dup(raw.pgconn.socket))
        except Exception:  # closed meanwhile, or no socket: nothing to cut
            continue
        logger.error("Database did not answer for %s s during %s: connection cut", limit(), path)
        with duplicate:
            duplicate.shutdown(socket.SHUT_RDWR)


def limit():
    return getattr(settings, "DB_REQUEST_TIMEOUT", 0)


class DatabaseWatchdogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        wrappers = [c for c in connections.all() if c.vendor == "postgresql"]
        if not wrappers or limit() <= 0:
            return self.get_response(request)
        timer = threading.Timer(limit(), sever, args=(wrappers, request.path))
        timer.daemon = True
        timer.start()
        try:
            return self.get_response(request)
        finally:
            timer.cancel()
