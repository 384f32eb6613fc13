import random

import pytest
from hypothesis import given
from hypothesis import strategies as st
from validate_docbr import CNPJ, CPF

from carteira_core.documents import (
    DocumentError,
    cnpj_check_digits,
    format_cnpj,
    format_cpf,
    generate_cnpj,
    generate_cpf,
    is_valid_cnpj,
    is_valid_cpf,
    normalize_document,
)


def test_the_spec_example_alphanumeric_cnpj_is_valid():
    assert is_valid_cnpj("12.ABC.345/01DE-35")
    assert is_valid_cnpj("12abc34501de35")  # lowercase is uppercased


def test_classic_numeric_cnpj_masked_and_unmasked():
    assert is_valid_cnpj("11.222.333/0001-81")
    assert is_valid_cnpj("11222333000181")
    assert not is_valid_cnpj("11.222.333/0001-82")


def test_check_digits_must_be_numeric_in_an_alphanumeric_cnpj():
    assert not is_valid_cnpj("12ABC34501DEAB")


def test_all_same_digit_sequences_are_refused():
    assert not is_valid_cnpj("00000000000000")
    assert not is_valid_cpf("111.111.111-11")


def test_cpf_check_digits():
    assert is_valid_cpf("529.982.247-25")
    assert not is_valid_cpf("529.982.247-26")
    assert not is_valid_cpf("5299822472A")


def test_normalize_returns_kind_and_unmasked_uppercase_value():
    assert normalize_document(" 12.abc.345/01de-35 ") == ("cnpj", "12ABC34501DE35")
    assert normalize_document("529.982.247-25") == ("cpf", "52998224725")


def test_one_lost_leading_zero_is_restored_only_when_then_valid():
    assert normalize_document("0000000000191") == ("cnpj", "00000000000191")
    assert normalize_document("1234567890") == ("cpf", "01234567890")  # valid CPF 012.345.678-90
    with pytest.raises(DocumentError) as caught:
        normalize_document("1222333000181")  # 13 digits, "0" + it is not valid
    assert caught.value.code == "invalid_document"


def test_two_lost_zeros_are_not_guessed():
    with pytest.raises(DocumentError) as caught:
        normalize_document("191")
    assert caught.value.code == "invalid_document"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("11.222.333/0001-82", "invalid_cnpj"),
        ("529.982.247-26", "invalid_cpf"),
        ("12345", "invalid_document"),
        ("12.345.678/0001-9X", "invalid_cnpj"),
        ("ABC", "invalid_document"),
        ("1234567890123456", "invalid_document"),
        ("11.222.333/0001-8Ç", "invalid_document"),
    ],
)
def test_bad_documents_have_stable_codes(text, code):
    with pytest.raises(DocumentError) as caught:
        normalize_document(text)
    assert caught.value.code == code


def test_format_masks():
    assert format_cnpj("12ABC34501DE35") == "12.ABC.345/01DE-35"
    assert format_cpf("52998224725") == "529.982.247-25"
    with pytest.raises(ValueError):
        format_cpf("123")


@given(st.integers(min_value=0), st.booleans())
def test_generated_cnpjs_are_valid_and_agree_with_validate_docbr(seed, alphanumeric):
    value = generate_cnpj(random.Random(seed), alphanumeric=alphanumeric)
    assert len(value) == 14
    assert is_valid_cnpj(value)
    assert CNPJ().validate(value)
    assert CNPJ().validate(format_cnpj(value))
    if alphanumeric:
        assert not value[:8].isdigit()


@given(st.text(alphabet="0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=12, max_size=12))
def test_our_cnpj_check_digits_match_validate_docbr(first12):
    value = first12 + cnpj_check_digits(first12)
    assert CNPJ().validate(value) == is_valid_cnpj(value)


@given(st.text(alphabet="0123456789AB", min_size=14, max_size=14))
def test_cnpj_validity_matches_validate_docbr_on_random_strings(value):
    if len(set(value)) > 1:
        assert CNPJ().validate(value) == is_valid_cnpj(value)


@given(st.integers(min_value=0))
def test_generated_cpfs_are_valid_and_agree_with_validate_docbr(seed):
    value = generate_cpf(random.Random(seed))
    assert is_valid_cpf(value) and CPF().validate(value)


@given(st.text(alphabet="0123456789", min_size=11, max_size=11))
def test_cpf_validity_matches_validate_docbr(value):
    if len(set(value)) > 1:
        assert CPF().validate(value) == is_valid_cpf(value)


def test_generated_values_are_reproducible_with_a_seed():
    assert generate_cnpj(random.Random(5)) == generate_cnpj(random.Random(5))
