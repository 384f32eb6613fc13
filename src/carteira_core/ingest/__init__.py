"""The pure, streaming half of the importer: read, map headers, parse, validate, report.

Typical use (the Django writer upserts ``batch.records``)::

    from carteira_core.ingest import open_import, IngestError

    with open_import("orders", path) as run:
        for batch in run.batches():
            ...  # batch.records, batch.errors, batch.revoked_lines
        run.summary  # total / valid / invalid
"""

from carteira_core.ingest.headers import HeaderMap, map_headers
from carteira_core.ingest.problems import MESSAGES, IngestError, RowError, ValueProblem
from carteira_core.ingest.readers import (
    DEFAULT_LIMITS,
    FileInfo,
    Limits,
    RawRow,
    TableReader,
    open_table,
    sniff,
)
from carteira_core.ingest.report import ImportSummary, errors_to_csv
from carteira_core.ingest.runs import ImportRun, open_import
from carteira_core.ingest.safe_cells import neutralize_formula, safe_cell
from carteira_core.ingest.schemas import (
    KINDS,
    SCHEMAS,
    ClientRecord,
    ContactRecord,
    InteractionRecord,
    OrderRecord,
    Record,
    SellerRecord,
)
from carteira_core.ingest.validate import Batch, RowValidator, validate_rows

__all__ = [
    "DEFAULT_LIMITS",
    "KINDS",
    "MESSAGES",
    "SCHEMAS",
    "Batch",
    "ClientRecord",
    "ContactRecord",
    "FileInfo",
    "HeaderMap",
    "ImportRun",
    "ImportSummary",
    "IngestError",
    "InteractionRecord",
    "Limits",
    "OrderRecord",
    "RawRow",
    "Record",
    "RowError",
    "RowValidator",
    "SellerRecord",
    "TableReader",
    "ValueProblem",
    "errors_to_csv",
    "map_headers",
    "neutralize_formula",
    "open_import",
    "open_table",
    "safe_cell",
    "sniff",
    "validate_rows",
]
