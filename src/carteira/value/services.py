"""Computing the predictive value of the portfolio and storing it with a reading.

``compute_value`` reads the workspace through the engine's one mapper
(``portfolio.engine_input.load_input``) and the core (``carteira_core.value``);
``do_store_value`` stores the fit and the client rows of an official reading;
``value_report`` is the shape of ``carteira value --format json`` and of the API.
"""

from __future__ import annotations

import datetime as dt
import math
import time
from decimal import Decimal

import numpy as np
import polars as pl
from django.db.models import FloatField
from django.db.models.functions import Cast

from carteira.clients.models import Client
from carteira.portfolio import engine_input
from carteira.portfolio.models import ClientSnapshot, SnapshotRun
from carteira.portfolio.rules_store import current_rules
from carteira.portfolio.table_writer import insert_frame, money_text
from carteira.value.models import ClientPotential, ClientValue, ValueFit
from carteira_core.engine import PortfolioInput
from carteira_core.rules import ValueRules, rules_from_dict
from carteira_core.value import (
    ClientValues,
    Model,
    purchase_history,
    value_clients,
)
from carteira_core.value.holdout import HoldoutCheck, holdout_check
from carteira_core.value.potential import wallet_share

CENT = Decimal("0.01")


def money(cents: float) -> Decimal | None:
    """Cents (float from the models) as Decimal money; None for no value."""
    if cents is None or math.isnan(cents):
        return None
    return Decimal(round(cents)).scaleb(-2).quantize(CENT)


def compute_value(
    as_of: dt.date,
    *,
    model: Model | None = None,
    data: PortfolioInput | None = None,
    rules: ValueRules | None = None,
) -> tuple[ClientValues, PortfolioInput]:
    """Fit and score at ``as_of`` with ``rules`` (default: the ``[value]`` rules in
    force); ``model`` overrides the rules' model."""
    if rules is None:
        rules = current_rules().value
    if data is None:
        data = engine_input.load_input(as_of)
    values = value_clients(
        purchase_history(data, as_of),
        model=model or rules.model,
        horizon_months=rules.horizon_months,
        monthly_rate=float(rules.monthly_rate),
        expectation_days=rules.expectation_days,
    )
    return values, data


def _rounded(value: float, places: int) -> float | None:
    return None if math.isnan(value) else round(float(value), places)


def value_report(values: ClientValues, data: PortfolioInput) -> dict:
    """The JSON of ``carteira value`` and ``/api/v1/value``: the fits (parameters, status,
    reason), one row per client that has bought, and the portfolio's value."""
    fit, spend, history = values.purchase_fit, values.spend_fit, values.history
    codes = data.clients["external_id"].to_list()
    rows = []
    for at in np.flatnonzero(history.bought):
        next_day = values.next_purchase_date(int(at))
        rows.append(
            {
                "client": codes[at],
                "frequency": int(history.x[at]),
                "recency": int(history.t_x[at]),
                "T": int(history.big_t[at]),
                "p_alive": _rounded(values.p_alive[at], 4),
                f"expected_purchases_{values.expectation_days}d": _rounded(
                    values.expected_purchases[at], 4
                ),
                "expected_next_purchase": next_day.isoformat() if next_day else None,
                "expected_spend": money(values.expected_spend_cents[at]),
                "clv": money(values.clv_cents[at]),
            }
        )
    total = values.portfolio_value_cents
    return {
        "as_of": history.as_of.isoformat(),
        "model": {
            "name": fit.model,
            **{name: round(value, 6) for name, value in fit.params.items()},
            "log_likelihood": (
                round(fit.log_likelihood, 4)
                if fit.params and math.isfinite(fit.log_likelihood)
                else None
            ),
            "time_unit": "day",
            "status": fit.status,
            "reason": fit.reason,
        },
        "spend": {
            **{name: round(value, 6) for name, value in spend.params.items()},
            "status": spend.status,
            "reason": spend.reason,
        },
        "horizon_months": values.horizon_months,
        "monthly_rate": values.monthly_rate,
        "clients": rows,
        "portfolio_value": None if total is None else money(total),
    }


def _cents(values: np.ndarray) -> pl.Series:
    """Float cents from the models as whole cents (``money``'s rounding: half to even),
    NaN as null."""
    return pl.Series(np.rint(values)).fill_nan(None).cast(pl.Int64)


