"""``generate()``: a whole demo distributor as Polars tables, deterministic per seed."""

from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date

import numpy as np
import polars as pl

from carteira_core.demo import activity, orders, people, profile
from carteira_core.demo import clients as client_data
from carteira_core.demo.geo import TEAMS, great_circle_km, municipalities

COMPANY_NAME = "Distribuidora Horizonte Ltda"
DEPARTED_DAYS_AGO = 150  # when the seller who left handed over the portfolio
REASSIGNED_SHARE = 0.015
NEVER = np.iinfo(np.int64).max
EPOCH = date(1970, 1, 1).toordinal()


@dataclass(frozen=True)
class DemoData:
    """One Polars DataFrame per table. Foreign keys are ``*_idx`` columns: row numbers
    in the referenced table (``client_idx`` → ``clients``, ``seller_idx`` → ``sellers``,
    ``team_idx`` → ``teams``). Money is integer cents (``*_cents``)."""

    company_name: str
    today: date
    seed: int
    users: pl.DataFrame
    teams: pl.DataFrame
    sellers: pl.DataFrame
    clients: pl.DataFrame
    assignments: pl.DataFrame
    contacts: pl.DataFrame
    orders: pl.DataFrame
    inactivity_reasons: pl.DataFrame
    interactions: pl.DataFrame
    leads: pl.DataFrame
    acquisition_spend: pl.DataFrame
    complaints: pl.DataFrame
    credit_limits: pl.DataFrame
    receivables: pl.DataFrame

    def tables(self) -> dict[str, pl.DataFrame]:
        return {
            f.name: getattr(self, f.name)
            for f in fields(self)
            if isinstance(getattr(self, f.name), pl.DataFrame)
        }


def _territories(
    team: np.ndarray, lon: np.ndarray, lat: np.ndarray, per_team: np.ndarray
) -> tuple[np.ndarray, list[np.ndarray]]:
    """Each team's clients cut west to east into one slice per seller."""
    seller = np.zeros(len(team), dtype=np.int64)
    slices: list[np.ndarray] = []
    offset = 0
    for t in range(len(TEAMS)):
        rows = np.flatnonzero(team == t)
        rows = rows[np.lexsort((lat[rows], lon[rows]))]
        for k, chunk in enumerate(np.array_split(rows, per_team[t])):
            seller[chunk] = offset + k
            slices.append(chunk)
        offset += per_team[t]
    return seller, slices


# How far a seller goes and comes back within the agenda's day: 08:00-18:00, a 30-minute
# visit, the straight line x 1.3 at 40 km/h (carteira_core.agenda.route's reckoning; the
# core's parts stand alone, so its figures are repeated here): about 146 km.
DAY_TRIP_KM = (10 * 60 - 30) / 2 / 60 * 40.0 / 1.3
HOME_CANDIDATES = 20  # the territory's largest towns a seller may live in


def _home_municipalities(
    slices: list[np.ndarray], loc: client_data.Places, seller_team: np.ndarray, places
) -> np.ndarray:
    """Each seller lives in the one of their territory's largest towns that has the most
    of their clients within a day trip (the largest among equals): the week's visits
    start near most of them, and the agenda plans the clients beyond as calls."""
    homes = []
    for k, chunk in enumerate(slices):
        towns = np.unique(loc.municipality[chunk])
        if len(towns) == 0:
            towns = np.flatnonzero(places.team == seller_team[k])
        # Largest first (then by row: the same home for the same data): argmax keeps the
        # first of equals.
        towns = towns[np.lexsort((towns, -places.population[towns]))][:HOME_CANDIDATES]
        near = (
            great_circle_km(places.lat[towns, None], places.lon[towns, None],
                            loc.lat[None, chunk], loc.lon[None, chunk]) <= DAY_TRIP_KM
        ).sum(axis=1)  # fmt: skip
        homes.append(int(towns[near.argmax()]))
    return np.array(homes, dtype=np.int64)


def _ownership(
    rng: np.random.Generator,
    current: np.ndarray,
    slices: list[np.ndarray],
    per_team: np.ndarray,
    created_day: np.ndarray,
    today: int,
) -> orders.Ownership:
    n = len(current)
    first = current.copy()
    change = np.full(n, NEVER, dtype=np.int64)
    # The seller who left: half of a colleague's territory was theirs until the handover.
    departed = int(per_team.sum())
    victim = int(np.cumsum(per_team)[per_team.argmax()] - per_team.max())
    handed = slices[victim][::2]
    first[handed] = departed
    change[handed] = today - DEPARTED_DAYS_AGO
    # A few individual moves between colleagues of the same team.
    team_start = np.repeat(np.cumsum(per_team) - per_team, per_team)
    team_size = np.repeat(per_team, per_team)
    movable = (change == NEVER) & (team_size[current] > 1) & (rng.random(n) < REASSIGNED_SHARE)
    moved = np.flatnonzero(movable)
    base = team_start[current[moved]]
    first[moved] = base + (current[moved] - base + 1) % team_size[current[moved]]
    change[moved] = today - rng.integers(30, 700, len(moved))
    # A move before the client existed is no move at all.
    undo = change <= created_day
    first[undo], change[undo] = current[undo], NEVER
    return orders.Ownership(first=first, current=current, change_day=change)


