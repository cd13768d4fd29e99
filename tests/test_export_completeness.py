"""Exports that always finish, and that cannot pass for complete when they did not.

The server tests run gunicorn with the production settings (tracker/ops/gunicorn_config.py)
but a worker timeout of 2 s, on a scratch SQLite database of 6,000 synthetic entries whose CSV
takes several times that long to stream: under the threaded workers it arrives whole, with its
end row; under the sync workers the site used to run, the same download is cut when the worker
is killed, and the cut file is recognised as incomplete.
"""

import json

import pytest
from django.db import OperationalError

from tests import servers
from tests.factories import published_deployment
from tracker.exports import IncompleteExport, read_csv, slots, stream

ENTRIES = 6000
SHORT_TIMEOUT = ["--timeout", "2"]


@pytest.fixture(scope="module")
def synthetic_site(tmp_path_factory, django_db_setup, migrated_databases):
    tmp_path = tmp_path_factory.mktemp("exports")
    database = migrated_databases.sqlite(tmp_path / "db.sqlite3")
    env = servers.environment(tmp_path, DATABASE_URL=database)
    servers.manage(env, "generate_synthetic", "--deployments", str(ENTRIES), "--seed", "1")
    return env


@pytest.mark.own_servers
def test_an_export_longer_than_the_worker_timeout_arrives_whole(synthetic_site):
    with servers.gunicorn(synthetic_site, *SHORT_TIMEOUT) as url:
        status, body, ended = servers.download(f"{url}/en/deployments/?format=csv")
        _, as_json, _ = servers.download(f"{url}/en/deployments/?format=json")
    assert (status, ended) == (200, True)
    rows = read_csv(body.decode("utf-8"))
    assert len(rows) == json.loads(as_json)["count"] > 0.9 * ENTRIES


@pytest.mark.own_servers
def test_the_same_export_cut_by_a_sync_worker_timeout_is_recognisably_incomplete(synthetic_site):
    sync = ["--worker-class", "sync", "--threads", "1"]
    with servers.gunicorn(synthetic_site, *SHORT_TIMEOUT, *sync) as url:
        status, body, ended = servers.download(f"{url}/en/deployments/?format=csv")
    assert status == 200  # the headers had gone: only the end of the file can tell
    assert not ended
    with pytest.raises(IncompleteExport, match="no end row"):
        read_csv(body.decode("utf-8", errors="replace"))


# --- In one process -----------------------------------------------------------------------------


@pytest.fixture
def failing_midway(db, monkeypatch):
    """Three entries, and a database that fails while the second is being written."""
    for _ in range(3):
        published_deployment()
    written = stream.deployment_json
    calls = []

    def fail_on_second(deployment, request):
        calls.append(deployment.pk)
        if len(calls) == 2:
            raise OperationalError("server closed the connection unexpectedly")
        return written(deployment, request)

    monkeypatch.setattr(stream, "deployment_json", fail_on_second)


def received(response):
    """What a reader's download holds when the server fails midway through the stream."""
    chunks = []
    with pytest.raises(OperationalError):
        for chunk in response.streaming_content:
            chunks.append(chunk)
    return b"".join(chunks).decode()


def test_a_csv_export_that_fails_midway_says_so_in_its_last_row(client, failing_midway):
    text = received(client.get("/en/deployments/", {"format": "csv"}))
    assert text.endswith("# export failed,1\r\n")
    with pytest.raises(IncompleteExport, match="failed midway"):
        read_csv(text)


def test_a_json_export_that_fails_midway_is_not_valid_json(client, failing_midway):
    text = received(client.get("/en/deployments/", {"format": "json"}))
    with pytest.raises(json.JSONDecodeError):
        json.loads(text)


def test_a_csv_whose_end_row_counts_other_rows_is_refused(client, db):
    published_deployment()
    text = b"".join(client.get("/en/deployments/", {"format": "csv"}).streaming_content).decode()
    assert read_csv(text)
    with pytest.raises(IncompleteExport, match="counts 2 rows"):
        read_csv(text.replace("# end of export,1", "# end of export,2"))


def test_past_the_workers_export_slots_a_reader_is_told_to_retry_and_pages_still_answer(
    client, db, settings
):
    settings.TRACKER_EXPORTS_PER_WORKER = 1
    published_deployment()
    streaming = client.get("/en/deployments/", {"format": "csv"})
    assert streaming.status_code == 200
    busy = client.get("/en/deployments/", {"format": "json"})
    assert busy.status_code == 503
    assert busy["Retry-After"] == str(slots.RETRY_AFTER_SECONDS)
    assert "try again" in busy.content.decode()
    assert client.get("/en/deployments/").status_code == 200
    b"".join(streaming.streaming_content)  # the first download ends: its slot is free again
    assert client.get("/en/deployments/", {"format": "json"}).status_code == 200


def test_the_data_page_tells_readers_how_to_check_a_file_is_complete(client, db):
    page = client.get("/en/data/").content.decode()
    assert "# end of export,N" in page
    assert "# export failed,N" in page