def _client_frame(
    fit: ValueFit, values: ClientValues, run: SnapshotRun, readings: pl.DataFrame | None
) -> pl.DataFrame:
    """The scored clients as ClientValue's columns, with each client's seller and class at
    the reading (``readings``: the reading's stored columns when the caller has them)."""
    history = values.history
    at = np.flatnonzero(values.scored)
    scored = pl.DataFrame(
        {
            "client_id": history.client_id[at].astype(np.int64),
            "frequency": history.x[at].astype(np.int64),
            "recency_days": history.t_x[at].astype(np.int64),
            "age_days": history.big_t[at].astype(np.int64),
            "p_alive": values.p_alive[at].astype(np.float64),
            "expected_purchases": values.expected_purchases[at].astype(np.float64),
            "next_days": pl.Series(values.next_purchase_days[at]).fill_nan(None),
            "spend": _cents(values.expected_spend_cents[at]),
            "clv": _cents(values.clv_cents[at]),
        }
    )
    if readings is None:
        readings = pl.DataFrame(
            list(
                ClientSnapshot.objects.filter(run=run).values_list("client_id", "seller_id", "abc")
            ),
            schema={"client_id": pl.Int64, "seller_id": pl.Int64, "abc": pl.Utf8},
            orient="row",
        )
    readings = readings.select("client_id", "seller_id", "abc")
    return scored.join(readings, on="client_id", how="left").select(
        pl.lit(fit.pk, pl.Int64).alias("fit_id"),
        "client_id",
        "seller_id",
        pl.col("abc").fill_null(""),
        "frequency",
        "recency_days",
        "age_days",
        "p_alive",
        "expected_purchases",
        (pl.lit(history.as_of) + pl.duration(days=pl.col("next_days").cast(pl.Int64))).alias(
            "next_purchase"
        ),
        money_text("spend").alias("expected_spend"),
        money_text("clv").alias("clv"),
    )


def do_store_value(
    run: SnapshotRun | int,
    *,
    data: PortfolioInput | None = None,
    model: Model | None = None,
    readings: pl.DataFrame | None = None,
) -> ValueFit:
    """Fit the models at the reading's date with the reading's ``[value]`` rules and store
    the fit and its client rows (replacing any stored for the reading). ``readings``: the
    reading's rows as ``portfolio.services.stored_values`` gives them, when the snapshot
    has them in memory (not read back)."""
    started = time.perf_counter()
    if not isinstance(run, SnapshotRun):
        run = SnapshotRun.objects.get(pk=run)
    rules = rules_from_dict(run.rules).value
    values, data = compute_value(run.as_of, model=model, data=data, rules=rules)
    fit, spend, history = values.purchase_fit, values.spend_fit, values.history
    ValueFit.objects.filter(run=run).delete()
    total = values.portfolio_value_cents
    stored = ValueFit.objects.create(
        run=run,
        model=fit.model,
        status=fit.status,
        reason=fit.reason,
        params=fit.params,
        log_likelihood=(
            fit.log_likelihood if fit.params and math.isfinite(fit.log_likelihood) else None
        ),
        spend_status=spend.status,
        spend_reason=spend.reason,
        spend_params=spend.params,
        buyers=int(history.bought.sum()),
        repeat_buyers=history.repeat_buyers,
        horizon_months=values.horizon_months,
        monthly_rate=Decimal(str(values.monthly_rate)),
        expectation_days=values.expectation_days,
        portfolio_value=None if total is None else money(total),
    )
    insert_frame(ClientValue, _client_frame(stored, values, run, readings))
    do_store_potentials(run, rules=rules, readings=readings, data=data)
    stored.duration_ms = int((time.perf_counter() - started) * 1000)
    stored.save(update_fields=["duration_ms"])
    return stored


