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

import re
from collections.abc import Callable, Sequence
from decimal import Decimal

import polars as pl

from carteira_core.ingest import values as v
from carteira_core.money import MAX_INTEGER_DIGITS

DEFER = object()  # "ask the scalar parser"
EMPTY = object()  # an empty cell: the schema's default, or a "required" error

type VectorParser = Callable[[pl.Series], list[object]]
# The same fast path as Series: (accepted: Boolean, parsed: its value where accepted). The
# columnar validator (``columns``) keeps both in Polars; ``VECTOR_PARSERS`` turns them
# into Python values cell by cell.
type VectorMask = Callable[[pl.Series], tuple[pl.Series, pl.Series]]

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


def _listed(mask: VectorMask, convert=None) -> VectorParser:
    def parse(series: pl.Series) -> list[object]:
        ok, parsed = mask(series)
        return _finish(series, ok, parsed, convert)

    return parse


def text_mask(max_length: int, *, multiline: bool = False) -> VectorMask:
    pattern = _NOT_PLAIN_MULTILINE if multiline else _NOT_PLAIN_TEXT

    def accept(series: pl.Series) -> tuple[pl.Series, pl.Series]:
        return ~series.str.contains(pattern) & (series.str.len_chars() <= max_length), series

    return accept


def text(max_length: int, *, multiline: bool = False) -> VectorParser:
    return _listed(text_mask(max_length, multiline=multiline))


_DAY_FIRST = r"^\d{2}/\d{2}/\d{4}$"
_ISO = r"^\d{4}-\d{2}-\d{2}$"


def date_mask(series: pl.Series) -> tuple[pl.Series, pl.Series]:
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
    return dates.is_not_null() & (year >= v.MIN_YEAR) & (year <= v.MAX_YEAR), dates


date = _listed(date_mask)


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


def amount_mask(series: pl.Series) -> tuple[pl.Series, pl.Series]:
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
    return canonical.is_not_null() & digits_ok, canonical


amount = _listed(amount_mask, Decimal)

_AMOUNT_SHAPE = re.sub(r"\?<\w+>", "", _AMOUNT)  # the same shapes, nothing captured


def amount_accepted(series: pl.Series) -> pl.Series:
    """Where ``amount_mask`` accepts a cell, without building its value (16× cheaper): a
    cell of at most ``MAX_INTEGER_DIGITS`` characters cannot have more integer digits; a
    longer one is left to the scalar path."""
    return series.str.contains(_AMOUNT_SHAPE) & (series.str.len_chars() <= MAX_INTEGER_DIGITS)


def order_status_mask(series: pl.Series) -> tuple[pl.Series, pl.Series]:
    """A plain ASCII word: cancelled/canceled/cancelado/cancelada → cancelled, anything
    else valid (the spec); other shapes (accents, spaces) are deferred."""
    word = series.str.contains(r"^[A-Za-z]+$")
    cancelled = series.str.to_lowercase().is_in(sorted(v._CANCELLED))
    parsed = pl.select(
        pl.when(cancelled).then(pl.lit(v.ORDER_CANCELLED)).otherwise(pl.lit(v.ORDER_VALID))
    ).to_series()
    return word, parsed


order_status = _listed(order_status_mask)

# The scalar parsers that have a fast path (looked up by identity), as Series masks.
VECTOR_MASKS: dict[object, VectorMask] = {
    v.parse_external_id: text_mask(64),
    v.parse_name: text_mask(255),
    v.parse_short_text: text_mask(120),
    v.parse_notes: text_mask(10_000, multiline=True),
    v.parse_date: date_mask,
    v.parse_amount: amount_mask,
    v.parse_order_status: order_status_mask,
}
# Where only acceptance is wanted, a cheaper test than the mask (by parser; else the mask's).
VECTOR_ACCEPTS: dict[object, Callable[[pl.Series], pl.Series]] = {v.parse_amount: amount_accepted}
# ... and as lists of Python values (``DEFER``/``EMPTY`` where the scalar path decides).
VECTOR_PARSERS: dict[object, VectorParser] = {
    parser: _listed(mask, Decimal if mask is amount_mask else None)
    for parser, mask in VECTOR_MASKS.items()
}


def text_column(cells: Sequence[object]) -> pl.Series | None:
    """The chunk's cells as a String series, or ``None`` when any cell is not text
    (an XLSX column with numbers or dates: the scalar path reads those)."""
    if not all(cell is None or type(cell) is str for cell in cells):
        return None
    return pl.Series(cells, dtype=pl.String)
