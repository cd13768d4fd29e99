"""What changed, for readers: dates and the fields that changed, never who changed them.

Editors see the full history (who, when, before and after) in the admin, through
django-simple-history. Readers see changes made since an entry was first published, so the
drafting that happened before is not presented as correction.
"""

from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import Exists, OuterRef, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from ..models import Citation, Deployment, SiteDataLoad
from ..models.reader_changes import ReaderChange

# Bookkeeping that changes with every save and says nothing to a reader.
NOT_SHOWN = ["created_at", "updated_at", "last_verified_by", "published_at", "retracted_at"]
KINDS = {"+": _("citation added"), "~": _("citation changed"), "-": _("citation removed")}


@dataclass(frozen=True)
class Change:
    when: datetime
    what: str  # "changed: summary, status" / "citation added" / "published" / "retracted"
    record: object = None  # the history record, on /changes/: the entry as it then was
    deployment: Deployment | None = None  # the entry, if readers can open it now


def field_names(model):
    return {field.name: field.verbose_name for field in model._meta.fields}


def _deployment_changes(records):
    """Changes after the first publication, from one deployment's history (oldest first).

    The publication itself is not a change; everything after it is, retraction included.
    """
    names = field_names(Deployment)
    changes = []
    previous = None
    for record in records:
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=NOT_SHOWN)
            fields = [str(names.get(name, name)) for name in delta.changed_fields]
            if fields:
                what = gettext("changed: %(fields)s") % {"fields": ", ".join(fields)}
                changes.append(Change(record.history_date, what))
            previous = record
        elif record.state == Deployment.State.PUBLISHED:
            previous = record
    return changes


def public_changes(deployment):
    """Changes to this entry and its citations since it was first published, newest first."""
    since = deployment.published_at
    if since is None:
        return []
    records = deployment.changes.order_by("history_date", "history_id")
    changes = _deployment_changes(records)
    cited = Citation.history.filter(deployment_id=deployment.pk, history_date__gt=since)
    changes += [
        Change(record.history_date, str(KINDS[record.history_type]))
        for record in cited.order_by("history_date")
    ]
    return sorted(changes, key=lambda change: change.when, reverse=True)


# What readers saw change with a history record, worked out when the record is written and kept
# on it (tracker.models.reader_changes), so /changes/ reads one page of an index, not every
# record with its predecessor.
HISTORY_FIELDS = {"reader_change", "changed_fields"}
# Lazy: put in words in the reader's language when a page is made.
DESCRIBED = {kind: kind.label for kind in ReaderChange}
MARK_BATCH = 2000


def compared_fields(history_model):
    """The entry's own fields readers see, by name, in name order (as ``diff_against`` sorts)."""
    return sorted(
        (
            field
            for field in history_model._meta.concrete_fields
            if not field.name.startswith("history_")
            and field.name not in {"id", *NOT_SHOWN, *HISTORY_FIELDS}
        ),
        key=lambda field: field.name,
    )


def reader_change(record, previous, published_before, fields):
    """(kind, changed field names) of a history record, given the entry's record before it.

    ``record`` and ``previous`` are dicts of attnames. A record is a change readers saw when the
    entry became published (first, or again after being unpublished), was saved while
    published with a change to a field they see (an edit), or stopped being published
    (retracted or unpublished). Drafting before publication, work on an entry while it is back
    in draft and saves that change only bookkeeping are not.
    """
    published = Deployment.State.PUBLISHED
    was_published = previous is not None and previous["state"] == published
    if record["history_type"] == "-":
        return ReaderChange.NONE, ""
    if record["state"] == published and not was_published:
        return (ReaderChange.REPUBLISHED if published_before else ReaderChange.PUBLISHED), ""
    if not was_published:
        return ReaderChange.NONE, ""
    if record["state"] == Deployment.State.RETRACTED:
        return ReaderChange.RETRACTED, ""
    if record["state"] != published:
        return ReaderChange.UNPUBLISHED, ""
    changed = [f.name for f in fields if record[f.attname] != previous[f.attname]]
    return (ReaderChange.CHANGED if changed else ReaderChange.NONE), ",".join(changed)


def note_reader_change(history_instance):
    """Set what readers saw change on a history record about to be saved (one query).

    The entry's latest record so far is the one before it; whether any earlier record was
    published tells a first publication from a republication.
    """
    model = type(history_instance)
    fields = compared_fields(model)
    attnames = ["state", "history_type", *(field.attname for field in fields)]
    published = Deployment.State.PUBLISHED
    earlier = model._default_manager.filter(id=OuterRef("id"), state=published)
    previous = (
        model._default_manager.filter(id=history_instance.id)
        .exclude(history_type="-")
        .order_by("-history_date", "-history_id")
        .annotate(published_before=Exists(earlier))
        .values("published_before", *attnames)
        .first()
    )
    # As the database will return them (a form or an importer may have set a string).
    record = {f.attname: f.to_python(getattr(history_instance, f.attname)) for f in fields}
    record.update(state=history_instance.state, history_type=history_instance.history_type)
    kind, changed = reader_change(
        record, previous, previous is not None and previous["published_before"], fields
    )
    history_instance.reader_change, history_instance.changed_fields = kind, changed


