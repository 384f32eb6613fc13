"""Column-at-a-time fast paths for the commonest cell shapes (Polars), exact by design.

A vector parser takes one column of text cells (a chunk of a CSV) and returns, for each
cell, either the parsed value or ``DEFER``. It only accepts shapes whose meaning it is
sure of — ``12.345,67``, ``07/03/2025``, a code without surrounding spaces — and defers
everything else to the scalar parser in ``values`` (the reference), which either parses
it the long way or produces the row error with its reason. So the fast path can never
accept what the scalar parser refuses, nor read a value differently (property-tested in
``tests/core/test_ingest_vector.py``); it only makes the common case cheap.

Empty cells (``None`` or ``""``) come back as ``EMPTY``; whitespace-only cells are
deferred (the scalar path decides what blank means).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal

import polars as pl

from carteira_core.ingest import values as v
from carteira_core.money import MAX_INTEGER_DIGITS

DEFER = object()  # "ask the scalar parser"
EMPTY = object()  # an empty cell: the schema's default, or a "required" error

type VectorParser = Callable[[pl.Series], list[object]]

# A cell the text fast path accepts: no control character and no space at either end.
_NOT_PLAIN_TEXT = r"[\x00-\x1f\x7f]|^\s|\s$"
_NOT_PLAIN_MULTILINE = r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]|^\s|\s$"


def _finish(series: pl.Series, ok: pl.Series, parsed: pl.Series, convert=None) -> list[object]:
    """Merge: ``EMPTY`` for empty cells, the value where ``ok``, else ``DEFER``."""
    empty = (series.is_null() | (series == "")).to_list()
    accepted = ok.fill_null(False).to_list()
    values = parsed.to_list()
    if convert is not None:
        values = [convert(x) if x is not None else None for x in values]
    return [
        EMPTY if blank else value if good else DEFER
        for blank, good, value in zip(empty, accepted, values, strict=True)
    ]


def text(max_length: int, *, multiline: bool = False) -> VectorParser:
    pattern = _NOT_PLAIN_MULTILINE if multiline else _NOT_PLAIN_TEXT

    def parse(series: pl.Series) -> list[object]:
        ok = ~series.str.contains(pattern) & (series.str.len_chars() <= max_length)
        return _finish(series, ok, series)

    return parse


_DAY_FIRST = r"^\d{2}/\d{2}/\d{4}$"
_ISO = r"^\d{4}-\d{2}-\d{2}$"


def date(series: pl.Series) -> list[object]:
    """``dd/mm/yyyy`` and ``yyyy-mm-dd`` exactly (two-digit day and month), years
    1900–2100; an impossible date (31/02) is deferred and refused by the scalar path."""
    day_first = series.str.contains(_DAY_FIRST)
    iso = series.str.contains(_ISO)
    parsed = (
        pl.when(day_first)
        .then(series.str.to_date("%d/%m/%Y", strict=False))
        .when(iso)
        .then(series.str.to_date("%Y-%m-%d", strict=False))
        .otherwise(None)
    )
    frame = pl.DataFrame({"s": series}).select(parsed.alias("d"))
    dates = frame.get_column("d")
    year = dates.dt.year()
    ok = dates.is_not_null() & (year >= v.MIN_YEAR) & (year <= v.MAX_YEAR)
    return _finish(series, ok, dates)


# Money with two places at most, in the shapes ERPs write: ``1.234,56``, ``1234,56``,
# ``1234.56``, ``1234``, each optionally ``-`` and ``R$ ``. ``1.234`` (ambiguous) and
# anything else go to the scalar path.
_AMOUNT = (
    r"^(?<sign>-?)(?:R\$ ?)?"
    r"(?:(?<grouped>\d{1,3}(?:\.\d{3})+),(?<gfrac>\d{1,2})"
    r"|(?<comma>\d+),(?<cfrac>\d{1,2})"
    r"|(?<dot>\d+)\.(?<dfrac>\d{1,2})"
    r"|(?<plain>\d+))$"
)


def amount(series: pl.Series) -> list[object]:
    """Exact: the canonical ``-1234.56`` text is built with string operations and turned
    into a ``Decimal`` once; no float ever holds the value."""
    parts = pl.DataFrame({"p": series.str.extract_groups(_AMOUNT)}).unnest("p")
    integer = pl.coalesce(
        pl.col("grouped").str.replace_all(".", "", literal=True),
        pl.col("comma"),
        pl.col("dot"),
        pl.col("plain"),
    ).str.strip_chars_start("0")
    fraction = pl.coalesce("gfrac", "cfrac", "dfrac", pl.lit("")).str.pad_end(2, "0")
    parts = parts.select(integer=integer, fraction=fraction, sign="sign")
    zero = (pl.col("integer") == "") & (pl.col("fraction") == "00")
    whole = pl.when(pl.col("integer") == "").then(pl.lit("0")).otherwise(pl.col("integer"))
    result = parts.select(
        digits_ok=pl.col("integer").str.len_chars() <= MAX_INTEGER_DIGITS,
        canonical=pl.when(zero)  # "-0,00" is zero, never "-0.00" (as the scalar path)
        .then(pl.lit("0.00"))
        .otherwise(pl.concat_str("sign", whole, pl.lit("."), "fraction")),
    )
    canonical, digits_ok = result.get_column("canonical"), result.get_column("digits_ok")
    ok = canonical.is_not_null() & digits_ok
    return _finish(series, ok, canonical, Decimal)


def order_status(series: pl.Series) -> list[object]:
    """A plain ASCII word: cancelled/canceled/cancelado/cancelada → cancelled, anything
    else valid (the spec); other shapes (accents, spaces) are deferred."""
    word = series.str.contains(r"^[A-Za-z]+$")
    cancelled = series.str.to_lowercase().is_in(sorted(v._CANCELLED))
    parsed = pl.Series(
        [v.ORDER_CANCELLED if c else v.ORDER_VALID for c in cancelled.fill_null(False).to_list()],
        dtype=pl.String,
    )
    return _finish(series, word, parsed)


# The scalar parsers that have a fast path (looked up by identity).
VECTOR_PARSERS: dict[object, VectorParser] = {
    v.parse_external_id: text(64),
    v.parse_name: text(255),
    v.parse_short_text: text(120),
    v.parse_notes: text(10_000, multiline=True),
    v.parse_date: date,
    v.parse_amount: amount,
    v.parse_order_status: order_status,
}


def text_column(cells: Sequence[object]) -> pl.Series | None:
    """The chunk's cells as a String series, or ``None`` when any cell is not text
    (an XLSX column with numbers or dates: the scalar path reads those)."""
    if not all(cell is None or type(cell) is str for cell in cells):
        return None
    return pl.Series(cells, dtype=pl.String)
