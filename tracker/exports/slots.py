"""How many list exports one worker process streams at a time (TRACKER_EXPORTS_PER_WORKER).

A full export keeps a thread busy, and Python busy, for minutes. Served with threaded workers
(tracker/ops/gunicorn_config.py) pages keep their own threads, but an unbounded number of
exports would still take every thread and all the CPU. Past the limit a reader is told at once
(503 with Retry-After) rather than left waiting: the request's database deadline
(tracker.ops.watchdog) would cut a wait longer than a few seconds anyway.

A slot is held from the answer until its stream is closed: by the server at the end of the
response, when the download is cut, or, for a response that was never read, when it is
collected.
"""

import threading

from django.conf import settings
from django.http import HttpResponse

RETRY_AFTER_SECONDS = 30
_lock = threading.Lock()
_semaphore = None


def _slots():
    global _semaphore
    with _lock:
        if _semaphore is None:
            _semaphore = threading.BoundedSemaphore(settings.TRACKER_EXPORTS_PER_WORKER)
        return _semaphore


class HeldStream:
    """An iterable of chunks holding one export slot until it is closed or collected."""

    def __init__(self, chunks, semaphore):
        self._chunks = iter(chunks)
        self._semaphore = semaphore

    def __iter__(self):
        try:
            yield from self._chunks
        finally:
            self.close()

    def close(self):
        semaphore, self._semaphore = self._semaphore, None
        if semaphore is not None:
            getattr(self._chunks, "close", lambda: None)()
            semaphore.release()

    def __del__(self):
        self.close()


def hold(chunks):
    """``chunks`` holding a slot, or None when this worker already streams its share."""
    semaphore = _slots()
    if not semaphore.acquire(blocking=False):
        return None
    return HeldStream(chunks, semaphore)


def busy_response():
    message = (
        "This server is already preparing as many full downloads as it can at once. "
        f"Please try again in {RETRY_AFTER_SECONDS} seconds; the file will be complete.\n"
    )
    response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response
