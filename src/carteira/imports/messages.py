"""Import problems in the user's language.

``carteira_core.ingest.problems.MESSAGES`` holds the English text for every problem
code the importer can raise; the core must not import Django, so the translatable copy
lives here. The English source texts are identical to the core's (a test checks the
codes and placeholders), so an untranslated language shows exactly the core's text.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from carteira_core.ingest import errors_to_csv
from carteira_core.ingest.problems import render

MESSAGES = {
    "unsupported_extension": _(
        "Unsupported file type '{extension}': use .csv (or .txt/.tsv) or .xlsx."
    ),
    "file_too_large": _(
        "The file is {size} bytes; the limit is {limit} bytes "
        "(setting CARTEIRA_IMPORT_MAX_FILE_BYTES)."
    ),
    "too_many_rows": _("The file has more than {limit} rows, the limit."),
    "xlsx_too_many_rows": _(
        "The sheet '{sheet}' has more than {limit} rows, the limit; nothing was read."
    ),
    "too_many_columns": _("Line {line} has {count} columns; the limit is {limit}."),
    "cell_too_long": _(
        "Line {line}, column {column}: the cell has {length} characters; the limit is {limit}."
    ),
    "xlsx_too_many_sheets": _("The workbook has {count} sheets; the limit is {limit}."),
    "too_many_problems": _(
        "More than {limit} rows have problems: reading stopped there and nothing was "
        "written. Fix the file (the report lists the first {limit}) and send it again."
    ),
    "empty_file": _("The file is empty."),
    "no_header": _("The file has no header line."),
    "binary_file": _("This does not look like a text (CSV) file."),
    "zip_in_csv": _("This .csv file is actually a zip/xlsx file; rename it to .xlsx."),
    "encoding_error": _(
        "The file cannot be read as {encoding} (invalid bytes near line {line}); save "
        "it again as UTF-8."
    ),
    "record_too_large": _(
        "The record starting at line {line} is larger than {limit} characters (an unclosed quote?)."
    ),
    "csv_malformed": _("Malformed CSV near line {line}: {detail}."),
    "xlsx_not_zip": _("This .xlsx file is not a valid Excel workbook (not a zip archive)."),
    "xlsx_legacy_xls": _("This is an old-style .xls (or encrypted) workbook; save it as .xlsx."),
    "xlsx_macro_enabled": _("Macro-enabled workbooks (.xlsm) are refused; save it as .xlsx."),
    "xlsx_too_many_members": _("The workbook has {count} parts; the limit is {limit}."),
    "xlsx_uncompressed_too_large": _(
        "The workbook expands to {size} bytes; the limit is {limit} bytes (zip bomb?)."
    ),
    "xlsx_member_too_large": _(
        "The workbook part '{member}' expands to {size} bytes; the limit is {limit} bytes."
    ),
    "xlsx_compression_ratio": _(
        "The workbook part '{member}' is compressed {ratio}:1, above the limit of "
        "{limit}:1 (zip bomb?)."
    ),
    "xlsx_xml_forbidden": _(
        "The workbook part '{member}' declares a DTD or entities, which are refused (XML bomb?)."
    ),
    "xlsx_no_sheet": _("The workbook has no worksheet."),
    "xlsx_unreadable": _("The workbook cannot be read: {detail}."),
    "unsafe_xml_parser": _("The XML parser is not protected (defusedxml missing); refusing."),
    "invalid_header": _("The header line has {count} problem(s); see the list."),
    "missing_column": _("Required column '{field}' is missing."),
    "duplicate_column": _("Columns {columns} all map to '{field}'; keep only one."),
    "unknown_column": _("Column '{column}' is not used and was ignored."),
    "mapping_unknown_field": _("The column mapping names an unknown field '{field}'."),
    "unknown_kind": _("Unknown import kind '{kind}'."),
    "required": _("This value is required."),
    "too_long": _("Text longer than {limit} characters."),
    "invalid_text": _("Text contains control characters."),
    "invalid_number": _("'{value}' is not a number."),
    "ambiguous_number": _(
        "'{value}' is ambiguous (one thousand or a decimal?); write it as 1234 or 1.234,00."
    ),
    "too_many_decimals": _("'{value}' has more than {places} decimal places."),
    "number_too_large": _("'{value}' is too large."),
    "invalid_date": _("'{value}' is not a date (use 31/12/2025 or 2025-12-31)."),
    "date_serial_number": _(
        "'{value}' looks like an Excel serial number, not a date; format the column as a date."
    ),
    "date_out_of_range": _("The date {value} is outside the years 1900 to 2100."),
    "invalid_boolean": _("'{value}' is not yes/no (use sim/não, true/false or 1/0)."),
    "invalid_channel": _(
        "'{value}' is not a channel (visit, phone, email, letter, whatsapp, other)."
    ),
    "invalid_state": _("'{value}' is not a Brazilian state (UF)."),
    "invalid_postal_code": _("'{value}' is not a CEP (8 digits)."),
    "invalid_latitude": _("'{value}' is not a latitude between -90 and 90."),
    "invalid_longitude": _("'{value}' is not a longitude between -180 and 180."),
    "invalid_email": _("'{value}' is not an e-mail address."),
    "invalid_phone": _("'{value}' is not a phone number (10 or 11 digits with area code)."),
    "invalid_document": _("'{value}' is not a CNPJ (14 characters) or CPF (11 digits)."),
    "invalid_cnpj": _("'{value}' is not a valid CNPJ (check digits do not match)."),
    "invalid_cpf": _("'{value}' is not a valid CPF (check digits do not match)."),
    "duplicate_key": _("The same {field} '{value}' is also on line {other_line}."),
    "negative_amount": _("'{value}' is negative; an amount here cannot be below zero."),
    "invalid_instalment": _("'{value}' is not an instalment number (1 to 999)."),
    "due_before_issue": _("The due date {value} is before the issue date {issue_date}."),
    "paid_over_amount": _("The amount paid {value} is more than the amount owed {amount}."),
    "paid_without_date": _("An amount paid ({value}) needs the payment date."),
    "period_end_before_start": _("The period ends on {value}, before it starts ({period_start})."),
    "invalid_severity": _("'{value}' is not a severity (low, medium, high or baixa, média, alta)."),
    "before_opening": _("{value} is before the complaint was opened ({opened_at})."),
    "extra_values": _("The line has {count} values but the header has {expected} columns."),
}


def _invalid_header(count: int) -> str:
    return ngettext(
        "The header line has {count} problem; see the list.",
        "The header line has {count} problems; see the list.",
        count,
    )


# Messages whose wording follows a count: rendered with ngettext when the count is known
# (MESSAGES keeps the core's text, which the rejected-rows CSV and other callers use).
COUNTED = {"invalid_header": _invalid_header}


def render_problem(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The message for ``code`` in the active language, formatted with ``params``.

    Unknown codes (and templates whose placeholders ``params`` does not fill) fall back
    to the core's English ``render``.
    """
    template = MESSAGES.get(code)
    count = (params or {}).get("count")
    if code in COUNTED and isinstance(count, int):
        template = COUNTED[code](count)
    if template is None:
        return render(code, dict(params or {}))
    try:
        return str(template).format(**(params or {}))
    except (KeyError, IndexError, ValueError):
        return render(code, dict(params or {}))


