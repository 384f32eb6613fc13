"""Reads of receivables, always from a client scope (``clients_visible_to``): the ERP's
instalments as the core's frame, the aging of a scope grouped by client, seller or
segment, and one client's credit block. Definitions: docs/portfolio-rules.md, "Credit and
receivables" (``carteira_core.credit``)."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

import polars as pl
from django.db.models import Max, QuerySet, Sum

from carteira.clients.models import Client
from carteira.credit.models import CreditLimit, CreditLimitChange, Receivable
from carteira.credit.reading import (
    is_whole_portfolio,
    of_clients,
    open_rows,
    read_columns,
    receivables_frame,
)
from carteira.orders.models import Order
from carteira.portfolio.models import ClientSnapshot, SnapshotRun
from carteira_core.credit import (
    BUCKETS,
    PaymentScore,
    RollRates,
    SuggestedLimit,
    aged_sums,
    aging,
    bucket_sums,
    open_instalments,
    payment_score,
    roll_rates,
    suggested_limit,
)
from carteira_core.credit.measures import dso, ledger_figures
from carteira_core.rules import CreditRules

BY_CHOICES = ("client", "seller", "team", "segment", "region")
CENT = Decimal("0.01")


def cents(value: Decimal | None) -> int | None:
    return None if value is None else int(value.scaleb(2))


def money(value: int) -> Decimal:
    """Integer cents as reais (an integer's scaleb(-2) has exactly two places)."""
    return Decimal(value).scaleb(-2)


# Each dimension's key and name among the client's fields (client code, seller code,
# team name, segment, state: the client's state, as the portfolio's reports).
NAME_FIELDS = {
    "client": ("external_id", "name"),
    "seller": ("seller__external_id", "seller__name"),
    "team": ("seller__team__name", "seller__team__name"),
    "segment": ("segment", "segment"),
    "region": ("state", "state"),
}


def _names_of(clients: QuerySet[Client], dimensions: Iterable[str]) -> dict[str, pl.DataFrame]:
    """For each of ``dimensions``: client_id → the group's key and name, empty text as
    null; one read of the clients for all of them (a review names five dimensions: five
    reads of 100k clients took 0.87 s). The whole scope, joined in Polars: an IN list of
    every id would pass SQLite's limit on query parameters for a large portfolio."""
    dimensions = list(dimensions)
    fields = list(dict.fromkeys(field for by in dimensions for field in NAME_FIELDS[by]))
    schema = {"client_id": pl.Int64, **dict.fromkeys(fields, pl.String)}
    frame = read_columns(clients.order_by().values_list("pk", *fields), schema)
    return {
        by: frame.select(
            "client_id",
            pl.col(NAME_FIELDS[by][0]).replace("", None).alias("key"),
            pl.col(NAME_FIELDS[by][1]).replace("", None).alias("name"),
        )
        for by in dimensions
    }


def _group_names(clients: QuerySet[Client], by: str) -> pl.DataFrame:
    """client_id → the group's key and name (client code, seller code, team name,
    segment, state); empty text as null."""
    return _names_of(clients, [by])[by]


_NAMES = {"client_id": pl.Int64, "key": pl.String, "name": pl.String}
MONEY = ("open", *BUCKETS, "provision")


def aging_frames(
    clients: QuerySet[Client], *, as_of: dt.date, rules: CreditRules, by: str = "client"
) -> tuple[pl.DataFrame, dict[str, int]]:
    """The aging of ``clients`` at ``as_of`` as columns: one row per group (``key``,
    ``name``, ``open``, the six buckets, ``provision``: integer cents), largest open
    balance first, and the total's cents. ``key`` is null for the clients without a
    seller, a team, a segment or a state. The database computes each open instalment's
    balance and bucket (``reading.open_rows``: three integers a row, not six columns to
    age here); they are summed per client, then per group, each provision on its
    group's own bucket sums."""
    if by not in BY_CHOICES:
        raise ValueError(f"by must be one of {', '.join(BY_CHOICES)}")
    rows = open_rows(of_clients(Receivable.objects.all(), clients), as_of=as_of, rules=rules)
    per_client = bucket_sums(rows, "client_id")
    named = per_client.join(_group_names(clients, by), on="client_id", how="left")
    groups = aged_sums(named, rules, ["key", "name"]).select("key", "name", *MONEY)
    total = aged_sums(per_client, rules).row(0, named=True)
    return groups, {name: total[name] for name in MONEY}


def aging_report(
    clients: QuerySet[Client], *, as_of: dt.date, rules: CreditRules, by: str = "client"
) -> dict:
    """``aging_frames`` with money as ``Decimal``: ``{"as_of", "by", "groups": [{"key",
    "name", "open", <the six buckets>, "provision"}], "total": {...}}``."""
    groups, total = aging_frames(clients, as_of=as_of, rules=rules, by=by)
    return {
        "as_of": as_of,
        "by": by,
        "groups": [
            _figures(row, key=row["key"], name=row["name"]) for row in groups.iter_rows(named=True)
        ],
        "total": _figures(total),
    }


def _figures(row: dict, **extra) -> dict:
    return {**extra, **{name: money(row[name]) for name in MONEY}}


def money_text(name: str) -> pl.Expr:
    """Integer cents as reais text with two places (``-1234.50``), computed per column."""
    cents_ = pl.col(name)
    whole = (cents_.abs() // 100).cast(pl.String)
    rest = (cents_.abs() % 100).cast(pl.String).str.zfill(2)
    return (pl.when(cents_ < 0).then(pl.lit("-")).otherwise(pl.lit("")) + whole + "." + rest).alias(
        name
    )


def aging_json(groups: pl.DataFrame, total: dict[str, int], *, as_of: dt.date, by: str) -> str:
    """The aging as the report's JSON (``{"as_of", "by", "groups", "total"}``, money as
    numbers: cents / 100 written as the shortest exact decimal), one group per line,
    written from the columns (no Decimal or dict per cell)."""
    lines = _reais(groups).write_ndjson().splitlines()
    head = json.dumps({"as_of": as_of.isoformat(), "by": by}, ensure_ascii=False, indent=2)
    figures = json.dumps({name: total[name] / 100 for name in MONEY})
    body = ",\n    ".join(lines)
    groups_text = f"[\n    {body}\n  ]" if lines else "[]"
    return f'{head[:-2]},\n  "groups": {groups_text},\n  "total": {figures}\n}}\n'


def aging_rows(
    groups: pl.DataFrame, total: dict[str, int], *, by: str, as_text: bool
) -> tuple[list[str], list[tuple]]:
    """The aging as columns and rows (the groups, then the total), for the table and CSV
    (money as text with two places, ``as_text``) and XLSX (money as numbers); the column
    names are the JSON keys."""
    totals = pl.DataFrame({"key": ["total"], "name": [""], **{n: [total[n]] for n in MONEY}})
    table = pl.concat([groups, totals], how="vertical_relaxed")
    table = table.with_columns(money_text(n) for n in MONEY) if as_text else _reais(table)
    return [by, "name", *MONEY], table.select("key", "name", *MONEY).rows()


def _reais(frame: pl.DataFrame) -> pl.DataFrame:
    """The money columns (cents) as floats: cents / 100 correctly rounded, the float of
    the exact decimal (numpy divides; Polars multiplies by the reciprocal, which gives
    24920.600000000002 for 2,492,060 cents)."""
    return frame.with_columns(
        pl.Series(name, frame[name].to_numpy() / 100, dtype=pl.Float64) for name in MONEY
    )


@dataclass(frozen=True)
class ClientCredit:
    """What the client page's credit block shows."""

    as_of: dt.date
    open: Decimal
    overdue: Decimal
    buckets: tuple[Decimal, ...]  # the six of BUCKETS, current first
    provision: Decimal
    open_count: int
    overdue_count: int
    most_days_past_due: int | None  # the oldest overdue instalment's days, None if none
    limit: CreditLimit | None
    score: PaymentScore
    in_collection: bool  # an instalment past due by more than collection_after_days
    pending_orders: Decimal  # orders not yet invoiced (``pending_orders``)
    suggested: SuggestedLimit
    limit_changes: tuple[CreditLimitChange, ...] = ()  # the latest first

    @property
    def exposure(self) -> Decimal:
        """Open balance + orders not yet invoiced."""
        return self.open + self.pending_orders

    @property
    def limit_use(self) -> Decimal | None:
        """Exposure / limit (a fraction; None without a positive limit)."""
        if self.limit is None or self.limit.limit <= 0:
            return None
        return self.exposure / self.limit.limit

    @property
    def over_limit(self) -> bool:
        return self.limit is not None and self.exposure > self.limit.limit

    @property
    def suggested_amount(self) -> Decimal | None:
        return None if self.suggested.cents is None else money(self.suggested.cents)


def invoiced_through(as_of: dt.date) -> dt.date | None:
    """The newest issue date of the receivables issued by ``as_of``: the ERP's titles
    are known up to that day (None before any)."""
    found = Receivable.objects.filter(issue_date__lte=as_of).aggregate(day=Max("issue_date"))
    return found["day"]


def pending_orders(client_ids, *, as_of: dt.date) -> dict[int, Decimal]:
    """Client id → its orders not yet invoiced at ``as_of``: valid orders dated after
    ``invoiced_through(as_of)`` and by ``as_of`` (orders carry no invoice of their own;
    an order on or before the last invoicing day is taken as invoiced, so it is in the
    receivables). Nothing without receivables."""
    through = invoiced_through(as_of)
    if through is None:
        return {}
    rows = (
        Order.objects.filter(
            client_id__in=client_ids,
            status=Order.Status.VALID,
            date__gt=through,
            date__lte=as_of,
        )
        .values("client_id")
        .annotate(total=Sum("amount"))
    )
    return {row["client_id"]: row["total"] for row in rows if row["total"]}


def yearly_revenue(client: Client, *, as_of: dt.date) -> Decimal:
    """Net revenue of the client's valid orders in ``as_of − 365 < date ≤ as_of``
    (docs/portfolio-rules.md, "Orders that count")."""
    start = as_of - dt.timedelta(days=365)
    found = Order.objects.filter(
        client=client, status=Order.Status.VALID, date__gt=start, date__lte=as_of
    ).aggregate(total=Sum("amount"))
    return found["total"] or Decimal(0)


def client_credit(client: Client, *, as_of: dt.date, rules: CreditRules) -> ClientCredit:
    """One client's credit at ``as_of`` (the client reached through its gate)."""
    frame = receivables_frame(Receivable.objects.filter(client=client))
    rows = open_instalments(frame, as_of, rules)
    overdue = rows.filter(pl.col("days_past_due") > 0)
    figures = aging(frame, as_of, rules).row(0, named=True)
    worst = overdue["days_past_due"].max() if overdue.height else None
    score = payment_score(frame, as_of)
    revenue = cents(yearly_revenue(client, as_of=as_of)) or 0
    return ClientCredit(
        as_of=as_of,
        open=money(figures["open"]),
        overdue=money(figures["open"] - figures["current"]),
        buckets=tuple(money(figures[name]) for name in BUCKETS),
        provision=money(figures["provision"]),
        open_count=rows.height,
        overdue_count=overdue.height,
        most_days_past_due=None if worst is None else int(worst),  # type: ignore[arg-type]
        limit=CreditLimit.objects.filter(client=client).select_related("set_by").first(),
        score=score,
        in_collection=worst is not None and int(worst) > rules.collection_after_days,  # type: ignore[arg-type]
        pending_orders=pending_orders([client.pk], as_of=as_of).get(client.pk, Decimal(0)),
        suggested=suggested_limit(revenue, score.grade, months=rules.suggested_limit_months),
        limit_changes=tuple(client.limit_changes.select_related("set_by")[:5]),
    )


@dataclass(frozen=True)
class Collection:
    """A client with an instalment past due by more than ``collection_after_days``."""

    overdue: Decimal  # every overdue open balance of the client (d > 0)
    days_past_due: int  # its oldest instalment's


def clients_in_collection(*, as_of: dt.date, rules: CreditRules) -> dict[int, Collection]:
    """Client id → its overdue balance and oldest delay, for the clients that have an
    instalment more than ``rules.collection_after_days`` past due at ``as_of``."""
    late = as_of - dt.timedelta(days=rules.collection_after_days)
    candidates = Receivable.objects.filter(due_date__lt=late, issue_date__lte=as_of)
    if not candidates.exists():
        return {}
    frame = receivables_frame(
        Receivable.objects.filter(client_id__in=candidates.values("client_id"))
    )
    overdue = open_instalments(frame, as_of, rules).filter(pl.col("days_past_due") > 0)
    per_client = overdue.group_by("client_id").agg(
        pl.col("open").sum(), pl.col("days_past_due").max()
    )
    return {
        client_id: Collection(money(open_), days)
        for client_id, open_, days in per_client.iter_rows()
        if days > rules.collection_after_days
    }


def learned_rates(*, as_of: dt.date, rules: CreditRules) -> RollRates:
    """The provision rates the whole company's history implies (roll rates over the 12
    thirty-day steps up to ``as_of``): company-wide figures, not one scope's."""
    start = as_of - dt.timedelta(days=360)
    # Anything open on or after the first observation date: not paid before it.
    seen = Receivable.objects.filter(issue_date__lte=as_of).exclude(paid_date__lt=start)
    return roll_rates(receivables_frame(seen), as_of, rules)


@dataclass(frozen=True)
class CreditFigures:
    """A group's credit at a date and the provision at an earlier one (``before``): the
    dashboard's and the review's reading (``carteira_core.credit.measures``)."""

    key: str | None
    name: str | None
    open: Decimal
    overdue: Decimal
    provision: Decimal
    provision_before: Decimal
    issued: Decimal  # credit sales in the DSO window
    clients: int  # with an open balance
    in_collection: int
    dso: Decimal | None  # days, to a tenth

    @property
    def overdue_share(self) -> Decimal | None:
        return self.overdue / self.open if self.open else None

    @property
    def provision_change(self) -> Decimal:
        return self.provision - self.provision_before


def credit_summary(
    clients: QuerySet[Client],
    *,
    as_of: dt.date,
    before: dt.date,
    rules: CreditRules,
    by: tuple[str, ...] = (),
    run: SnapshotRun | None = None,
) -> tuple[CreditFigures, dict[str, list[CreditFigures]]]:
    """The total of ``clients`` and, for each dimension of ``by`` (of BY_CHOICES, or
    ``abc`` and ``status`` as the reading ``run`` has them), its groups, largest open
    balance first, with the provision at ``before`` beside the one at ``as_of``."""
    ledger = _scoped_ledger(clients, as_of, before, rules)
    total = _figures_rows(ledger, rules, keys=[])[(None, None)]
    groups = {}
    from_reading = [dimension for dimension in by if dimension in READING_DIMENSIONS]
    names = {
        **_names_of(clients, [dimension for dimension in by if dimension not in from_reading]),
        **{dimension: _reading_names(run, dimension) for dimension in from_reading},
    }
    for dimension in by:
        named = ledger.join(names[dimension], on="client_id", how="left")
        rows = _figures_rows(named, rules, keys=["key", "name"])
        groups[dimension] = list(rows.values())
    return total, groups


def _scoped_ledger(
    clients: QuerySet[Client], as_of: dt.date, before: dt.date, rules: CreditRules
) -> pl.DataFrame:
    """The company's ledger (cached: ``credit.ledger``) restricted to ``clients``."""
    from carteira.credit.ledger import company_ledger

    ledger = company_ledger(as_of, before, rules)
    if not is_whole_portfolio(clients):
        ids = read_columns(clients.order_by().values_list("pk"), {"client_id": pl.Int64})
        ledger = ledger.join(ids, on="client_id", how="semi")
    return ledger


@dataclass(frozen=True)
class CreditCell:
    """The credit of one cell of the three-dimensional reading: a seller's (None: every
    seller of the scope together) clients of one ABC class and status."""

    seller: str | None
    seller_name: str | None
    abc: str | None
    status: str | None
    figures: CreditFigures


def credit_cells(
    clients: QuerySet[Client],
    *,
    run: SnapshotRun,
    before: dt.date,
    rules: CreditRules,
    by_seller: bool = False,
) -> list[CreditCell]:
    """Open, overdue and provision (and its change since ``before``) of ``clients`` per
    ABC class × status of the reading ``run`` at its date, per seller when ``by_seller``
    (the seller of the client's record): the three-dimensional reading in credit. Cells
    with nothing open, issued or provisioned are left out."""
    ledger = _scoped_ledger(clients, run.as_of, before, rules)
    named = ledger.join(_reading_names(run, "abc_status"), on="client_id", how="left").rename(
        {"key": "abc", "name": "status"}
    )
    keys = ["abc", "status"]
    if by_seller:
        sellers = _group_names(clients, "seller").rename({"key": "seller", "name": "seller_name"})
        named = named.join(sellers, on="client_id", how="left")
        keys = ["seller", "seller_name", *keys]
    cells = []
    for row in ledger_figures(named, rules, by=keys).iter_rows(named=True):
        figures = _credit_figures((None, None), row, row["provision_before"], rules)
        cells.append(CreditCell(row.get("seller"), row.get("seller_name"), row["abc"],
                                row["status"], figures))  # fmt: skip
    return cells


READING_DIMENSIONS = ("abc", "status", "abc_status")


def _reading_names(run: SnapshotRun | None, by: str) -> pl.DataFrame:
    """client_id → key and name: the reading's class or status (both: ``abc_status``,
    the class as the key and the status as the name); empty text as null."""
    if run is None:
        return pl.DataFrame(schema=_NAMES)
    schema = {"client_id": pl.Int64, "abc": pl.String, "status": pl.String}
    rows = ClientSnapshot.objects.filter(run=run).values_list("client_id", "abc", "status")
    key, name = ("abc", "status") if by == "abc_status" else (by, by)
    return read_columns(rows, schema).select(
        "client_id",
        pl.col(key).replace("", None).alias("key"),
        pl.col(name).replace("", None).alias("name"),
    )


def _figures_rows(
    ledger: pl.DataFrame, rules: CreditRules, *, keys: list[str]
) -> dict[tuple, CreditFigures]:
    """(key, name) → the group's figures, in the order of ``ledger_figures``."""
    found = {}
    for row in ledger_figures(ledger, rules, by=keys or None).iter_rows(named=True):
        group = tuple(row[k] for k in keys) or (None, None)
        found[group] = _credit_figures(group, row, row["provision_before"], rules)
    return found


def _credit_figures(group: tuple, row: dict, cents_before: int, rules: CreditRules):
    return CreditFigures(
        key=group[0],
        name=group[1],
        open=money(row["open"]),
        overdue=money(row["overdue"]),
        provision=money(row["provision"]),
        provision_before=money(cents_before),
        issued=money(row["issued"]),
        clients=row["clients"],
        in_collection=row["in_collection"],
        dso=_tenths(dso(row["open"], row["issued"], rules.dso_days)),
    )


def _tenths(value: Fraction | None) -> Decimal | None:
    if value is None:
        return None
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return exact.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
