"""One file being imported: opened, its header checked, its rows validated in batches —
by columns where the file allows it (``columns``: the same batches, found in one columnar
pass), else row by row (``RowValidator``)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Self

from carteira_core.ingest.columns import ColumnCheck, check_columns, column_batches
from carteira_core.ingest.csvfast import Cells, read_cells
from carteira_core.ingest.headers import ColumnMapping, schema_for
from carteira_core.ingest.readers import DEFAULT_LIMITS, Limits, Source, open_table
from carteira_core.ingest.validate import DEFAULT_BATCH_SIZE, Batch, RowValidator


class ImportRun:
    """One file being validated: ``info``, ``header_map``, ``batches()``, ``summary``.

    ``with open_import("orders", path) as run: for batch in run.batches(): ...``
    """

    def __init__(
        self, table, validator: RowValidator, batch_size: int, *,
        source: Source | None = None, limits: Limits = DEFAULT_LIMITS,
    ) -> None:  # fmt: skip
        self._table = table
        self.validator = validator
        self.info = table.info
        self.header_map = validator.header_map
        self.summary = validator.summary
        self.summary.file = table.info
        self._batch_size = batch_size
        self._source = source
        self._limits = limits

    def columns(self, *, wanted=()) -> tuple[Cells, ColumnCheck] | None:
        """The whole file checked by columns (``columns.check_columns``), or None where the
        column pass does not apply: a file object, an XLSX, a CSV the fast reader leaves to
        the streaming one (quotes, a lone CR, a line near a limit)."""
        if not isinstance(self._source, str | os.PathLike):
            return None
        cells = read_cells(self._source, self.info, self._limits)
        if cells is None:
            return None
        check = check_columns(self.validator, cells, chunk_size=self._batch_size,
                              wanted=wanted)  # fmt: skip
        return None if check is None else (cells, check)

    def batches(self) -> Iterator[Batch]:
        size = self.info.size
        small = size is not None and size <= self._limits.max_column_batches_bytes
        checked = self.columns() if small else None
        if checked is None:
            return self.validator.batches(self._table, size=self._batch_size)
        return column_batches(self.validator, *checked)

    def close(self) -> None:
        self._table.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def open_import(
    kind: str,
    source: Source,
    *,
    name: str | None = None,
    mapping: ColumnMapping | None = None,
    limits: Limits = DEFAULT_LIMITS,
    batch_size: int = DEFAULT_BATCH_SIZE,
) -> ImportRun:
    """Open ``source`` and check its header for ``kind``; raises ``IngestError``."""
    schema_for(kind)
    table = open_table(source, name=name, limits=limits)
    try:
        validator = RowValidator(
            kind, table.info.header, mapping=mapping, header_line=table.info.header_line
        )
    except BaseException:
        table.close()
        raise
    return ImportRun(table, validator, batch_size, source=source, limits=limits)
