"""The column fast paths (``ingest.vector``) read a cell exactly as the scalar parser does,
or defer it; they never accept what the scalar parser refuses."""

from datetime import date
from decimal import Decimal

import polars as pl
from hypothesis import given, settings
from hypothesis import strategies as st

from carteira_core.ingest import values as v
from carteira_core.ingest import vector
from carteira_core.ingest.problems import ValueProblem
from carteira_core.ingest.readers import RawRow
from carteira_core.ingest.validate import RowValidator


def agree(scalar, fast, cells):
    out = fast(pl.Series(cells, dtype=pl.String))
    for cell, value in zip(cells, out, strict=True):
        if value is vector.DEFER:
            continue
        if value is vector.EMPTY:
            assert cell in (None, "")
            continue
        try:
            expected = scalar(cell)
        except ValueProblem:  # pragma: no cover - a failure shows the cell
            raise AssertionError(f"fast path accepted {cell!r}, scalar refuses it") from None
        assert (type(value), str(value)) == (type(expected), str(expected)), cell
    return out


money_text = st.text(alphabet="0123456789.,-R$ ()", max_size=14)
formatted_money = st.builds(
    lambda cents, style: {
        "br": f"{cents // 100:,}".replace(",", ".") + f",{cents % 100:02d}",
        "plain": f"{cents // 100}.{cents % 100:02d}",
        "comma": f"{cents // 100},{cents % 100:02d}",
        "int": str(cents // 100),
    }[style],
    st.integers(0, 10**17),
    st.sampled_from(["br", "plain", "comma", "int"]),
).flatmap(lambda text: st.sampled_from([text, "-" + text, "R$ " + text, "-R$ " + text]))


@settings(max_examples=300)
@given(st.lists(st.one_of(money_text, formatted_money, st.none()), max_size=30))
def test_amount_fast_path_agrees_with_parse_amount(cells):
    agree(v.parse_amount, vector.amount, cells)


date_text = st.text(alphabet="0123456789/-", max_size=11)
formatted_date = st.builds(
    lambda day, iso: day.isoformat() if iso else day.strftime("%d/%m/%Y"),
    st.dates(date(1, 1, 1), date(9999, 12, 31)),
    st.booleans(),
)


@settings(max_examples=300)
@given(st.lists(st.one_of(date_text, formatted_date, st.none()), max_size=30))
def test_date_fast_path_agrees_with_parse_date(cells):
    agree(v.parse_date, vector.date, cells)


@settings(max_examples=300)
@given(st.lists(st.one_of(st.text(max_size=70), st.none()), max_size=30))
def test_text_fast_path_agrees_with_the_text_parsers(cells):
    agree(v.parse_external_id, vector.text(64), cells)
    agree(v.parse_notes, vector.text(10_000, multiline=True), cells)


@settings(max_examples=200)
@given(st.lists(st.one_of(st.text(max_size=12), st.sampled_from(["Cancelado", "CANCELED"])),
                max_size=30))  # fmt: skip
def test_order_status_fast_path_agrees_with_parse_order_status(cells):
    agree(v.parse_order_status, vector.order_status, cells)


def test_common_erp_cells_take_the_fast_path():
    assert vector.amount(pl.Series(["12.664,14", "-1,5", "R$ 7", "0,00"])) == [
        Decimal("12664.14"), Decimal("-1.50"), Decimal("7.00"), Decimal("0.00")]  # fmt: skip
    assert vector.date(pl.Series(["07/03/2025", "2025-03-07"])) == [date(2025, 3, 7)] * 2


def test_deferred_cells_are_still_read_or_reported_by_the_scalar_parsers():
    validator = RowValidator("orders", ["pedido", "cliente", "data", "valor"])
    rows = [
        RawRow(2, ("P1", "C1", "7/3/2025", "(1.234,56)")),  # both deferred, both valid
        RawRow(3, ("P2", "C1", "31/02/2025", "1.234")),  # both deferred, both refused
    ]
    (first, first_errors), (_, second_errors) = validator.parse_chunk(rows)
    assert (first["date"], first["amount"], first_errors) == (
        date(2025, 3, 7), Decimal("-1234.56"), [])  # fmt: skip
    assert [(e.line, e.column, e.value, e.code) for e in second_errors] == [
        (3, "data", "31/02/2025", "invalid_date"),
        (3, "valor", "1.234", "ambiguous_number"),
    ]
