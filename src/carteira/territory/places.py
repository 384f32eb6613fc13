"""The municipalities a map labels when no tile server is configured: where the user's
clients are, at the municipal seat shipped with the product (GeoNames), else at the
centre of those clients' own coordinates."""

from __future__ import annotations

from functools import cache

from django.db.models import Avg, Count, QuerySet

from carteira.clients.models import Client
from carteira_core.demo.geo import municipalities
from carteira_core.ingest.values import fold

ATTRIBUTION = "GeoNames (CC BY 4.0)"


@cache
def seats() -> dict[tuple[str, str], tuple[float, float, int]]:
    """(UF, folded name) → (lat, lon, population) of the municipal seats the product ships."""
    towns = municipalities()
    rows = zip(towns.name, towns.uf, towns.lat, towns.lon, towns.population, strict=True)
    return {
        (uf, fold(name)): (round(float(lat), 4), round(float(lon), 4), int(population))
        for name, uf, lat, lon, population in rows
    }


def client_towns(clients: QuerySet[Client]) -> list[list]:
    """[name, UF, lat, lon, clients] for each municipality of ``clients``, most clients
    first, then the most populous (one grouped query); a town placed nowhere (unknown
    seat, no client coordinates) is left out."""
    rows = (
        clients.exclude(city="")
        .values("state", "city")
        .annotate(n=Count("pk"), lat=Avg("latitude"), lon=Avg("longitude"))
        .order_by()
    )
    known = seats()
    towns: dict[tuple[str, str], list] = {}
    population: dict[tuple[str, str], int] = {}
    for row in rows:
        key = (row["state"], fold(row["city"]))
        if key in towns:  # the same town spelt two ways ("Sao Paulo", "São Paulo")
            towns[key][4] += row["n"]
            continue
        if key in known:
            lat, lon, population[key] = known[key]
        elif row["lat"] is not None and row["lon"] is not None:
            lat, lon = round(row["lat"], 4), round(row["lon"], 4)
        else:
            continue
        towns[key] = [row["city"].strip(), row["state"], lat, lon, row["n"]]
    ranked = sorted(towns, key=lambda key: (-towns[key][4], -population.get(key, 0), key))
    return [towns[key] for key in ranked]
