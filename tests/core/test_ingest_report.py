import ast
import csv
import dataclasses
import io
import subprocess
import sys
from pathlib import Path

import pytest

from carteira_core.ingest import MESSAGES, RowError, errors_to_csv, neutralize_formula, safe_cell
from carteira_core.ingest.problems import IngestError, ValueProblem
from carteira_core.ingest.report import ImportSummary

SRC = Path(__file__).parents[2] / "src" / "carteira_core"


@pytest.mark.parametrize(
    "text",
    ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx", "＝1+1"],
)
def test_formula_triggers_are_neutralised(text):
    assert neutralize_formula(text) == "'" + text


@pytest.mark.parametrize("text", ["Padaria", "", "1+1", "a=b", " =1"])
def test_plain_text_is_untouched(text):
    assert neutralize_formula(text) == text


def test_only_text_cells_change_so_numbers_stay_numeric():
    assert safe_cell(-12) == -12
    assert safe_cell(None) is None
    assert safe_cell("-12") == "'-12"


def test_errors_csv_has_the_five_columns_and_neutralises_user_values():
    errors = [
        RowError.make(7, "nome", '=HYPERLINK("http://x","y")', "too_long", limit=5),
        RowError.make(9, "valor", "-1.234", "ambiguous_number"),
    ]
    errors[1] = dataclasses.replace(errors[1], key="=P-9")
    text = errors_to_csv(errors)
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0] == ["line", "key", "column", "value", "reason"]
    formula = '\'=HYPERLINK("http://x","y")'
    assert rows[1] == ["7", "", "nome", formula, "Text longer than 5 characters."]
    assert rows[2][1] == "'=P-9"
    assert rows[2][3] == "'-1.234"
    assert rows[2][4].startswith("'-1.234' is ambiguous")
    assert text.endswith("\r\n")


def test_errors_csv_translates_by_code_with_the_same_placeholders():
    error = RowError.make(3, "pedido", "P1", "duplicate_key", field="external_id", other_line=9)
    text = errors_to_csv([error], messages={"duplicate_key": "Repetido na linha {other_line}."})
    assert list(csv.reader(io.StringIO(text)))[1][4] == "Repetido na linha 9."


def test_summary_counts_start_at_zero_and_ok_means_no_invalid_rows():
    summary = ImportSummary(kind="orders")
    assert summary.ok and (summary.created, summary.rejected) == (0, 0)
    summary.invalid = 1
    assert not summary.ok


def test_problems_render_english_messages_with_their_parameters():
    assert ValueProblem("too_long", limit=64).message == "Text longer than 64 characters."
    assert IngestError("too_many_rows", limit=10).message == (
        "The file has more than 10 rows, the limit."
    )


_RAISERS = {"ValueProblem": 0, "IngestError": 0, "NumberError": 0, "DocumentError": 0,
            "make": 3, "_coordinate": 2}  # fmt: skip


def _codes_used() -> set[str]:
    codes = set()
    files = [*(SRC / "ingest").glob("*.py"), SRC / "money.py", SRC / "documents.py"]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            position = _RAISERS.get(name)
            if position is not None and len(node.args) > position:
                arg = node.args[position]
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    codes.add(arg.value)
    return codes


def test_every_code_raised_anywhere_has_an_english_message():
    used = _codes_used()
    assert len(used) > 40
    assert used - MESSAGES.keys() == set()


def test_carteira_core_never_imports_django():
    code = (
        "import sys, carteira_core.ingest, carteira_core.documents, carteira_core.money;"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('django', 'carteira')];"
        "assert not bad, bad"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=SRC.parent)
