"""``valid_documents`` is ``is_valid_cnpj or is_valid_cpf``, value for value."""

import random

from hypothesis import given
from hypothesis import strategies as st

from carteira_core.documents import (
    generate_cnpj,
    generate_cpf,
    is_valid_cnpj,
    is_valid_cpf,
    valid_documents,
)

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ./- "


def scalar(value: str) -> bool:
    return is_valid_cnpj(value) or is_valid_cpf(value)


def test_generated_documents_are_valid_and_one_changed_character_is_not():
    rng = random.Random(7)
    good = [generate_cnpj(rng), generate_cnpj(rng, alphanumeric=True), generate_cpf(rng)] * 50
    bad = [value[:-1] + str((int(value[-1]) + 1) % 10) for value in good]
    assert valid_documents(good).all()
    assert not valid_documents(bad).any()


def test_shapes_masks_and_repeated_characters_follow_the_scalar_check():
    values = ["11.222.333/0001-81", "112223330001-81", "11111111111111", "111.111.111-11",
              "529.982.247-25", "52998224725", "12ABC34501DE35", "12abc34501de35", "", "abc",
              "1122233300018", "5299822472X"]  # fmt: skip
    assert valid_documents(values).tolist() == [scalar(value) for value in values]


@given(st.lists(st.text(alphabet=ALPHABET, min_size=10, max_size=18), max_size=40))
def test_any_text_gets_the_scalar_answer(values):
    assert valid_documents(values).tolist() == [scalar(value) for value in values]
