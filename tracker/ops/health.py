"""Health checks for a load balancer or an orchestrator.

- ``/healthz``: the process is up and answering. Touches no database, so a database outage
  does not get healthy workers restarted.
- ``/readyz``: this worker can serve readers: the database answers and every migration is
  applied. 503 with the reason otherwise, so traffic waits during a deploy or an outage.

Both are plain text, never cached, and exempt from the HTTPS redirect (settings) so that a
probe on the private network can ask over HTTP.
"""

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.utils import DatabaseError
from django.http import HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from .faults import RETRY_AFTER_SECONDS


def _text(body, status=200):
    response = HttpResponse(body + "\n", status=status, content_type="text/plain; charset=utf-8")
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


@never_cache
@require_safe
def healthz(request):
    return _text("ok")


def unapplied_migrations(connection):
    executor = MigrationExecutor(connection)
    targets = executor.loader.graph.leaf_nodes()
    return [migration for migration, _ in executor.migration_plan(targets)]


@never_cache
@require_safe
def readyz(request):
    connection = connections[DEFAULT_DB_ALIAS]
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        pending = unapplied_migrations(connection)
    except DatabaseError as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        return _text(f"database unavailable: {first_line}", status=503)
    if pending:
        names = ", ".join(f"{m.app_label}.{m.name}" for m in pending[:5])
        more = f" and {len(pending) - 5} more" if len(pending) > 5 else ""
        return _text(f"{len(pending)} unapplied migration(s): {names}{more}", status=503)
    return _text("ready")
