"""What changed, as readers see it: on an entry's page, and across the site on /changes/.

Only changes since publication are shown. History dates are set by hand (a day before
publication for the drafting, then a month apart), so that order, dates and the publication
boundary are all visible.
"""

import re
from datetime import UTC, datetime, timedelta

import pytest

from tests.factories import (
    CitationFactory,
    DeploymentFactory,
    published_deployment,
    published_on,
)
from tracker.editorial import history, workflow
from tracker.models import Citation, Deployment
from tracker.ops import cache as page_cache

pytestmark = pytest.mark.django_db
PUBLISHED = datetime(2025, 1, 10, 9, 0, tzinfo=UTC)


def entry_history(client, entry):
    """[(ISO date, what)] listed under "History of this entry", in page order."""
    body = client.get(entry.get_absolute_url()).content.decode()
    section = body.split("History of this entry", 1)[1].split("</section>", 1)[0]
    return re.findall(r'<li><time datetime="([^"]*)">[^<]*</time>: ([^<]*)</li>', section)


def date_history(entry):
    """Drafting a day before publication; each later record one month after the previous."""
    records = list(entry.changes.order_by("history_id"))
    first_published = next(
        i for i, record in enumerate(records) if record.state == Deployment.State.PUBLISHED
    )
    for index, record in enumerate(records):
        offset = index - first_published
        when = (
            PUBLISHED - timedelta(days=1) if offset < 0 else PUBLISHED + timedelta(days=31 * offset)
        )
        entry.changes.filter(history_id=record.history_id).update(history_date=when)
    published_on(entry, PUBLISHED)


def date_citation_history(entry, when):
    Citation.history.filter(deployment_id=entry.pk, history_date__gt=PUBLISHED).update(
        history_date=when
    )


@pytest.fixture
def corrected(db):
    """An entry published on 10 January 2025, its summary corrected a month later, and a
    citation added on 1 March 2025; meanwhile another entry got a citation of its own."""
    entry = published_deployment(title="Corrected entry")
    Citation.history.filter(deployment_id=entry.pk).update(
        history_date=PUBLISHED - timedelta(days=1)
    )
    entry.summary = "A corrected summary."
    entry.save()
    date_history(entry)
    CitationFactory(deployment=entry, quote="Added after publication.")
    date_citation_history(entry, datetime(2025, 3, 1, 12, 0, tzinfo=UTC))
    other = published_deployment(title="Another entry")
    CitationFactory(deployment=other, quote="Someone else's source.")
    return entry


def test_changes_since_publication_are_listed_newest_first_with_their_dates(client, corrected):
    assert entry_history(client, corrected) == [
        ("2025-03-01T12:00:00+00:00", "citation added"),
        ("2025-02-10T09:00:00+00:00", "changed: summary (English)"),
    ]


def test_the_page_shows_each_change_date_as_readers_read_dates(client, corrected):
    body = client.get(corrected.get_absolute_url()).content.decode()
    assert "1 March 2025, 12:00</time>: citation added" in body
    assert "First published on this site" in body
    assert ">10 January 2025</time>" in body


def test_a_removed_citation_is_listed_as_removed(client, corrected):
    corrected.citations.get(quote="Added after publication.").delete()
    assert entry_history(client, corrected)[0][1] == "citation removed"


def test_drafting_before_publication_is_not_shown_as_a_change(client):
    entry = published_deployment(title="Fresh entry")
    Citation.history.filter(deployment_id=entry.pk).update(
        history_date=PUBLISHED - timedelta(days=1)
    )
    date_history(entry)
    body = client.get(entry.get_absolute_url()).content.decode()
    assert entry_history(client, entry) == []
    assert "No change since publication." in body


# --- /changes/ ---------------------------------------------------------------------------------


def site_changes(client):
    """[(ISO date, entry title, what)] in the /changes/ table, in page order."""
    body = client.get("/en/changes/").content.decode()
    rows = re.findall(
        r'<time datetime="([^"]*)">.*?</time></td><th scope="row"><a [^>]*>([^<]*)</a>'
        r".*?</th><td>([^<]*)</td>",
        body,
        flags=re.S,
    )
    return rows


def edit(entry, when, **fields):
    """Save ``fields`` on ``entry`` and date the history record it makes."""
    for name, value in fields.items():
        setattr(entry, name, value)
    entry.save()
    record = entry.changes.order_by("-history_id").first()
    entry.changes.filter(history_id=record.history_id).update(history_date=when)


