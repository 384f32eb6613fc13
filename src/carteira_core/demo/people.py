"""Teams, sellers and logins of the demo company."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import polars as pl

from carteira_core.demo.geo import TEAMS, Municipalities
from carteira_core.demo.vocabulary import FIRST_NAMES, SURNAMES, slug

CLIENTS_PER_SELLER = 250
MIN_SELLERS = 6
EMAIL_DOMAIN = "horizonte.com.br"


@dataclass(frozen=True)
class Staff:
    users: pl.DataFrame
    teams: pl.DataFrame
    sellers: pl.DataFrame
    seller_team: np.ndarray  # team index per seller row
    departed: int  # row of the seller who left the company


def _unique_names(rng: np.random.Generator, count: int) -> list[tuple[str, str]]:
    pairs = len(FIRST_NAMES) * len(SURNAMES)
    picks = rng.choice(pairs, size=count, replace=count > pairs)
    return [(FIRST_NAMES[p // len(SURNAMES)], SURNAMES[p % len(SURNAMES)]) for p in picks]


def sellers_per_team(client_team: np.ndarray, clients: int) -> np.ndarray:
    """~1 seller per 250 clients (at least 6), shared by the teams' client counts."""
    total = max(MIN_SELLERS, round(clients / CLIENTS_PER_SELLER))
    counts = np.bincount(client_team, minlength=len(TEAMS))
    share = counts / max(1, int(counts.sum()))
    return np.maximum(1, np.round(share * total)).astype(np.int64)


def _user(username: str, first: str, last: str, role: str, team: str | None = None) -> dict:
    return {
        "username": username,
        "first_name": first,
        "last_name": last,
        "email": f"{username}@{EMAIL_DOMAIN}",
        "role": role,
        "is_superuser": role == "admin",
        "team": team,
    }


def make_staff(
    rng: np.random.Generator,
    per_team: np.ndarray,
    home_municipality: np.ndarray,
    places: Municipalities,
) -> Staff:
    """``home_municipality`` gives one municipality row per seller (team by team), the
    last one being the departed seller's."""
    seller_count = int(per_team.sum()) + 1
    names = _unique_names(rng, seller_count + len(TEAMS) + 2)
    seller_team = np.append(np.repeat(np.arange(len(TEAMS)), per_team), per_team.argmax())
    departed = seller_count - 1
    no_login = departed - 1  # the last regular seller: a representative without a login

    users = [
        _user("admin", "Administrador", "Demo", "admin"),
        _user("diretor", *names[seller_count], "director"),
        _user("analista", *names[seller_count + 1], "analyst"),
    ]
    teams = []
    for index, (team_name, region, team_slug) in enumerate(TEAMS):
        username = f"gestor.{team_slug}"
        users.append(_user(username, *names[seller_count + 2 + index], "manager", team_name))
        teams.append({"name": team_name, "region": region, "manager_username": username})

    taken = {u["username"] for u in users}
    rows = []
    for row, (first, last) in enumerate(names[:seller_count]):
        username = f"{slug(first)}.{slug(last)}"
        while username in taken:
            username += "2"
        taken.add(username)
        has_login = row not in (departed, no_login)
        if has_login:
            users.append(_user(username, first, last, "seller", TEAMS[seller_team[row]][0]))
        place = home_municipality[row]
        rows.append(
            {
                "external_id": f"V{row + 1:03d}",
                "name": f"{first} {last}",
                "email": f"{username}@{EMAIL_DOMAIN}",
                "team_idx": int(seller_team[row]),
                "username": username if has_login else None,
                "active": row != departed,
                "home_city": f"{places.name[place]} - {places.uf[place]}",
                "home_latitude": round(float(places.lat[place]), 5),
                "home_longitude": round(float(places.lon[place]), 5),
                "weekly_capacity": int(rng.integers(8, 17)) * 5,
                "segments": "supermercados,atacado" if row % 8 == 7 else "",
            }
        )
    return Staff(
        users=pl.DataFrame(users),
        teams=pl.DataFrame(teams),
        sellers=pl.DataFrame(rows),
        seller_team=seller_team,
        departed=departed,
    )
