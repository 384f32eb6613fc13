"""What happens around the orders: contacts, interactions, leads, marketing spend,
complaints, credit limits and receivables."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from carteira_core.demo.clients import phones
from carteira_core.demo.orders import Ownership, _segment_offsets
from carteira_core.demo.profile import CHURNED, NEW, PROSPECT, STEADY_ACQUIRED, Profiles
from carteira_core.demo.vocabulary import (
    COMPLAINT_CATEGORIES,
    CONTACT_ROLES,
    CONTACT_SOURCES,
    FIRST_NAMES,
    INACTIVITY_REASONS,
    INTERACTION_NOTES,
    LEAD_LOST_REASONS,
    NEXT_STEPS,
    SURNAMES,
    slug,
)

CHANNELS = ("visit", "phone", "email", "letter", "whatsapp", "other")
CHANNEL_SHARE = (0.35, 0.25, 0.12, 0.01, 0.25, 0.02)
REASON_SHARE = (0.30, 0.25, 0.05, 0.08, 0.10, 0.10, 0.07, 0.05)
LEAD_SOURCES = ("referral", "event", "inbound", "list", "cold_call", "partner", "other")
LEAD_SOURCE_SHARE = (0.25, 0.13, 0.17, 0.12, 0.2, 0.1, 0.03)
# The default funnel's keys (carteira.leads.models.DEFAULT_STAGES).
LEAD_STAGES = ("listed", "researched", "contacted", "follow_up", "qualified", "meeting",
               "proposal", "won", "lost")  # fmt: skip
LEAD_STAGE_SHARE = (0.12, 0.1, 0.1, 0.08, 0.08, 0.05, 0.07, 0.15, 0.25)
# Monthly acquisition budget per channel (R$) for a 3,000-client distributor.
SPEND_PER_MONTH = {"referral": 1500, "event": 6000, "inbound": 2500, "list": 800,
                   "cold_call": 4000, "partner": 1000}  # fmt: skip
EVENT_MONTHS = (3, 6, 8, 10)


def _pick(rng: np.random.Generator, words, n: int, p=None) -> np.ndarray:
    return np.array(words, dtype=object)[rng.choice(len(words), size=n, p=p)]


def _days(values: np.ndarray) -> pl.Series:
    return pl.Series(values.astype(np.int32)).cast(pl.Date)


def person_names(rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    first = rng.integers(0, len(FIRST_NAMES), n)
    last = rng.integers(0, len(SURNAMES), n)
    full = np.array(FIRST_NAMES, dtype=object)[first] + " " + np.array(SURNAMES, dtype=object)[last]
    first_slug = np.array([slug(x) for x in FIRST_NAMES], dtype=object)[first]
    last_slug = np.array([slug(x) for x in SURNAMES], dtype=object)[last]
    return full, first_slug + "." + last_slug


def make_contacts(
    rng: np.random.Generator,
    domain: np.ndarray,
    ddd: np.ndarray,
    created_day: np.ndarray,
    size: np.ndarray,
) -> pl.DataFrame:
    n = len(domain)
    counts = rng.choice([1, 2, 3], size=n, p=[0.45, 0.35, 0.2])
    client, position = _segment_offsets(counts)
    m = len(client)
    name, local = person_names(rng, m)
    role = _pick(rng, CONTACT_ROLES, m)
    role = np.where((position == 0) & (size[client] < 1), "proprietário", role)
    basis = _pick(rng, ("contract", "legitimate_interest", "consent"), m, p=[0.5, 0.4, 0.1])
    consent_day = np.where(basis == "consent", created_day[client], -1)
    return pl.DataFrame(
        {
            "client_idx": client.astype(np.int32),
            "external_id": [f"CT-{i:07d}" for i in range(1, m + 1)],
            "name": name,
            "role": role,
            "email": local + "@" + domain[client],
            "phone": phones(rng, ddd[client], mobile=True),
            "legal_basis": basis,
            "consent_date": _days(consent_day),
            "source": _pick(rng, CONTACT_SOURCES, m),
        }
    ).with_columns(
        pl.when(pl.col("legal_basis") == "consent")
        .then(pl.col("consent_date"))
        .alias("consent_date")
    )


def make_interactions(
    rng: np.random.Generator, p: Profiles, owners: Ownership, today: int
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """One year of contacts; more for big clients; lost clients get reasons."""
    rank = p.size.argsort().argsort() / max(1, len(p.size) - 1)
    per_month = np.select([rank > 0.8, rank > 0.5], [2.2, 0.9], default=0.35)
    per_month = np.where(p.story == PROSPECT, 0.3, per_month)
    per_month = np.where(np.isin(p.story, CHURNED), 0.5, per_month)
    counts = rng.poisson(per_month * 12)
    client, _ = _segment_offsets(counts)
    m = len(client)
    day = np.maximum(today - rng.integers(0, 365, m), p.created_day[client])
    day = np.minimum(day, today)
    channel = _pick(rng, CHANNELS, m, p=CHANNEL_SHARE)
    successful = rng.random(m) < np.where(channel == "visit", 0.85, 0.7)
    lost = (p.stop_day[client] >= 0) & (day > p.stop_day[client]) & (rng.random(m) < 0.6)
    codes = {i: code for i, (code, _) in enumerate(INACTIVITY_REASONS)}
    reason = np.where(lost, rng.choice(len(codes), size=m, p=REASON_SHARE), -1)
    order = np.lexsort((client, day))
    frame = pl.DataFrame(
        {
            "external_id": [f"INT-{i:08d}" for i in range(1, m + 1)],
            "client_idx": client[order].astype(np.int32),
            "date": _days(day[order]),
            "channel": channel[order],
            "successful": successful[order],
            "seller_idx": owners.seller_at(client[order], day[order]).astype(np.int32),
            "reason": pl.Series(reason[order]).replace_strict(
                codes | {-1: None}, return_dtype=pl.String
            ),
            "notes": _pick(rng, INTERACTION_NOTES, m),
            "next_step": _pick(rng, NEXT_STEPS, m),
        }
    )
    reasons = pl.DataFrame(
        {"code": [c for c, _ in INACTIVITY_REASONS], "label": [x for _, x in INACTIVITY_REASONS]}
    )
    return frame, reasons


def make_leads(
    rng: np.random.Generator,
    clients: pl.DataFrame,
    p: Profiles,
    owners: Ownership,
    lead_documents: list[str],
    today: int,
) -> pl.DataFrame:
    """Open funnel leads plus the won ones that became this history's new clients."""
    won_pool = np.flatnonzero(np.isin(p.story, (NEW, STEADY_ACQUIRED)))
    n = len(lead_documents)
    stage = _pick(rng, LEAD_STAGES, n, p=LEAD_STAGE_SHARE)
    won_rows = np.flatnonzero(stage == "won")
    won_clients = rng.choice(won_pool, size=min(len(won_rows), len(won_pool)), replace=False)
    stage[won_rows[len(won_clients) :]] = "lost"
    client = np.full(n, -1)
    client[won_rows[: len(won_clients)]] = won_clients
    linked = client >= 0
    source_client = np.where(linked, client, rng.integers(0, len(clients), n))
    created = np.where(
        linked,
        p.created_day[np.maximum(client, 0)] - rng.integers(10, 60, n),
        today - rng.integers(0, 365, n),
    )
    trade = clients["trade_name"].to_numpy()
    documents = np.where(linked, clients["document"].to_numpy()[np.maximum(client, 0)],
                         np.array(lead_documents, dtype=object))  # fmt: skip
    suffix = _pick(rng, SURNAMES, n)
    return pl.DataFrame(
        {
            "name": np.where(
                linked, trade[np.maximum(client, 0)], trade[source_client] + " " + suffix
            ),
            "document": documents,
            "segment": clients["segment"].to_numpy()[source_client],
            "city": clients["city"].to_numpy()[source_client],
            "state": clients["state"].to_numpy()[source_client],
            "source": _pick(rng, LEAD_SOURCES, n, p=LEAD_SOURCE_SHARE),
            "stage": stage,
            "seller_idx": owners.current[source_client].astype(np.int32),
            "client_idx": pl.Series(np.where(linked, client, -1)).replace(-1, None).cast(pl.Int32),
            "created_date": _days(created),
            "lost_reason": np.where(stage == "lost", _pick(rng, LEAD_LOST_REASONS, n), ""),
        }
    )


