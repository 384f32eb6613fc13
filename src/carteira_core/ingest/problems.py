"""Error codes and English messages for everything the importer can refuse.

The web layer translates by ``code``; the English text here is the fallback and the
reference. Every code the ingest package can raise is listed in ``MESSAGES`` (a test
checks it), so translators have one place to look.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

MESSAGES: dict[str, str] = {
    # --- whole-file problems (IngestError) ---
    "unsupported_extension": (
        "Unsupported file type '{extension}': use .csv (or .txt/.tsv) or .xlsx."
    ),
    "file_too_large": (
        "The file is {size} bytes; the limit is {limit} bytes "
        "(setting CARTEIRA_IMPORT_MAX_FILE_BYTES)."
    ),
    "too_many_rows": "The file has more than {limit} rows, the limit.",
    "xlsx_too_many_rows": (
        "The sheet '{sheet}' has more than {limit} rows, the limit; nothing was read."
    ),
    "too_many_columns": "Line {line} has {count} columns; the limit is {limit}.",
    "cell_too_long": (
        "Line {line}, column {column}: the cell has {length} characters; the limit is {limit}."
    ),
    "xlsx_too_many_sheets": "The workbook has {count} sheets; the limit is {limit}.",
    "too_many_problems": (
        "More than {limit} rows have problems: reading stopped there and nothing was "
        "written. Fix the file (the report lists the first {limit}) and send it again."
    ),
    "empty_file": "The file is empty.",
    "no_header": "The file has no header line.",
    "binary_file": "This does not look like a text (CSV) file.",
    "zip_in_csv": "This .csv file is actually a zip/xlsx file; rename it to .xlsx.",
    "encoding_error": (
        "The file cannot be read as {encoding} (invalid bytes near line {line}); "
        "save it again as UTF-8."
    ),
    "record_too_large": (
        "The record starting at line {line} is larger than {limit} characters (an unclosed quote?)."
    ),
    "csv_malformed": "Malformed CSV near line {line}: {detail}.",
    "xlsx_not_zip": "This .xlsx file is not a valid Excel workbook (not a zip archive).",
    "xlsx_legacy_xls": "This is an old-style .xls (or encrypted) workbook; save it as .xlsx.",
    "xlsx_macro_enabled": "Macro-enabled workbooks (.xlsm) are refused; save it as .xlsx.",
    "xlsx_too_many_members": "The workbook has {count} parts; the limit is {limit}.",
    "xlsx_uncompressed_too_large": (
        "The workbook expands to {size} bytes; the limit is {limit} bytes (zip bomb?)."
    ),
    "xlsx_member_too_large": (
        "The workbook part '{member}' expands to {size} bytes; the limit is {limit} bytes."
    ),
    "xlsx_compression_ratio": (
        "The workbook part '{member}' is compressed {ratio}:1, above the limit of "
        "{limit}:1 (zip bomb?)."
    ),
    "xlsx_xml_forbidden": (
        "The workbook part '{member}' declares a DTD or entities, which are refused (XML bomb?)."
    ),
    "xlsx_no_sheet": "The workbook has no worksheet.",
    "xlsx_unreadable": "The workbook cannot be read: {detail}.",
    "unsafe_xml_parser": "The XML parser is not protected (defusedxml missing); refusing.",
    "invalid_header": "The header line has {count} problem(s); see the list.",
    # --- header problems (reported as RowError on line 1) ---
    "missing_column": "Required column '{field}' is missing.",
    "duplicate_column": "Columns {columns} all map to '{field}'; keep only one.",
    "unknown_column": "Column '{column}' is not used and was ignored.",
    "mapping_unknown_field": "The column mapping names an unknown field '{field}'.",
    "unknown_kind": "Unknown import kind '{kind}'.",
    # --- value problems (ValueProblem / RowError) ---
    "required": "This value is required.",
    "too_long": "Text longer than {limit} characters.",
    "invalid_text": "Text contains control characters.",
    "invalid_number": "'{value}' is not a number.",
    "ambiguous_number": (
        "'{value}' is ambiguous (one thousand or a decimal?); write it as 1234 or 1.234,00."
    ),
    "too_many_decimals": "'{value}' has more than {places} decimal places.",
    "number_too_large": "'{value}' is too large.",
    "invalid_date": "'{value}' is not a date (use 31/12/2025 or 2025-12-31).",
    "date_serial_number": (
        "'{value}' looks like an Excel serial number, not a date; format the column as a date."
    ),
    "date_out_of_range": "The date {value} is outside the years 1900 to 2100.",
    "invalid_boolean": "'{value}' is not yes/no (use sim/não, true/false or 1/0).",
    "invalid_channel": (
        "'{value}' is not a channel (visit, phone, email, letter, whatsapp, other)."
    ),
    "invalid_state": "'{value}' is not a Brazilian state (UF).",
    "invalid_postal_code": "'{value}' is not a CEP (8 digits).",
    "invalid_latitude": "'{value}' is not a latitude between -90 and 90.",
    "invalid_longitude": "'{value}' is not a longitude between -180 and 180.",
    "invalid_email": "'{value}' is not an e-mail address.",
    "invalid_phone": "'{value}' is not a phone number (10 or 11 digits with area code).",
    "invalid_document": "'{value}' is not a CNPJ (14 characters) or CPF (11 digits).",
    "invalid_cnpj": "'{value}' is not a valid CNPJ (check digits do not match).",
    "invalid_cpf": "'{value}' is not a valid CPF (check digits do not match).",
    "duplicate_key": "The same {field} '{value}' is also on line {other_line}.",
    "negative_amount": "'{value}' is negative; an amount here cannot be below zero.",
    "invalid_instalment": "'{value}' is not an instalment number (1 to 999).",
    "due_before_issue": "The due date {value} is before the issue date {issue_date}.",
    "paid_over_amount": "The amount paid {value} is more than the amount owed {amount}.",
    "paid_without_date": "An amount paid ({value}) needs the payment date.",
    "period_end_before_start": "The period ends on {value}, before it starts ({period_start}).",
    "invalid_severity": "'{value}' is not a severity (low, medium, high or baixa, média, alta).",
    "before_opening": "{value} is before the complaint was opened ({opened_at}).",
    "extra_values": "The line has {count} values but the header has {expected} columns.",
}


def render(code: str, params: dict[str, Any] | None = None) -> str:
    """The English message for ``code``; unknown placeholders never raise."""
    template = MESSAGES.get(code, code)
    try:
        return template.format(**(params or {}))
    except (KeyError, IndexError, ValueError):
        return template


class ValueProblem(ValueError):
    """One cell's value is unacceptable. ``code`` is stable; ``message`` is English."""

    def __init__(self, code: str, **params: Any) -> None:
        self.code = code
        self.params = params
        super().__init__(render(code, params))

    @property
    def message(self) -> str:
        return self.args[0]


class IngestError(Exception):
    """The whole file is refused (hostile, unreadable, over a limit, bad header)."""

    def __init__(self, code: str, *, errors: tuple[RowError, ...] = (), **params: Any) -> None:
        self.code = code
        self.params = params
        self.errors = errors
        super().__init__(render(code, params))

    @property
    def message(self) -> str:
        return self.args[0]


@dataclass(frozen=True, slots=True)
class RowError:
    """A problem with one cell (or one line when ``column`` is empty). ``key`` names the
    row the way the user's system does (the order number, the client code: the schema's
    ``row_key``) as the file wrote it; empty on the header line."""

    line: int
    column: str
    value: str
    code: str
    message: str
    params: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
    key: str = ""

    @classmethod
    def make(cls, line: int, column: str, value: object, code: str, **params: Any) -> RowError:
        text = _cell_text(value)
        return cls(line, column, text, code, render(code, {"value": text, **params}), params)

    @classmethod
    def from_problem(cls, line: int, column: str, value: object, problem: ValueProblem):
        return cls(line, column, _cell_text(value), problem.code, problem.message, problem.params)


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    text = str(value)
    return text if len(text) <= 200 else text[:200] + "…"
