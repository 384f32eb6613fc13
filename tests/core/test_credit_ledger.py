"""The per-client credit ledger, grouped afterwards, gives the figures read directly from
the instalments (``credit_figures``), and the provision at the earlier date."""

from datetime import date

import numpy as np
import polars as pl

from carteira_core.credit.measures import client_ledger, credit_figures, ledger_figures
from carteira_core.rules import CreditRules

T = date(2026, 6, 30)
BEFORE = date(2026, 5, 31)


def instalments(count: int, seed: int) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    issue = np.datetime64("2025-09-01") + rng.integers(0, 330, count).astype("timedelta64[D]")
    due = issue + rng.integers(0, 120, count).astype("timedelta64[D]")
    paid = due + rng.integers(-5, 200, count).astype("timedelta64[D]")
    amount = rng.integers(1, 500_000, count)
    partial = rng.random(count) < 0.1
    return pl.DataFrame({
        "client_id": rng.integers(1, 40, count),
        "issue_date": issue, "due_date": due, "amount": amount,
        "paid_date": pl.Series(paid).set(pl.Series(rng.random(count) < 0.3), None),
        "paid": pl.Series(np.where(partial, amount // 2, 0)).set(pl.Series(~partial), None),
    }).with_columns(pl.col("issue_date", "due_date", "paid_date").cast(pl.Date))  # fmt: skip


def test_grouping_the_ledger_gives_the_figures_of_the_instalments():
    rules = CreditRules()
    for seed in range(4):
        frame = instalments(3_000, seed).with_columns(
            group=(pl.col("client_id") % 5).cast(pl.String).replace("0", None)
        )
        groups = frame.select("client_id", "group").unique()
        ledger = client_ledger(frame, T, BEFORE, rules).join(groups, on="client_id", how="left")
        got = ledger_figures(ledger, rules, by="group")
        now = credit_figures(frame, T, rules, by="group")
        before = credit_figures(frame, BEFORE, rules, by="group")
        assert got.drop("provision_before").equals(now)
        expected_before = dict(before.select("group", "provision").iter_rows())
        assert dict(got.select("group", "provision_before").iter_rows()) == expected_before
        total = ledger_figures(ledger, rules)
        assert total.drop("provision_before").equals(credit_figures(frame, T, rules))
        assert total["provision_before"][0] == credit_figures(frame, BEFORE, rules)["provision"][0]


def test_a_group_with_only_an_earlier_provision_comes_last():
    frame = pl.DataFrame({
        "client_id": [1, 2], "issue_date": [date(2026, 1, 5)] * 2,
        "due_date": [date(2026, 2, 4), date(2026, 7, 30)], "amount": [10_000, 5_000],
        "paid_date": [date(2026, 6, 10), None], "paid": [None, None],
    }).with_columns(group=pl.Series(["paid-in-june", "open"]))  # fmt: skip
    rules = CreditRules()
    ledger = client_ledger(frame, T, BEFORE, rules).join(
        frame.select("client_id", "group"), on="client_id"
    )
    got = ledger_figures(ledger, rules, by="group")
    assert got["group"].to_list() == ["open", "paid-in-june"]
    assert got.row(1, named=True)["open"] == 0
    assert got.row(1, named=True)["provision_before"] == 5_000  # 100,00, 116 days: 50 %
