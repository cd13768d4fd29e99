"""Regenerate fixtures/imported.json: the two public datasets, in the project's own schema.

    python -m tracker.importers.fixture [--data ../shared/data] [--output fixtures/imported.json]

The command builds a scratch SQLite database in a temporary directory (whatever DATABASE_URL
says: the real database is never touched), migrates it, loads fixtures/article.json, imports
sii-transfers.json and aigs-2019.csv from the data directory (refused records are listed and
left out), and writes exactly the objects the imports created, serialized with natural keys
(``dumpdata --natural-foreign --natural-primary``):

- the technologies, vendors, vendor aliases and sources the imports added (not the migration's
  vocabulary, nor the article's vendors and sources, which the fixture refers to by natural key:
  load fixtures/article.json first);
- the imported deployments and their citations.

Timestamps (created, updated, published) are set to ``FIXTURE_TIMESTAMP`` and the derived fields
(search, whether a source names the supplier) are left out (loading the fixture rebuilds them),
so regenerating from the same files gives the same bytes. Loading the fixture twice changes
nothing: every object has a natural key.
"""

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DEFAULT_DATA = ROOT.parent / "shared" / "data"
DEFAULT_OUTPUT = ROOT / "fixtures" / "imported.json"
ARTICLE = ROOT / "fixtures" / "article.json"
RESEARCH = ROOT / "tracker" / "data" / "vendor_research.json"
SII_FILE = "sii-transfers.json"
AIGS_FILE = "aigs-2019.csv"
FIXTURE_TIMESTAMP = "2026-11-28T00:00:00Z"
TIMESTAMPS = ("created_at", "updated_at", "published_at")
LEFT_OUT = ("search_document", "search_vector", "names_supplier")


def imported_objects(before, slugs):
    """The objects to ship: those created since ``before`` (model → pks) and the deployments
    with these slugs, with their citations, in loading order."""
    from tracker.models import (
        Citation,
        Deployment,
        Designation,
        Finding,
        Source,
        Technology,
        Vendor,
        VendorAlias,
        VendorRelation,
    )

    def new(model):
        return list(model.objects.exclude(pk__in=before[model]).order_by("pk"))

    deployments = list(Deployment.objects.filter(slug__in=slugs).order_by("pk"))
    citations = list(Citation.objects.filter(deployment__in=deployments).order_by("pk"))
    # Sources before vendors: a vendor's head office is saved with the source citing it.
    return [
        *new(Technology),
        *new(Source),
        *new(Vendor),
        *new(VendorAlias),
        *new(VendorRelation),
        *new(Designation),
        *new(Finding),
        *deployments,
        *citations,
    ]


def serialize(objects):
    """JSON text with natural keys, fixed timestamps and no derived search fields."""
    from django.core import serializers

    data = json.loads(
        serializers.serialize(
            "json", objects, use_natural_foreign_keys=True, use_natural_primary_keys=True
        )
    )
    for item in data:
        fields = item["fields"]
        for name in LEFT_OUT:
            fields.pop(name, None)
        for name in TIMESTAMPS:
            if fields.get(name):
                fields[name] = FIXTURE_TIMESTAMP
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"


def load(*paths, verbosity=0):
    """``loaddata`` as the site loads its data (load_site_data, ``make run``): each entry's
    derived data rebuilt once at the end rather than at every save, each natural key looked up
    once (tracker.models.natural_keys)."""
    from django.core.management import call_command

    from tracker.models import natural_keys

    from .writer import deferred_search_refresh

    with deferred_search_refresh(), natural_keys.remembered():
        call_command("loaddata", *map(str, paths), verbosity=verbosity)


def build(data_dir, write=print):
    """Import both datasets into the current (scratch) database; return the fixture's text."""
    from django.db import transaction

    from tracker.models import (
        Designation,
        Finding,
        Source,
        Technology,
        Vendor,
        VendorAlias,
        VendorRelation,
    )

    from . import research
    from .aigs import AIGSImporter
    from .base import Tally
    from .sii import SIIImporter
    from .writer import Writer

    load(ARTICLE)
    tracked = (Technology, Vendor, VendorAlias, Source, VendorRelation, Designation, Finding)
    before = {model: set(model.objects.values_list("pk", flat=True)) for model in tracked}
    if RESEARCH.exists():
        write(f"== editors' research {RESEARCH.name}")
        with transaction.atomic():
            research.apply(Writer(Tally(), reason="editors' research"), research.load(RESEARCH))
    slugs = []
    for importer, name in ((SIIImporter(), SII_FILE), (AIGSImporter(), AIGS_FILE)):
        write(f"== {importer.command} {name}")
        _, plan = importer.run(Path(data_dir) / name, skip_invalid=True, write=write)
        slugs += [spec.slug for spec in plan.specs]
    return serialize(imported_objects(before, slugs))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", default=str(DEFAULT_DATA), help="Folder holding the datasets.")
    parser.add_argument("--output", default=str(DEFAULT_OUTPUT), help="The fixture to write.")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        os.environ["DATABASE_URL"] = f"sqlite:///{scratch}/build.sqlite3"
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tracker.settings")
        import django
        from django.core.management import call_command
        from django.core.management.base import CommandError

        django.setup()
        call_command("migrate", verbosity=0, interactive=False)
        try:
            text = build(args.data)
        except CommandError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
    output = Path(args.output)
    output.write_text(text, encoding="utf-8")
    count = text.count('"model":')
    print(f"wrote {output} ({count} objects, {output.stat().st_size:,} bytes)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
