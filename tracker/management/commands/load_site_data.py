"""Load the site's data (the article's, then the imported datasets) as `make run` does.

`make run` runs this at every start, so each file is loaded once per database: a later start
must not undo what editors changed, deleted or renamed since. The file's SHA-256 is kept
(SiteDataLoad); when a file has changed since it was loaded (fixtures/imported.json
regenerated, say), the command says so and ``--update`` loads the new version over the records
it holds.

Loading saves rows raw, and django-simple-history records nothing for raw saves. Without a first
record, the first edit of a loaded entry would have nothing to be compared with, and readers
would never see what it changed. So after loading, every record without history gets its first
one, and every record that a newer file changed gets a "changed" one.
"""

import hashlib
from pathlib import Path

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from simple_history.models import registered_models
from simple_history.utils import get_history_manager_for_model

from tracker import corroboration
from tracker.models import SiteDataLoad

FIXTURES = [settings.BASE_DIR / "fixtures" / name for name in ("article.json", "imported.json")]
REASON = "Loaded with the site's data"


class Command(BaseCommand):
    help = (
        "Load fixtures/article.json and fixtures/imported.json (or the fixtures given) once per "
        "database, and record what they add or change in the history."
    )

    def add_arguments(self, parser):
        parser.add_argument("fixtures", nargs="*", default=[str(path) for path in FIXTURES])
        parser.add_argument(
            "--update",
            action="store_true",
            help="Load a file that changed since it was loaded, over the records it holds.",
        )

    @transaction.atomic
    def handle(self, fixtures, update, verbosity, **options):
        loaded = False
        for path in map(Path, fixtures):
            try:
                digest = hashlib.sha256(path.read_bytes()).hexdigest()
            except OSError as exc:
                raise CommandError(f"{path}: cannot be read ({exc.strerror})") from None
            done = SiteDataLoad.objects.filter(name=path.name).first()
            if done and done.sha256 == digest:
                self.say(verbosity, f"{path.name}: loaded on {done.loaded_at:%Y-%m-%d}; unchanged.")
                continue
            if done and not update:
                self.say(
                    verbosity,
                    f"{path.name} has changed since it was loaded on {done.loaded_at:%Y-%m-%d}; "
                    "left as it is. `manage.py load_site_data --update` loads the new version "
                    "over the records it holds (editors' changes to them included).",
                )
                continue
            with corroboration.deferred():
                call_command("loaddata", str(path), verbosity=verbosity)
            SiteDataLoad.objects.update_or_create(
                name=path.name, defaults={"sha256": digest, "loaded_at": timezone.now()}
            )
            loaded = True
        if not loaded:
            return  # Nothing was saved raw: the history is already complete.
        for model in registered_models.values():
            if model._meta.app_label != "tracker":
                continue
            first, changed = record_history(model)
            if first or changed:
                self.say(
                    verbosity,
                    f"History of {model._meta.verbose_name_plural}: "
                    f"{first} first record(s), {changed} change(s).",
                )

    def say(self, verbosity, message):
        if verbosity:
            self.stdout.write(message)


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