def test_changes_across_entries_are_listed_newest_first_with_dates_and_fields(client):
    first = published_deployment(title="First entry")
    second = published_deployment(title="Second entry")
    for entry in (first, second):
        date_history(entry)
    edit(first, datetime(2025, 4, 1, tzinfo=UTC), summary="New summary.")
    edit(second, datetime(2025, 5, 1, tzinfo=UTC), scale="Thousands of cameras")
    edit(first, datetime(2025, 6, 1, tzinfo=UTC), locality="Novi Sad")
    assert site_changes(client) == [
        ("2025-06-01T00:00:00+00:00", "First entry", "changed: locality"),
        ("2025-05-01T00:00:00+00:00", "Second entry", "changed: scale"),
        ("2025-04-01T00:00:00+00:00", "First entry", "changed: summary (English)"),
        ("2025-01-10T09:00:00+00:00", "Second entry", "published"),
        ("2025-01-10T09:00:00+00:00", "First entry", "published"),
    ]


def test_recent_changes_find_each_entry_behind_the_latest_history_rows():
    """The latest history rows are looked up by entry, not by row number: here history rows
    are numbered well past the entries' own ids (a draft edited ten times first)."""
    scratch = DeploymentFactory(state=Deployment.State.DRAFT, title="Scratch draft")
    for n in range(10):
        edit(scratch, datetime(2024, 1, 1 + n, tzinfo=UTC), summary=f"Draft {n}.")
    entry = published_deployment(title="Published entry")
    date_history(entry)
    edit(entry, datetime(2025, 3, 1, tzinfo=UTC), summary="Corrected.")
    changes = history.recent_changes(limit=2)
    assert [(c.deployment.title, c.what) for c in changes] == [
        ("Published entry", "changed: summary (English)"),
        ("Published entry", "published"),
    ]


def test_a_retraction_is_listed_by_what_readers_see_change_not_bookkeeping(client):
    entry = published_deployment(title="Withdrawn entry")
    Citation.history.filter(deployment_id=entry.pk).update(
        history_date=PUBLISHED - timedelta(days=1)
    )
    date_history(entry)
    workflow.retract(entry, "The source withdrew it.")
    ((_, what),) = entry_history(client, entry)
    assert what.startswith("changed: ")
    assert set(what.removeprefix("changed: ").split(", ")) == {
        "publication state",
        "retraction reason",
    }


def test_history_written_before_changes_were_noted_lists_the_same_changes(client):
    """Records written in bulk or before the site noted what readers saw change (the migration
    and data loads work it out afterwards) list exactly what saves noted as they happened."""
    kept = published_deployment(title="Corrected entry")
    kept.summary, kept.scale = "New summary.", "Thousands of cameras"
    kept.save()
    kept.save()  # nothing readers see
    withdrawn = published_deployment(title="Withdrawn entry")
    workflow.retract(withdrawn, "The source withdrew it.")
    hidden = published_deployment(title="Taken down entry")
    workflow.unpublish(hidden)
    hidden.title = "A draft title"
    hidden.save()
    workflow.publish(hidden)
    DeploymentFactory(state=Deployment.State.DRAFT, title="Never published").save()
    noted = list(Deployment.history.values_list("history_id", "reader_change", "changed_fields"))
    listed = client.get("/en/changes/").content.decode()

    Deployment.history.update(reader_change="", changed_fields="")
    history.note_reader_changes(Deployment.history.model)
    assert (
        list(Deployment.history.values_list("history_id", "reader_change", "changed_fields"))
        == noted
    )
    page_cache.bump()
    assert client.get("/en/changes/").content.decode() == listed


def test_an_edit_of_a_field_since_removed_is_listed_by_its_stored_name(client):
    """A record keeps the names of the fields it changed; a field a later version of the site
    removed has no label any more, and is shown by the name it had."""
    entry = published_deployment(title="Old entry")
    date_history(entry)
    edit(entry, datetime(2025, 4, 1, tzinfo=UTC), summary="New summary.")
    entry.changes.filter(reader_change="changed").update(changed_fields="contract_value,summary")
    assert site_changes(client)[0] == (
        "2025-04-01T00:00:00+00:00",
        "Old entry",
        "changed: contract_value, summary (English)",
    )


def test_history_noted_in_batches_lists_every_publication(client, monkeypatch):
    """Bulk-written history is noted a batch at a time: a full batch is written as soon as it
    fills, the rest at the end, and no record is left out."""
    monkeypatch.setattr(history, "MARK_BATCH", 2)
    for title in ("First entry", "Second entry", "Third entry"):
        date_history(published_deployment(title=title))
    Deployment.history.update(reader_change="", changed_fields="")

    history.note_reader_changes(Deployment.history.model)

    listed = site_changes(client)
    assert sorted(title for _, title, what in listed if what == "published") == [
        "First entry",
        "Second entry",
        "Third entry",
    ]
