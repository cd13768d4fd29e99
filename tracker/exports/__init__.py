"""Downloads of the deployment list (CSV and JSON), one deployment as JSON, and the /data/ page.

``columns`` defines every field once; ``stream`` writes querysets out as CSV or JSON without
holding them in memory; ``views`` answers ``?format=`` on the pages and serves /data/.
"""

from .columns import (
    ATTRIBUTION,
    CITATION_FIELDS,
    COLUMN_NAMES,
    COLUMNS,
    EXAMPLE_HOST,
    LICENCE,
    LICENCE_URL,
    SEPARATOR,
    SITE_NAME,
    csv_cell,
    deployment_json,
)
from .stream import (
    CSV_BOM,
    CSV_END,
    EXPORT_FORMATS,
    IncompleteExport,
    csv_lines,
    export_filename,
    export_response,
    for_export,
    read_csv,
)
from .views import (
    FORMAT_PARAM,
    FORMATS,
    DataView,
    DeploymentJSONView,
    DetailExportMixin,
    ListExportMixin,
    example_row,
    requested_format,
)

__all__ = [
    "ATTRIBUTION",
    "CITATION_FIELDS",
    "COLUMNS",
    "COLUMN_NAMES",
    "CSV_BOM",
    "CSV_END",
    "EXAMPLE_HOST",
    "EXPORT_FORMATS",
    "FORMATS",
    "FORMAT_PARAM",
    "LICENCE",
    "LICENCE_URL",
    "SEPARATOR",
    "SITE_NAME",
    "DataView",
    "DeploymentJSONView",
    "DetailExportMixin",
    "IncompleteExport",
    "ListExportMixin",
    "csv_cell",
    "csv_lines",
    "deployment_json",
    "example_row",
    "export_filename",
    "export_response",
    "for_export",
    "read_csv",
    "requested_format",
]
