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
import json
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from simple_history.models import registered_models
from simple_history.utils import get_history_manager_for_model

from tracker.editorial.history import note_reader_changes
from tracker.importers import fixture
from tracker.importers.writer import deferred_search_refresh
from tracker.models import Citation, Deployment, SiteDataLoad, Source

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
            slugs = deployment_slugs(path)
            kept = site_dates(slugs)
            # Each entry's search document and corroboration count are rebuilt once at the end
            # rather than at every row, relation and citation the file saves or removes.
            with deferred_search_refresh():
                fixture.load(path, verbosity=verbosity)
                if done:
                    for line in remove_what_the_file_dropped(path):
                        self.say(verbosity, line)
            now = timezone.now()
            date_on_this_site(slugs, kept, now)
            SiteDataLoad.objects.update_or_create(
                name=path.name, defaults={"sha256": digest, "loaded_at": now}
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


def deployment_slugs(path):
    items = json.loads(Path(path).read_text(encoding="utf-8"))
    return [item["fields"]["slug"] for item in items if item["model"] == "tracker.deployment"]


def site_dates(slugs):
    """When the entries of a file already here were created, updated and first published."""
    rows = Deployment.objects.filter(slug__in=slugs).values_list(
        "slug", "created_at", "updated_at", "published_at"
    )
    return {slug: dates for slug, *dates in rows}


def date_on_this_site(slugs, kept, now):
    """Dates that are facts about this site, not the file's.

    A fixture carries fixed timestamps (so that regenerating it gives the same bytes): they say
    nothing of when this site published anything. An entry new to this database was created and
    published by this load, so it is dated now; one already here keeps the dates it had (loading
    a newer file over it is no first publication; its history records what changed). The
    sources' own dates are theirs and untouched.
    """
    for slug, (created, updated, published) in kept.items():
        entry = Deployment.objects.filter(slug=slug)
        entry.update(created_at=created, updated_at=updated)
        entry.filter(published_at__isnull=False).update(published_at=published or now)
    new = Deployment.objects.filter(slug__in=[slug for slug in slugs if slug not in kept])
    new.update(created_at=now, updated_at=now)
    new.filter(published_at__isnull=False).update(published_at=now)


def untouched_by_editors(model, pks):
    """Of these rows, those no person ever edited (every history record was a load or import)."""
    history = get_history_manager_for_model(model)
    edited = set(
        history.filter(id__in=pks, history_user__isnull=False).values_list("id", flat=True)
    )
    return [pk for pk in pks if pk not in edited]


def remove_what_the_file_dropped(path):
    """After loading a newer version of a file: the citations of its entries that the new
    version no longer holds, and the sources left cited by nothing, unless an editor touched
    them. Loading only adds and overwrites; without this, two rows an earlier file kept apart
    (one work as two sources) would stay apart, each still cited."""
    items = json.loads(Path(path).read_text(encoding="utf-8"))
    entries = {item["fields"]["slug"] for item in items if item["model"] == "tracker.deployment"}
    kept = {
        (
            fields["deployment"][0],
            fields["source"][0],
            fields.get("locator", ""),
            fields.get("quote", ""),
        )
        for item in items
        if item["model"] == "tracker.citation"
        for fields in [item["fields"]]
    }
    stale = [
        citation.pk
        for citation in Citation.objects.filter(deployment__slug__in=entries).select_related(
            "deployment", "source"
        )
        if (citation.deployment.slug, citation.source.slug, citation.locator, citation.quote)
        not in kept
    ]
    gone = untouched_by_editors(Citation, stale)
    Citation.objects.filter(pk__in=gone).delete()
    orphans = Source.objects.filter(
        citations__isnull=True,
        citations_attributed__isnull=True,
        findings__isnull=True,
        findings_attributed__isnull=True,
        designations__isnull=True,
        designations_attributed__isnull=True,
        vendors_located__isnull=True,
        vendorrelations__isnull=True,
        vendorrelations_attributed__isnull=True,
    ).values_list("pk", flat=True)
    loaded = get_history_manager_for_model(Source).filter(
        id__in=list(orphans), history_change_reason=REASON
    )
    unused = untouched_by_editors(Source, list(loaded.values_list("id", flat=True).distinct()))
    Source.objects.filter(pk__in=unused).delete()
    if gone or unused:
        yield (
            f"{path.name}: removed {len(gone)} citation(s) and {len(unused)} source(s) the new "
            "version no longer holds (none an editor had changed)."
        )


def record_history(model):
    """Give each row of ``model`` a history record where its latest one is missing or stale."""
    history = get_history_manager_for_model(model)
    fields = [field.attname for field in history.model.tracked_fields]
    latest = {}
    for record in history.order_by("history_date", "history_id").values("id", *fields):
        latest[record["id"]] = record
    new, stale = [], []
    # In the order rows were created, so that /changes/ lists the entries of one load in the
    # order of ?sort=newest (history ids then follow entry ids).
    for instance in model._default_manager.order_by("pk").iterator(chunk_size=500):
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
    if model is Deployment and (new or stale):
        # Bulk inserts send no signal: what readers saw change is worked out here (/changes/).
        note_reader_changes(history.model, entry_ids=[instance.pk for instance in new + stale])
    return len(new), len(stale)
