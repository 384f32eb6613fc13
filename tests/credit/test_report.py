"""`carteira report receivables`: the aging and provision at a date, as JSON and tables."""

import io
import json

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.credit.factories import aged_book

pytestmark = pytest.mark.django_db


def report(*args):
    out = io.StringIO()
    call_command("report", "receivables", "--as-of", "2026-06-30", *args, stdout=out)
    return out.getvalue()


def test_the_json_report_ages_each_client_with_money_as_numbers(portfolio):
    aged_book(portfolio)
    data = json.loads(report("--format", "json"))
    assert data["as_of"] == "2026-06-30"
    assert data["groups"] == [
        {"key": "A1", "name": "Cliente A1 LTDA", "open": 1500.0, "current": 1000.0,
         "d1_30": 200.0, "d31_60": 0.0, "d61_90": 300.0, "d91_180": 0.0, "over_180": 0.0,
         "provision": 37.0},
        {"key": "B1", "name": "Cliente B1 LTDA", "open": 80.0, "current": 0.0, "d1_30": 0.0,
         "d31_60": 0.0, "d61_90": 0.0, "d91_180": 80.0, "over_180": 0.0, "provision": 40.0},
        {"key": "C2", "name": "Cliente C2 LTDA", "open": 50.0, "current": 0.0, "d1_30": 0.0,
         "d31_60": 0.0, "d61_90": 0.0, "d91_180": 0.0, "over_180": 50.0, "provision": 50.0},
    ]  # fmt: skip
    assert (data["total"]["open"], data["total"]["provision"]) == (1630.0, 127.0)


def test_by_seller_and_by_segment_group_the_same_total(portfolio):
    aged_book(portfolio)
    by_seller = json.loads(report("--by", "seller", "--format", "json"))
    assert [(g["key"], g["open"], g["provision"]) for g in by_seller["groups"]] == [
        ("V001", 1500.0, 37.0),
        ("V002", 80.0, 40.0),
        ("V003", 50.0, 50.0),
    ]
    by_segment = json.loads(report("--by", "segment", "--format", "json"))
    assert [(g["key"], g["open"]) for g in by_segment["groups"]] == [
        ("supermercados", 1580.0),
        ("farmácias", 50.0),
    ]
    assert by_segment["total"] == by_seller["total"]


def test_an_earlier_date_sees_what_was_open_then(portfolio):
    aged_book(portfolio)
    out = io.StringIO()
    call_command("report", "receivables", "--as-of", "2026-02-15", "--format", "json", stdout=out)
    data = json.loads(out.getvalue())
    # A2's 99,99 was due 01/02 and paid 01/03: open and 14 days late on 15/02.
    a2 = next(g for g in data["groups"] if g["key"] == "A2")
    assert (a2["open"], a2["d1_30"], a2["provision"]) == (99.99, 99.99, 1.0)


def test_the_table_ends_with_the_total(portfolio):
    aged_book(portfolio)
    lines = report().splitlines()
    assert lines[0].split() == ["client", "name", "open", "current", "d1_30", "d31_60",
                                "d61_90", "d91_180", "over_180", "provision"]  # fmt: skip
    assert lines[-1].split() == ["total", "1630.00", "1000.00", "200.00", "0.00", "300.00",
                                 "80.00", "50.00", "127.00"]  # fmt: skip


def test_the_xlsx_export_holds_the_same_rows(portfolio, tmp_path):
    aged_book(portfolio)
    path = tmp_path / "aging.xlsx"
    report("--format", "xlsx", "--output", str(path))
    sheet = openpyxl.load_workbook(path).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("client", "name", "open")
    assert rows[-1][0] == "total" and float(rows[-1][-1]) == 127.0


def test_by_client_is_refused_for_the_portfolio_reports(db):
    with pytest.raises(CommandError, match="--by client não se aplica ao relatório kpis"):
        call_command("report", "kpis", "--by", "client", stdout=io.StringIO())
