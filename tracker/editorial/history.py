"""What changed, for readers: dates and the fields that changed, never who changed them.

Editors see the full history (who, when, before and after) in the admin, through
django-simple-history. Readers see changes made since an entry was first published, so the
drafting that happened before is not presented as correction.
"""

from dataclasses import dataclass
from datetime import datetime

from ..models import Citation, Deployment

# Bookkeeping that changes with every save and says nothing to a reader.
NOT_SHOWN = ["created_at", "updated_at", "last_verified_by", "published_at", "retracted_at"]
KINDS = {"+": "added", "~": "changed", "-": "removed"}


@dataclass(frozen=True)
class Change:
    when: datetime
    what: str  # "changed: summary, status" / "citation added"
    deployment: Deployment | None = None


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


def recent_changes(limit=50):
    """The latest changes to entries readers can see, across the site (a few queries)."""
    latest = Deployment.history.order_by("-history_date").values_list("id", flat=True)
    involved = set(latest[: limit * 3])
    public = Deployment.objects.public().filter(id__in=involved).in_bulk()
    records = Deployment.history.filter(id__in=list(public)).order_by("history_date", "history_id")
    by_deployment = {}
    for record in records:
        by_deployment.setdefault(record.id, []).append(record)
    changes = []
    for deployment_id, history in by_deployment.items():
        deployment = public[deployment_id]
        for change in _deployment_changes(history):
            changes.append(Change(change.when, change.what, deployment))
    changes.sort(key=lambda change: change.when, reverse=True)
    return changes[:limit]
