"""Two app servers, one PostgreSQL, one Redis: a publish through one is seen through the other.

This is how the site grows past one machine (docs/deploy.md, "Several app servers"): each
server caches readers' pages in the shared Redis, and a publish through either makes every
cached page out of date for both at once. The test builds a scratch PostgreSQL database of its
own (created and dropped here), starts two gunicorn processes with the production settings, and
publishes through the admin of the first.

PostgreSQL comes from TEST_POSTGRES_URL (else DATABASE_URL's server, else the local one) and
Redis from TEST_REDIS_URL (else the local one, database 15).
"""

import os
import uuid

import pytest

from tests import servers
from tests.conftest import ARTICLE_FIXTURE

pytestmark = pytest.mark.own_servers
ENTRY = "belgrade-huawei-safe-city"
PASSWORD = "a long publisher password 42"


def redis_url():
    return os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.fixture(scope="module")
def scratch_database(django_db_setup, migrated_databases):
    """A migrated database of this test's own on the PostgreSQL server (never test, postgres or
    root)."""
    psycopg = pytest.importorskip("psycopg")
    server = servers.postgres_server()
    name = f"sxt_two_servers_{uuid.uuid4().hex[:8]}"
    try:
        admin = servers.postgres_admin(server)
    except psycopg.OperationalError as exc:
        pytest.skip(f"PostgreSQL is not reachable at {server}: {exc}")
    with admin:
        template = migrated_databases.postgres_template(server)
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        try:
            yield f"{server}/{name}"
        finally:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def shared_redis():
    redis = pytest.importorskip("redis")
    url = redis_url()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as exc:
        pytest.skip(f"Redis is not reachable at {url}: {exc}")
    return url


@pytest.fixture(scope="module")
def site(tmp_path_factory, scratch_database, shared_redis):
    """The article's entries with Belgrade back in draft, and a publisher who may publish it."""
    env = servers.environment(
        tmp_path_factory.mktemp("pair"),
        DATABASE_URL=scratch_database,
        REDIS_URL=shared_redis,
        EDITOR_PASSWORD=PASSWORD,
    )
    # The commands an operator runs one by one, in one process: each start costs a second.
    code = (
        "from django.core.management import call_command as run; "
        f"run('loaddata', {str(ARTICLE_FIXTURE)!r}, '-v0'); "
        "run('setup_roles', '-v0'); "
        "run('collectstatic', '--no-input', '-v0'); "
        "run('createeditor', 'pat', '--role', 'publisher', '--no-input'); "
        "from tracker.models import Deployment; from tracker.editorial import workflow; "
        f"d = Deployment.objects.get(slug='{ENTRY}'); workflow.unpublish(d); print(d.pk)"
    )
    pk = servers.manage(env, "shell", "-c", code).strip().splitlines()[-1]
    return env, pk


def entry_listed(base):
    status, headers, page = servers.Browser(base).get("/en/deployments/")
    assert status == 200
    return f"/en/deployments/{ENTRY}/" in page, headers.get("X-Cache")


def test_a_publish_through_one_server_is_seen_through_the_other_at_once(site):
    env, pk = site
    with servers.gunicorn(env) as first, servers.gunicorn(env) as second:
        # Readers of both servers have the list cached, without the draft.
        for base in (first, second, second):
            listed, _ = entry_listed(base)
            assert not listed
        assert entry_listed(second) == (False, "hit")

        publisher = servers.Browser(first)
        status, page = publisher.post_form(
            "/admin/login/?next=/admin/", {"username": "pat", "password": PASSWORD}
        )
        assert status == 200 and "Log out" in page, page[:500]
        status, page = publisher.post_form(
            "/admin/tracker/deployment/", {"action": "publish", "_selected_action": pk}
        )
        assert status == 200

        # The very next request to the other server sees it, freshly rendered.
        assert entry_listed(second) == (True, "miss")
        assert servers.Browser(second).get(f"/en/deployments/{ENTRY}/")[0] == 200
