"""manage.py import_sii PATH: Privacy International's Surveillance Industry Index transfers."""

from tracker.importers.base import ImportCommand
from tracker.importers.sii import SIIImporter


class Command(ImportCommand):
    help = (
        "Import the Surveillance Industry Index transfers file (JSON). Every transfer whose "
        "recipient country can be mapped becomes a published deployment citing its sources and "
        "the index; refused records are listed with their reasons. Atomic; --dry-run writes "
        "nothing; running it twice creates nothing new."
    )
    importer_class = SIIImporter
