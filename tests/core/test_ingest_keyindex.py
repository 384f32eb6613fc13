"""The index of keys already seen in a file: the same answers as a dict, in less memory."""

from hypothesis import given
from hypothesis import strategies as st

from carteira_core.ingest.keyindex import KeyIndex, digest


def test_a_key_added_in_an_earlier_chunk_is_found_with_its_line():
    index = KeyIndex()
    index.add({digest(("B1",)): 2, digest(("B2",)): -3})

    assert index.lookup([digest(("B2",)), digest(("B9",)), digest(("B1",))]) == [-3, 0, 2]


def test_composite_keys_do_not_run_into_each_other():
    assert digest(("12", "3")) != digest(("1", "23")) != digest(("123",))


@given(st.lists(st.lists(st.text(max_size=6), max_size=40), max_size=30))
def test_chunk_after_chunk_it_answers_as_a_dict_would(chunks):
    index, plain, line = KeyIndex(), {}, 0
    for chunk in chunks:
        keys = [digest((text,)) for text in chunk]
        assert index.lookup(keys) == [plain.get(key, 0) for key in keys]
        recent = {}
        for key in keys:
            line += 1
            if key not in plain and key not in recent:
                recent[key] = line if line % 3 else -line
        index.add(recent)
        plain.update(recent)
    assert len(index) == len(plain)
