"""manage.py import_csv PATH: deployments in the tracker's own CSV format (its CSV export)."""

from tracker.importers.base import ImportCommand
from tracker.importers.csv_format import CSVImporter


class Command(ImportCommand):
    help = (
        "Import deployments from a CSV in the format the deployment list exports "
        "(tracker.exports.COLUMNS). Rows are matched by slug; refused rows are listed with their "
        "reasons. Atomic; --dry-run writes nothing; running it twice creates nothing new."
    )
    importer_class = CSVImporter
