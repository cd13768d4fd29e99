"""Load the site's data (the article's, then the imported datasets) as `make run` does.

``loaddata`` saves rows raw, and django-simple-history records nothing for raw saves. Without a
first record, the first edit of a loaded entry would have nothing to be compared with, and
readers would never see what it changed. So after loading, every record without history gets
its first one, and every record that a newer fixture changed gets a "changed" one. Running the
command again with the same files adds nothing.
"""

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone
from simple_history.models import registered_models
from simple_history.utils import get_history_manager_for_model

FIXTURES = [settings.BASE_DIR / "fixtures" / name for name in ("article.json", "imported.json")]
REASON = "Loaded with the site's data"


class Command(BaseCommand):
    help = (
        "Load fixtures/article.json and fixtures/imported.json (or the fixtures given) and "
        "record what they add or change in the history."
    )

    def add_arguments(self, parser):
        parser.add_argument("fixtures", nargs="*", default=[str(path) for path in FIXTURES])

    @transaction.atomic
    def handle(self, fixtures, verbosity, **options):
        call_command("loaddata", *fixtures, verbosity=verbosity)
        for model in registered_models.values():
            if model._meta.app_label != "tracker":
                continue
            added, changed = record_history(model)
            if verbosity and (added or changed):
                self.stdout.write(
                    f"History of {model._meta.verbose_name_plural}: "
                    f"{added} first record(s), {changed} change(s)."
                )


def record_history(model):
    """Give each row of ``model`` a history record where its latest one is missing or stale."""
    history = get_history_manager_for_model(model)
    fields = [field.attname for field in history.model.tracked_fields]
    latest = {}
    for record in history.order_by("history_date", "history_id").values("id", *fields):
        latest[record["id"]] = record
    new, stale = [], []
    for instance in model._default_manager.iterator(chunk_size=500):
        record = latest.get(instance.pk)
        if record is None:
            # Dated as the row itself says, so a citation loaded with its entry is not listed
            # to readers as added after publication.
            instance._history_date = (
                getattr(instance, "updated_at", None)
                or getattr(instance, "created_at", None)
                or timezone.now()
            )
            new.append(instance)
        elif any(getattr(instance, name) != record[name] for name in fields):
            stale.append(instance)
    history.bulk_history_create(new, default_change_reason=REASON)
    history.bulk_history_create(stale, update=True, default_change_reason=REASON)
    return len(new), len(stale)