def make_spend(rng: np.random.Generator, clients: int, today: date) -> pl.DataFrame:
    scale = max(0.2, clients / 3000)
    rows = []
    year, month = today.year - 2, today.month
    for _ in range(24):
        start = date(year, month, 1)
        month += 1
        if month == 13:
            year, month = year + 1, 1
        end = date.fromordinal(date(year, month, 1).toordinal() - 1)
        for channel, budget in SPEND_PER_MONTH.items():
            if channel == "event" and start.month not in EVENT_MONTHS:
                continue
            cents = int(budget * scale * rng.uniform(0.7, 1.3) * 100)
            rows.append({"period_start": start, "period_end": end, "channel": channel,
                         "amount_cents": cents})  # fmt: skip
    return pl.DataFrame(rows)


def make_complaints(
    rng: np.random.Generator, p: Profiles, owners: Ownership, today: int
) -> pl.DataFrame:
    buyers = np.flatnonzero(p.buyer)
    n = min(len(buyers), max(8, round(len(p.story) * 0.012)))
    client = rng.choice(buyers, size=n, replace=False)
    opened = today - rng.integers(0, 200, n)
    resolved = (rng.random(n) < 0.7) & (opened < today)
    closed = np.minimum(today, opened + rng.integers(1, 21, n))
    return pl.DataFrame(
        {
            "client_idx": client.astype(np.int32),
            "seller_idx": owners.seller_at(client, opened).astype(np.int32),
            "opened_on": _days(opened),
            "closed_on": _days(closed),
            "category": _pick(rng, COMPLAINT_CATEGORIES, n),
            "severity": _pick(rng, ("low", "medium", "high"), n, p=[0.4, 0.45, 0.15]),
            "status": np.where(resolved, "resolved", "open"),
            "description": np.full(n, "Registrada pelo vendedor na visita.", dtype=object),
        }
    ).with_columns(
        pl.when(pl.col("status") == "resolved").then(pl.col("closed_on")).alias("closed_on")
    )


