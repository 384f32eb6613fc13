"""What an import run found, and the rejected-rows CSV the user downloads."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from carteira_core.ingest.problems import RowError, render
from carteira_core.ingest.readers import FileInfo
from carteira_core.ingest.safe_cells import neutralize_formula

ERRORS_CSV_HEADER = ("line", "key", "column", "value", "reason")


@dataclass(slots=True)
class ImportSummary:
    """Counts for one file. The validator fills ``total``/``valid``/``invalid``; the writer
    fills ``created``/``updated``/``unchanged``/``rejected``."""

    kind: str
    file: FileInfo | None = None
    total: int = 0
    valid: int = 0
    invalid: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    ignored_columns: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.invalid == 0


def errors_to_csv(
    errors: Iterable[RowError],
    *,
    messages: Mapping[str, str] | None = None,
    header: tuple[str, str, str, str, str] = ERRORS_CSV_HEADER,
) -> str:
    """The rejected-rows report as CSV text (``line, key, column, value, reason``; the
    key is the row's order number or client code).

    ``messages`` maps code → template to translate the reason (the English ``MESSAGES``
    otherwise). Every text cell is formula-neutralised: the ``value`` column is whatever
    the user's file held. Encode as ``utf-8-sig`` so Excel detects UTF-8.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    for error in errors:
        reason = error.message
        if messages and error.code in messages:
            reason = _translate(messages[error.code], error)
        writer.writerow(
            [error.line, neutralize_formula(error.key), neutralize_formula(error.column),
             neutralize_formula(error.value), neutralize_formula(reason)]
        )  # fmt: skip
    return out.getvalue()


def _translate(template: str, error: RowError) -> str:
    try:
        return template.format(
            **{**error.params, "value": error.value, "column": error.column, "line": error.line}
        )
    except (KeyError, IndexError, ValueError):
        return render(error.code) if template == "" else template
