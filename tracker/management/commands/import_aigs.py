"""manage.py import_aigs PATH: the Carnegie Endowment's AI Global Surveillance Index (2019)."""

from tracker.importers.aigs import AIGSImporter
from tracker.importers.base import ImportCommand


class Command(ImportCommand):
    help = (
        "Import the AI Global Surveillance Index 2019 table (';'-separated CSV): one "
        "country-level deployment per country and company named, citing the index. Refused rows "
        "are listed with their reasons. Atomic; --dry-run writes nothing; running it twice "
        "creates nothing new."
    )
    importer_class = AIGSImporter
