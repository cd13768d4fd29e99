"""How a deployment moves from draft to readers: draft → in review → published (→ retracted).

Editors write and submit; publishers publish, unpublish and retract. Every move goes through
these functions, which check who asks and whether the entry is sourced, so the admin's buttons
and actions, importers and the shell all obey the same rules. A refusal is a WorkflowError with
a sentence for the person who asked, never a crash or a bare 403.
"""

from django.utils import timezone

from ..models import Deployment

State = Deployment.State
PUBLISH_PERMISSION = "tracker.publish_deployment"


class WorkflowError(Exception):
    pass


def can_publish(user):
    return user is None or user.has_perm(PUBLISH_PERMISSION)


def submit(deployment, user=None):
    if deployment.state not in (State.DRAFT, State.REVIEW):
        raise WorkflowError(f"“{deployment}” is {deployment.get_state_display().lower()}.")
    _move(deployment, State.REVIEW)


def publish(deployment, user=None):
    """Publish, if ``user`` may (None: a trusted process such as an import) and it is sourced."""
    if not can_publish(user):
        raise WorkflowError(
            f"You cannot publish “{deployment}”: submit it for review and a publisher will."
        )
    if problems := deployment.publish_problems():
        raise WorkflowError(f"“{deployment}” cannot be published yet. " + " ".join(problems))
    deployment.retracted_at = None
    deployment.retraction_reason = ""
    _move(deployment, State.PUBLISHED)


def unpublish(deployment, user=None):
    if not can_publish(user):
        raise WorkflowError(f"You cannot unpublish “{deployment}”.")
    _move(deployment, State.DRAFT)


def retract(deployment, reason, user=None):
    """Withdraw a published entry; it stays at its URL, marked, with the reason given."""
    if not can_publish(user):
        raise WorkflowError(f"You cannot retract “{deployment}”.")
    if deployment.state != State.PUBLISHED:
        raise WorkflowError(f"Only a published entry can be retracted; “{deployment}” is not.")
    if not (reason or "").strip():
        raise WorkflowError(f"Say why “{deployment}” is retracted: readers will see the reason.")
    deployment.retraction_reason = reason.strip()
    deployment.retracted_at = timezone.now()
    _move(deployment, State.RETRACTED)


def _move(deployment, state):
    deployment.state = state
    deployment.save()


def mark_verified(deployment, user):
    deployment.last_verified_on = timezone.localdate()
    deployment.last_verified_by = user
    deployment.save(update_fields=["last_verified_on", "last_verified_by", "updated_at"])
