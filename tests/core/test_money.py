from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from carteira_core.money import (
    NumberError,
    decimal_from_number,
    format_brl,
    format_decimal_br,
    parse_decimal,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1234.56", "1234.56"),
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("R$ 1.234,56", "1234.56"),
        ("R$1.234,56", "1234.56"),
        ("-1.234,56", "-1234.56"),
        ("(1.234,56)", "-1234.56"),
        ("(R$ 1.234,56)", "-1234.56"),
        ("-R$ 5,00", "-5.00"),
        ("1.234,56-", "-1234.56"),
        ("1,234.56", "1234.56"),
        ("1.234.567", "1234567.00"),
        ("1,234,567", "1234567.00"),
        ("1.234.567,8", "1234567.80"),
        ("1,5", "1.50"),
        ("1.5", "1.50"),
        ("1234.567", "1234.567"),  # four integer digits: not a thousands group
        ("0", "0.00"),
        ("-0,00", "0.00"),
        ("+12", "12.00"),
        ("10,500", "10.50"),  # a zero in the third place loses nothing
        ("1\u00a0234,56", "1234.56"),  # no-break space as thousands separator
    ],
)
def test_accepted_number_shapes(text, expected):
    places = 3 if expected == "1234.567" else 2
    assert parse_decimal(text, places=places) == Decimal(expected)


def test_a_single_dot_with_three_digits_is_ambiguous_and_refused():
    with pytest.raises(NumberError) as caught:
        parse_decimal("1.234")
    assert caught.value.code == "ambiguous_number"


def test_a_single_comma_is_always_decimal_so_three_places_are_refused_for_money():
    with pytest.raises(NumberError) as caught:
        parse_decimal("1,234")
    assert caught.value.code == "too_many_decimals"
    assert parse_decimal("1,234", places=3) == Decimal("1.234")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "invalid_number"),
        ("abc", "invalid_number"),
        ("1e5", "invalid_number"),
        ("NaN", "invalid_number"),
        ("1.2.3", "invalid_number"),
        ("12,34,56", "invalid_number"),
        ("1.23,45", "invalid_number"),
        ("R$", "invalid_number"),
        ("1.234,567", "too_many_decimals"),
        ("12.345", "ambiguous_number"),
        ("9999999999999999", "number_too_large"),
    ],
)
def test_refused_numbers_have_stable_codes(text, code):
    with pytest.raises(NumberError) as caught:
        parse_decimal(text)
    assert caught.value.code == code


def test_spreadsheet_floats_lose_binary_noise_but_not_real_places():
    assert decimal_from_number(0.1 + 0.2) == Decimal("0.30")
    assert decimal_from_number(1234.5600000000002) == Decimal("1234.56")
    assert decimal_from_number(7) == Decimal("7.00")
    with pytest.raises(NumberError) as caught:
        decimal_from_number(10.125)
    assert caught.value.code == "too_many_decimals"
    with pytest.raises(NumberError):
        decimal_from_number(float("nan"))


def test_formatting():
    assert format_decimal_br(Decimal("-1234567.5")) == "-1.234.567,50"
    assert format_brl(Decimal("1234.56")) == "R$ 1.234,56"
    assert format_brl(Decimal("-1234.56")) == "-R$ 1.234,56"
    assert format_brl(Decimal("-1234.56"), accounting=True) == "(R$ 1.234,56)"


cents = st.integers(min_value=-(10**14), max_value=10**14)


@given(cents)
def test_pt_br_formatting_then_parsing_gives_the_value_back(amount):
    value = Decimal(amount).scaleb(-2)
    assert parse_decimal(format_decimal_br(value)) == value
    assert parse_decimal(format_decimal_br(value, grouping=False)) == value


@given(cents)
def test_brl_accounting_formatting_then_parsing_gives_the_value_back(amount):
    value = Decimal(amount).scaleb(-2)
    assert parse_decimal(format_brl(value, accounting=True)) == value
    assert parse_decimal(format_brl(value)) == value


@given(cents)
def test_plain_dot_decimal_round_trips(amount):
    value = Decimal(amount).scaleb(-2)
    assert parse_decimal(f"{value:.2f}") == value