def _assignments(owners: orders.Ownership) -> pl.DataFrame:
    moved = np.flatnonzero(owners.change_day != NEVER)
    n = len(owners.first)
    day = pl.Series(owners.change_day[moved].astype(np.int32)).cast(pl.Date)
    original = pl.DataFrame(
        {
            "client_idx": np.arange(n, dtype=np.int32),
            "seller_idx": owners.first.astype(np.int32),
            "start_date": pl.Series([None] * n, dtype=pl.Date),
            "end_date": pl.Series([None] * n, dtype=pl.Date).scatter(moved, day),
            "reason": pl.Series([""] * n, dtype=pl.String),
        }
    )
    departed = owners.first.max()
    later = pl.DataFrame(
        {
            "client_idx": moved.astype(np.int32),
            "seller_idx": owners.current[moved].astype(np.int32),
            "start_date": day,
            "end_date": pl.Series([None] * len(moved), dtype=pl.Date),
            "reason": np.where(
                owners.first[moved] == departed,
                "Vendedor desligado: carteira transferida",
                "Rebalanceamento de carteira",
            ),
        }
    )
    return pl.concat([original, later]).sort("client_idx", "start_date", nulls_last=False)


def _client_table(rng, n, seed, loc, segment, prof, current, places, lead_count):
    muni = loc.municipality
    is_person = np.isin(segment, [2, 3]) & (rng.random(n) < 0.04)
    created_rank = np.argsort(np.argsort(prof.created_day, kind="stable"), kind="stable")
    newest = created_rank >= n - max(1, round(n * client_data.ALPHANUMERIC_SHARE))
    lead_alnum = np.zeros(lead_count, dtype=bool)
    docs = client_data.documents(
        seed,
        np.concatenate([newest & ~is_person, lead_alnum]),
        np.concatenate([is_person, lead_alnum]),
    )
    legal, trade, stem = client_data.names(rng, segment, is_person)
    ddd = places.ddd[muni]
    email = np.where(
        rng.random(n) < 0.7,
        "contato@" + stem + ".com.br",
        stem + np.char.mod("%d", np.arange(n)).astype(object) + "@gmail.com",
    )
    potential = prof.ticket_cents * 30 / prof.gap * rng.uniform(1.1, 2.0, n)
    potential = np.where(prof.buyer, np.round(potential / 10_000) * 10_000, 0).astype(np.int64)
    key_account = prof.size >= np.quantile(prof.size, 0.99)
    frame = pl.DataFrame(
        {
            "external_id": [f"C{i:06d}" for i in range(1, n + 1)],
            "name": legal,
            "trade_name": trade,
            "document": docs[:n],
            "segment": np.array(client_data.SEGMENT_NAMES, dtype=object)[segment],
            "city": places.name[muni],
            "state": places.uf[muni],
            "postal_code": client_data.postal_codes(rng, places.cep_prefix[muni]),
            "latitude": loc.lat,
            "longitude": loc.lon,
            "phone": client_data.phones(rng, ddd, mobile=False),
            "email": email,
            "created_date": pl.Series(prof.created_day.astype(np.int32)).cast(pl.Date),
            "potential_cents": pl.Series(potential).replace(0, None),
            "seller_idx": current.astype(np.int32),
            "is_key_account": key_account,
        }
    )
    return frame, stem + ".com.br", ddd, docs[n:]


def generate(*, clients: int = 3000, seed: int = 42, today: date | None = None) -> DemoData:
    """A demo distributor with ``clients`` clients (prospects included), orders ending
    ``today`` (default: the current date). The same arguments give identical tables."""
    today = today or date.today()
    day0 = today.toordinal() - EPOCH
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(12)]
    places = municipalities()
    n = clients

    loc = client_data.locate(streams[0], n, places)
    segment = client_data.pick_segments(streams[0], n)
    team = places.team[loc.municipality].astype(np.int64)
    prof = profile.make_profiles(streams[1], segment, day0)
    per_team = people.sellers_per_team(team, n)
    current, slices = _territories(team, loc.lon, loc.lat, per_team)
    owners = _ownership(streams[2], current, slices, per_team, prof.created_day, day0)
    seller_team = np.append(np.repeat(np.arange(len(TEAMS)), per_team), per_team.argmax())
    homes = _home_municipalities(slices, loc, seller_team, places)
    victim = int(np.cumsum(per_team)[per_team.argmax()] - per_team.max())
    staff = people.make_staff(streams[3], per_team, np.append(homes, homes[victim]), places)

    lead_count = max(20, round(n * 0.06))
    client_frame, domain, ddd, lead_docs = _client_table(
        streams[4], n, seed, loc, segment, prof, current, places, lead_count
    )
    order_frame = orders.make_orders(streams[5], prof, owners, day0)
    interactions, reasons = activity.make_interactions(streams[6], prof, owners, day0)
    return DemoData(
        company_name=COMPANY_NAME,
        today=today,
        seed=seed,
        users=staff.users,
        teams=staff.teams,
        sellers=staff.sellers,
        clients=client_frame,
        assignments=_assignments(owners),
        contacts=activity.make_contacts(streams[7], domain, ddd, prof.created_day, prof.size),
        orders=order_frame,
        inactivity_reasons=reasons,
        interactions=interactions,
        leads=activity.make_leads(streams[8], client_frame, prof, owners, lead_docs, day0),
        acquisition_spend=activity.make_spend(streams[9], n, today),
        complaints=activity.make_complaints(streams[10], prof, owners, day0),
        credit_limits=activity.make_credit_limits(
            streams[11], prof, client_frame["potential_cents"].fill_null(0).to_numpy(), day0
        ),
        receivables=activity.make_receivables(streams[11], order_frame, prof, day0),
    )