def note_reader_changes(history_model, entry_ids=None):
    """Work out what readers saw change for every history record of these entries (all: None).

    For records written without signals (bulk inserts, ``load_site_data``) and the migration that
    added the column. Reads each entry's records in order, streaming, and writes only records
    whose stored value is wrong, grouped by value, so a million records take one pass.
    """
    fields = compared_fields(history_model)
    attnames = ["history_id", "id", "state", "history_type", "reader_change", "changed_fields"]
    attnames += [field.attname for field in fields]
    manager = history_model._default_manager
    records = manager.exclude(history_type="-").order_by("id", "history_date", "history_id")
    batches = [None] if entry_ids is None else _batches(sorted(entry_ids))
    pending = {}

    def write(value, ids):
        kind, changed = value
        manager.filter(history_id__in=ids).update(reader_change=kind, changed_fields=changed)

    for batch in batches:
        selected = records if batch is None else records.filter(id__in=batch)
        entry = previous = None
        published_before = False
        for record in selected.values(*attnames).iterator(chunk_size=MARK_BATCH):
            if record["id"] != entry:
                entry, previous, published_before = record["id"], None, False
            value = reader_change(record, previous, published_before, fields)
            if value != (record["reader_change"], record["changed_fields"]):
                ids = pending.setdefault(value, [])
                ids.append(record["history_id"])
                if len(ids) == MARK_BATCH:
                    write(value, pending.pop(value))
            published_before |= record["state"] == Deployment.State.PUBLISHED
            previous = record
    for value, ids in pending.items():
        write(value, ids)


def _batches(ids):
    for start in range(0, len(ids), MARK_BATCH):
        yield ids[start : start + MARK_BATCH]


def site_events(before=None):
    """History records of entries that readers saw change, newest first (a queryset).

    ``before`` (a history id) starts after that record: an older page that keeps its place when
    new changes arrive. One range of deployment_reader_changes_idx either way; the cursor's date
    is read in the same statement.
    """
    records = (
        Deployment.history.exclude(reader_change=ReaderChange.NONE)
        .only(
            "history_id",
            "history_date",
            "id",
            "title",
            "title_fr",
            "reader_change",
            "changed_fields",
        )
        .order_by("-history_date", "-history_id")
    )
    if before is None:
        return records
    at = Deployment.history.filter(history_id=before).values("history_date")[:1]
    # The first condition bounds the index range; the second drops the cursor's own date's
    # records that come before it (same date, higher id).
    return records.filter(history_date__lte=Subquery(at)).filter(
        Q(history_date__lt=Subquery(at)) | Q(history_id__lt=before)
    )


def describe(records):
    """Changes for one page of ``site_events()`` records (one query, whatever the page)."""
    records = list(records)
    # Only what a link needs (its slug, whether it is retracted), in no particular order.
    public = (
        Deployment.objects.public()
        .filter(id__in={r.id for r in records})
        .only("id", "slug", "state")
        .order_by()
        .in_bulk()
    )
    names = field_names(Deployment)
    changes = []
    for record in records:
        what = str(DESCRIBED[record.reader_change])
        if record.reader_change == ReaderChange.CHANGED:
            labels = (str(names.get(name, name)) for name in record.changed_fields.split(","))
            what = gettext("%(change)s: %(fields)s") % {"change": what, "fields": ", ".join(labels)}
        # The title as the record has it: what readers saw at the time, never a later draft's.
        # Only an entry readers can open now is linked.
        changes.append(Change(record.history_date, what, record, public.get(record.id)))
    return changes


def recent_changes(limit=50):
    """The latest events across the site (for callers that want a short list, not a page)."""
    return describe(site_events()[:limit])


def since_last_import():
    """What is new since the last data import (SiteDataLoad): its day, and how many counted
    entries were first published on this site on that day or later. None before any import.

    Counted by day, like ``?added_since=``, so that the number is what the link lists.
    """
    load = SiteDataLoad.objects.order_by("-loaded_at").first()
    if load is None:
        return None
    day = timezone.localdate(load.loaded_at)
    start = timezone.make_aware(datetime.combine(day, time.min))
    count = Deployment.objects.counted().filter(published_at__gte=start).count()
    return {"day": day, "count": count, "added_since": day.isoformat()}