def make_credit_limits(
    rng: np.random.Generator, p: Profiles, potential_cents: np.ndarray, today: int
) -> pl.DataFrame:
    buyers = np.flatnonzero(p.buyer)
    limit = np.maximum(100_000, np.round(potential_cents[buyers] * rng.uniform(1, 2, len(buyers))
                                         / 50_000) * 50_000).astype(np.int64)  # fmt: skip
    return pl.DataFrame(
        {
            "client_idx": buyers.astype(np.int32),
            "limit_cents": limit,
            "reviewed_on": _days(today - rng.integers(0, 365, len(buyers))),
        }
    )


def make_receivables(
    rng: np.random.Generator, orders: pl.DataFrame, p: Profiles, today: int
) -> pl.DataFrame:
    """Instalments of the invoices of the last 75 days; some late, some overdue."""
    recent = orders.filter(
        (pl.col("status") == "valid")
        & (pl.col("amount_cents") > 0)
        & (pl.col("date").cast(pl.Int32) > today - 75)
    )
    amount = recent["amount_cents"].to_numpy()
    parts = np.select([amount >= 150_000, amount >= 50_000], [3, 2], default=1)
    row, position = _segment_offsets(parts)
    client = recent["client_idx"].to_numpy()[row]
    issue = recent["date"].cast(pl.Int32).to_numpy()[row]
    due = issue + 28 * (position + 1)
    share = amount[row] // parts[row]
    share = share + np.where(position == 0, amount[row] - share * parts[row], 0)
    troubled = np.isin(p.story[client], CHURNED)
    pays = rng.random(len(row)) < np.where(troubled, 0.6, 0.93)
    paid_day = due + np.round(rng.normal(1, 4, len(row))).astype(np.int64)
    paid_day = np.clip(paid_day, issue, None)
    paid = pays & (paid_day <= today)
    invoice = recent["external_id"].str.replace("PED-", "NF-").to_numpy()[row]
    return (
        pl.DataFrame(
            {
                "client_idx": client.astype(np.int32),
                "invoice": invoice,
                "instalment": (position + 1).astype(np.int16),
                "issue_date": _days(issue),
                "due_date": _days(due),
                "amount_cents": share,
                "paid_date": _days(np.where(paid, paid_day, 0)),
                "paid_amount_cents": np.where(paid, share, 0),
                "paid": paid,
            }
        )
        .with_columns(
            pl.when(pl.col("paid")).then(pl.col("paid_date")).alias("paid_date"),
            pl.when(pl.col("paid")).then(pl.col("paid_amount_cents")).alias("paid_amount_cents"),
        )
        .drop("paid")
    )