def _potential_columns(
    run: SnapshotRun, readings: pl.DataFrame | None, data: PortfolioInput | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Client ids, ABC-window revenue in float cents, segment, state ("" when unknown) and
    the ERP's yearly potential in float cents (nan when none) of each reading, by client id.
    From ``readings`` (whole cents) and the input's clients (``data``: segment and state as
    the engine read them) when the snapshot has them; else read back."""
    if readings is None or data is None:
        rows = list(
            ClientSnapshot.objects.filter(run=run)
            .order_by("client_id")
            .values_list(
                "client_id",
                "revenue_in_abc_window",
                "client__segment",
                "client__state",
                "client__potential",
            )
        )
        if not rows:
            empty = np.zeros(0)
            return empty.astype(np.int64), empty, empty.astype(object), empty.astype(object), empty
        ids, revenue, segments, states, erp = zip(*rows, strict=True)
        return (
            np.asarray(ids, dtype=np.int64),
            np.array([float(r or 0) * 100 for r in revenue]),
            np.array(segments, dtype=object),
            np.array(states, dtype=object),
            np.array([np.nan if p is None else float(p) * 1200 for p in erp]),
        )
    # the ERP's monthly potentials as the database's float (the float of the stored
    # Decimal: no Decimal per client), made yearly in cents as read back
    erp = (
        Client._base_manager.filter(potential__isnull=False)
        .annotate(monthly=Cast("potential", FloatField()))
        .values_list("pk", "monthly")
    )
    erp_frame = pl.DataFrame(
        list(erp), schema={"client_id": pl.Int64, "erp": pl.Float64}, orient="row"
    ).with_columns(pl.col("erp") * 1200)
    labels = data.clients.select(
        pl.col("client_id").cast(pl.Int64),
        pl.col("segment").fill_null(""),
        pl.col("region").fill_null("").alias("state"),
    )
    frame = (
        readings.select(pl.col("client_id").cast(pl.Int64), "revenue_in_abc_window")
        .join(labels, on="client_id", how="left")
        .join(erp_frame, on="client_id", how="left")
        .sort("client_id")
    )
    # the money as read back (float cents / 100, then × 100): the same float as before
    revenue = frame["revenue_in_abc_window"].cast(pl.Float64).to_numpy() / 100 * 100
    return (
        frame["client_id"].to_numpy(),
        revenue,
        frame["segment"].fill_null("").to_numpy().astype(object),
        frame["state"].fill_null("").to_numpy().astype(object),
        frame["erp"].fill_null(np.nan).to_numpy(),
    )


def do_store_potentials(
    run: SnapshotRun,
    *,
    rules: ValueRules,
    readings: pl.DataFrame | None = None,
    data: PortfolioInput | None = None,
) -> int:
    """Store each client's yearly potential, gap and share of wallet at the reading
    (replacing any stored for it); the revenue is the reading's ABC-window revenue made
    yearly (× 365 / window days). Returns the number of rows."""
    window_days = rules_from_dict(run.rules).abc.window_days
    ids, revenue, segments, states, erp = _potential_columns(run, readings, data)
    ClientPotential.objects.filter(run=run).delete()
    if not len(ids):
        return 0
    revenue_cents = np.rint(revenue * 365 / window_days).astype(np.int64)
    found = wallet_share(
        revenue_cents,
        segments,
        states,
        erp,
        quantile=float(rules.potential_quantile),
        min_peers=rules.min_peers,
    )
    keep = np.flatnonzero(~np.isnan(found.potential_cents))
    insert_frame(
        ClientPotential,
        pl.DataFrame(
            {
                "run_id": np.full(len(keep), run.pk, dtype=np.int64),
                "client_id": ids[keep],
                "revenue": _cents(revenue_cents[keep].astype(np.float64)),
                "potential": _cents(found.potential_cents[keep]),
                "source": pl.Series(found.source[keep].tolist(), dtype=pl.Utf8),
                "peers": found.peers[keep].astype(np.int64),
                "gap": _cents(found.gap_cents[keep]),
                "share": pl.Series(found.share[keep].astype(np.float64)).fill_nan(None),
            }
        ).with_columns(money_text(name).alias(name) for name in ("revenue", "potential", "gap")),
    )
    return len(keep)


HOLDOUT_DAYS = 180


def holdout(as_of: dt.date, *, days: int = HOLDOUT_DAYS, model: Model = "bgnbd") -> HoldoutCheck:
    """The model fitted on the history up to ``days`` before ``as_of``, its predicted
    purchases of those days against the actual ones (by calibration frequency)."""
    data = engine_input.load_input(as_of)
    start = as_of - dt.timedelta(days=days)
    return holdout_check(purchase_history(data, start), purchase_history(data, as_of), model=model)