def problem_message(problem: Any) -> str:
    """The translated message of a ``RowError``, ``ValueProblem`` or ``IngestError``.

    Problems raised by the web layer itself (``unknown_client``, ``document_taken``…)
    carry a code the core does not know and an already translated ``message``: it is
    kept as is.
    """
    code = getattr(problem, "code", None)
    if code not in MESSAGES:
        return str(getattr(problem, "message", problem))
    params: dict[str, Any] = {}
    if hasattr(problem, "line") and hasattr(problem, "value"):  # a RowError
        params = {"value": problem.value, "column": problem.column, "line": problem.line}
    params.update(getattr(problem, "params", None) or {})
    return render_problem(code, params)


def translated_messages() -> dict[str, str]:
    """``MESSAGES`` evaluated in the active language, for ``errors_to_csv(messages=...)``."""
    return {code: str(text) for code, text in MESSAGES.items()}


# What a row's key is, per kind (the schema's ``row_key``): the word before it in a report.
KEY_LABELS = {
    "sellers": _("seller"),
    "clients": _("client"),
    "contacts": _("client"),
    "orders": _("order"),
    "interactions": _("client"),
    "receivables": _("invoice"),
    "leads": _("lead"),
    "acquisition_spend": _("channel"),
    "complaints": _("client"),
    "credit_limits": _("client"),
    "contracts": _("client"),
    "sellout": _("client"),
}


def errors_csv(errors: Iterable[Any]) -> str:
    """The rejected-rows CSV with its header and reasons in the active language; the key
    column names each row by its order number or client code."""
    header = (str(_("line")), str(_("key (order or client code)")), str(_("column")),
              str(_("value")), str(_("reason")))  # fmt: skip
    return errors_to_csv(errors, messages=translated_messages(), header=header)
