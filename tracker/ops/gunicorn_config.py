"""gunicorn's settings for serving the tracker: `gunicorn -c python:tracker.ops.gunicorn_config`.

`make run`, `make run-pair` and docs/deploy.md all serve with this file, so the production
command is one command. Each value can be overridden from the environment (names below) or on
the command line.

Why threads (``gthread``): a sync worker handles one request and is killed when that request
takes longer than ``timeout`` (30 s): a CSV of 100,000 entries streams for minutes, and the
reader used to get a 200 with a truncated file. A gthread worker's timeout watches the worker's
main loop, which keeps running while a thread streams, so an export is never cut by it; a
worker that hangs altogether is still replaced. The threads also keep pages answering while
exports stream (``TRACKER_EXPORTS_PER_WORKER`` bounds how many exports one worker runs at a
time, tracker.exports.stream).
"""

import os


def _int(name, default):
    return int(os.environ.get(name) or default)


bind = f"{os.environ.get('HOST') or '127.0.0.1'}:{os.environ.get('PORT') or '8000'}"
workers = _int("WORKERS", 2)
worker_class = "gthread"
threads = _int("THREADS", 4)
# Seconds a worker's main loop may go silent before it is replaced; with gthread this never
# counts the time a request or a streamed download takes.
timeout = _int("GUNICORN_TIMEOUT", 30)
# On a restart (deploy, HUP), exports in progress get this long to finish before the workers
# are stopped; a download cut then lacks its end row, as /data/ explains.
graceful_timeout = _int("GUNICORN_GRACEFUL_TIMEOUT", 120)
keepalive = 5
accesslog = "-"
