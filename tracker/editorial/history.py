"""What changed, for readers: dates and the fields that changed, never who changed them.

Editors see the full history (who, when, before and after) in the admin, through
django-simple-history. Readers see changes made since an entry was first published, so the
drafting that happened before is not presented as correction.
"""

from dataclasses import dataclass
from datetime import datetime, time

from django.db.models import BooleanField, Case, F, Min, Value, When, Window
from django.db.models.functions import Lag
from django.utils import timezone

from ..models import Citation, Deployment, SiteDataLoad

# Bookkeeping that changes with every save and says nothing to a reader.
NOT_SHOWN = ["created_at", "updated_at", "last_verified_by", "published_at", "retracted_at"]
KINDS = {"+": "added", "~": "changed", "-": "removed"}


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
                changes.append(Change(record.history_date, "changed: " + ", ".join(fields)))
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
        Change(record.history_date, f"citation {KINDS[record.history_type]}")
        for record in cited.order_by("history_date")
    ]
    return sorted(changes, key=lambda change: change.when, reverse=True)


# What a history record is to a reader, from the entry's state before and after it.
FIRST_PUBLISHED, REPUBLISHED, EDITED = "published", "published again", "changed"
RETRACTED, UNPUBLISHED = "retracted", "unpublished"


def site_events():
    """History records of entries that readers saw change, newest first (a queryset).

    A record is an event when the entry became published (its first publication, or again after
    being unpublished), was saved while published (an edit), or stopped being published
    (retracted or unpublished). Drafting before publication and work on an entry while it is
    back in draft are not events. The previous state comes from the record before it (a window
    over each entry's history), so the database picks the events and the page can be counted
    and paginated; the fields an edit changed are read for one page only (``describe``).
    """
    published = Deployment.State.PUBLISHED
    by_entry = {
        "partition_by": [F("id")],
        "order_by": [F("history_date").asc(), F("history_id").asc()],
    }
    records = (
        Deployment.history.exclude(history_type="-")
        .annotate(
            previous_state=Window(Lag("state"), **by_entry),
            previous_id=Window(Lag("history_id"), **by_entry),
        )
        .annotate(
            # One expression over the window, so that the filter is a conjunction (databases
            # and Django filter on window results only through a subquery, and Django refuses
            # an OR across them when the paginator counts).
            is_event=Case(
                When(state=published, then=Value(True)),
                When(previous_state=published, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
    )
    return records.filter(is_event=True).order_by("-history_date", "-history_id")


def describe(records):
    """Changes for one page of ``site_events()`` records (a few queries, whatever the page).

    An edit that changed nothing readers see (a save without changes, bookkeeping) is left out,
    so a page can hold fewer rows than its size.
    """
    records = list(records)
    ids = {record.id for record in records}
    previous = Deployment.history.in_bulk([r.previous_id for r in records if r.previous_id])
    first = dict(
        Deployment.history.filter(id__in=ids, state=Deployment.State.PUBLISHED)
        .values("id")
        .annotate(first=Min("history_id"))
        .values_list("id", "first")
    )
    public = Deployment.objects.public().filter(id__in=ids).in_bulk()
    names = field_names(Deployment)
    changes = []
    for record in records:
        before = previous.get(record.previous_id)
        what = _event(record, before, first.get(record.id), names)
        if what:
            # The title as the record has it: what readers saw at the time, never a later
            # draft's. Only an entry readers can open now is linked.
            changes.append(Change(record.history_date, what, record, public.get(record.id)))
    return changes


def _event(record, before, first_published, names):
    published = Deployment.State.PUBLISHED
    if record.state == published and (before is None or before.state != published):
        return FIRST_PUBLISHED if record.history_id == first_published else REPUBLISHED
    if record.state == Deployment.State.RETRACTED:
        return RETRACTED
    if record.state != published:
        return UNPUBLISHED
    delta = record.diff_against(before, excluded_fields=NOT_SHOWN)
    fields = [str(names.get(name, name)) for name in delta.changed_fields]
    return f"{EDITED}: " + ", ".join(fields) if fields else ""


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
