"""Refuse a bad file after one columnar pass (issues 24 and 25), before any row is staged
or compared with the database.

``carteira_core.ingest.columns`` finds the validator's errors over the whole file at once,
with the streaming run's order and batch effects; here the names the valid rows give
(clients, sellers) are checked with one query per kind of name, the way the kind's writer
checks them, and the report is filled exactly as the streaming run fills it. A file with
no problem goes on through the streaming path (which writes it).

Where the column pass does not run (the streaming path validates, as before): XLSX files
and CSV files with quoted fields, a lone carriage return or a line near a limit (the
streaming reader reads those exactly), kinds whose writer checks more than names
(``CHECKS``), dry runs and ``--skip-invalid`` (their counts need the writer), and runs of
several files (a later file's checks see what an earlier one wrote before its first bad
row).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import polars as pl
from django.utils.formats import number_format

from carteira.clients.models import Client
from carteira.imports.kinds import WRITERS
from carteira.imports.limits import import_limits, max_problems
from carteira.imports.messages import render_problem
from carteira.imports.upsert import ids_by_external_id, unknown
from carteira.organization.models import Seller
from carteira_core.ingest import SCHEMAS, open_import
from carteira_core.ingest.columns import WRITER, Tagged, check_columns, verdict
from carteira_core.ingest.csvfast import read_cells
from carteira_core.ingest.headers import HeaderMap
from carteira_core.ingest.validate import DEFAULT_BATCH_SIZE

# The names a kind's writer checks, in its order, for each valid row it receives: the
# client (an unknown one stops the row), then the seller when the file has that column.
CHECKS: dict[str, tuple[str, ...]] = {
    "orders": ("client", "seller"),
    "interactions": ("client", "seller"),
    "receivables": ("client",),
    "credit_limits": ("client",),
}
_FIELDS = {"client": "client_external_id", "seller": "seller_external_id"}
_MODELS = {"client": Client, "seller": Seller}


@dataclass(slots=True)
class ColumnPass:
    """What one columnar pass over a file found: a refusal (the report filled), or a
    valid file — then, when asked (``wanted``), its rows as the writer receives them."""

    refused: bool
    rows: pl.DataFrame | None = None  # "line", "chunk" and the wanted fields, every row
    ids: dict[str, dict[str, int]] = dataclasses.field(default_factory=dict)  # code -> id
    total: int = 0
    ignored_columns: tuple[str, ...] = ()
    header_map: HeaderMap | None = None


def check_by_columns(report, path: Path, *, name: str, mapping, batch_size: int | None,
                     progress: Callable[[int], None] | None,
                     wanted: Iterable[str] = ()) -> ColumnPass | None:  # fmt: skip
    """Validate ``path`` by columns. A problem: ``report`` filled as the streaming run
    would fill it (errors, total, stopped), ``refused`` true. No problem: ``rows`` holds
    the file's rows with the ``wanted`` fields typed and ``ids`` the id of every client
    and seller they name — only when ``wanted`` is given and the file is small enough to
    keep its batches in columns (``Limits.max_column_batches_bytes``). None: the column
    pass does not apply (see the module's docstring). Called by ``services._execute``
    for a real all-or-nothing run of one file."""
    checks = CHECKS.get(report.kind)
    if checks is None:
        return None
    size = batch_size or WRITERS[report.kind].batch_size or DEFAULT_BATCH_SIZE
    limits = import_limits()
    with open_import(report.kind, path, name=name, mapping=mapping, batch_size=size,
                     limits=limits) as run:  # fmt: skip
        cells = read_cells(path, run.info, limits)
        if cells is None:
            return None
        present = run.header_map.present
        row_key = SCHEMAS[report.kind].row_key
        named = {_FIELDS[what] for what in checks if _FIELDS[what] in present} | {row_key}
        small = run.info.size is not None and run.info.size <= limits.max_column_batches_bytes
        wanted = set(wanted) if small else set()
        check = check_columns(run.validator, cells, chunk_size=size,
                              wanted=sorted(named | wanted))  # fmt: skip
        if check is None:
            return None
        writer_errors, ids = _unknown_names(check.writer_rows, checks, present,
                                            run.header_map, row_key)  # fmt: skip
        if not check.errors and not writer_errors:
            return ColumnPass(False, check.writer_rows if wanted else None, ids, check.rows,
                              run.summary.ignored_columns, run.header_map)  # fmt: skip
        limit = max_problems()
        result = verdict(check, writer_errors, limit=limit)
        report.total = result.total
        report.ignored_columns = run.summary.ignored_columns
    report.errors = result.errors
    report.rejected = len({error.line for error in result.errors})
    if result.stopped:
        report.stopped = render_problem(
            "too_many_problems", {"limit": number_format(limit, force_grouping=True)}
        )
    if progress:
        progress(report.total)
    return ColumnPass(True)


def _unknown_names(rows: pl.DataFrame, checks, present, header_map,
                   row_key) -> tuple[list[Tagged], dict[str, dict[str, int]]]:  # fmt: skip
    """The writer's "does not exist" errors for the rows it would receive, in its order
    (one query per kind of name for every distinct name, then one join), and the id of
    each name found, by kind."""

    def label(field_name: str) -> str:
        position = header_map.index.get(field_name)
        return header_map.columns[position] if position is not None else field_name

    missing, ids = {}, {}
    for what in checks:
        field = _FIELDS[what]
        if field not in present:
            continue
        names = rows.get_column(field).drop_nulls().unique().to_list()
        ids[what] = known = ids_by_external_id(_MODELS[what], names)
        missing[what] = {n for n in names if n and n not in known}
    if not any(missing.values()):
        return [], ids
    flagged = pl.lit(False)
    for what, names in missing.items():
        flagged = flagged | pl.col(_FIELDS[what]).is_in(sorted(names))
    errors = []
    for row in rows.filter(flagged).iter_rows(named=True):
        for what in checks:  # the first unknown name stops the row, as in the writer
            value = row.get(_FIELDS[what])
            if value in missing.get(what, ()):
                error = unknown(row["line"], label(_FIELDS[what]), value, what)
                key = row.get(row_key) or ""  # the record's key, as services._keyed
                errors.append(Tagged(row["chunk"], WRITER, dataclasses.replace(error, key=key)))
                break
    return errors, ids
