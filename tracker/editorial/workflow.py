"""How a deployment moves from draft to readers: draft → in review → published (→ retracted).

Editors write and submit; publishers publish, unpublish and retract. Every move goes through
these functions, which check who asks and whether the entry is sourced, so the admin's buttons
and actions, importers and the shell all obey the same rules. A refusal is a WorkflowError with
a sentence for the person who asked, never a crash or a bare 403.
"""

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext

from ..models import Deployment

State = Deployment.State
PUBLISH_PERMISSION = "tracker.publish_deployment"


class WorkflowError(Exception):
    pass


def can_publish(user):
    return user is None or user.has_perm(PUBLISH_PERMISSION)


def submit(deployment, user=None):
    if deployment.state not in (State.DRAFT, State.REVIEW):
        raise WorkflowError(
            gettext("“%(entry)s” is %(state)s.")
            % {"entry": deployment, "state": deployment.get_state_display().lower()}
        )
    _move(deployment, State.REVIEW)


def publish(deployment, user=None):
    """Publish, if ``user`` may (None: a trusted process such as an import) and it is sourced."""
    if not can_publish(user):
        raise WorkflowError(
            gettext("You cannot publish “%(entry)s”: submit it for review and a publisher will.")
            % {"entry": deployment}
        )
    # The sourcing rule is the model's (Deployment.save refuses to store an unsourced published
    # entry): checked there once, its refusal said here in the workflow's words, and the entry
    # left as it was. Checking here too cost 6 of a publish's 52 queries.
    before = (deployment.state, deployment.retracted_at, deployment.retraction_reason)
    deployment.retracted_at = None
    deployment.retraction_reason = ""
    try:
        _move(deployment, State.PUBLISHED)
    except ValidationError as refused:
        deployment.state, deployment.retracted_at, deployment.retraction_reason = before
        refusal = gettext("“%(entry)s” cannot be published yet.") % {"entry": deployment}
        raise WorkflowError(" ".join([refusal, *refused.messages])) from None


def unpublish(deployment, user=None):
    if not can_publish(user):
        raise WorkflowError(gettext("You cannot unpublish “%(entry)s”.") % {"entry": deployment})
    _move(deployment, State.DRAFT)


def retract(deployment, reason, user=None):
    """Withdraw a published entry; it stays at its URL, marked, with the reason given."""
    if not can_publish(user):
        raise WorkflowError(gettext("You cannot retract “%(entry)s”.") % {"entry": deployment})
    if deployment.state != State.PUBLISHED:
        raise WorkflowError(
            gettext("Only a published entry can be retracted; “%(entry)s” is not.")
            % {"entry": deployment}
        )
    if not (reason or "").strip():
        raise WorkflowError(
            gettext("Say why “%(entry)s” is retracted: readers will see the reason.")
            % {"entry": deployment}
        )
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
