"""How good an assignment is: balance, revenue spread, compactness, moves."""

from dataclasses import dataclass

import numpy as np

from carteira_core.distribution.geo import haversine_km
from carteira_core.distribution.model import ClientIn, SellerIn


@dataclass(frozen=True)
class SellerLoad:
    seller: int
    clients: int
    workload: float
    capacity: float
    revenue: int

    @property
    def ratio(self) -> float:
        return self.workload / self.capacity if self.capacity else 0.0


@dataclass(frozen=True)
class Measures:
    loads: tuple[SellerLoad, ...]
    max_over_mean: float  # of workload/capacity, over the receiving sellers
    cv: float  # coefficient of variation of workload/capacity
    revenue_cv: float  # of revenue per unit of capacity
    mean_km: float  # workload-weighted mean distance from a client to its seller's base
    moved: int  # clients whose seller differs from today's
    centre_km: float = 0.0  # workload-weighted mean distance to the centre of the territory
    moved_workload: float = 0.0  # contacts a week that change hands
    revenue_max_over_mean: float = 0.0  # of revenue per unit of capacity


def bases(sellers: list[SellerIn], clients: list[ClientIn]) -> dict[int, tuple[float, float]]:
    """Each seller's base: their home, else the centre of today's clients, else the centre
    of all clients (a new seller without an address)."""
    located = [c for c in clients if c.latitude is not None and c.longitude is not None]
    centre = (
        (
            float(np.mean([c.latitude for c in located])),
            float(np.mean([c.longitude for c in located])),
        )
        if located
        else (0.0, 0.0)
    )
    result = {}
    for s in sellers:
        if s.latitude is not None and s.longitude is not None:
            result[s.id] = (s.latitude, s.longitude)
            continue
        own = [c for c in located if c.seller == s.id]
        result[s.id] = (
            (float(np.mean([c.latitude for c in own])), float(np.mean([c.longitude for c in own])))
            if own
            else centre
        )
    return result


def measure(
    sellers: list[SellerIn], clients: list[ClientIn], assignment: dict[int, int]
) -> Measures:
    base = bases(sellers, clients)
    index = {s.id: i for i, s in enumerate(sellers)}
    work = np.zeros(len(sellers))
    revenue = np.zeros(len(sellers), dtype=np.int64)
    count = np.zeros(len(sellers), dtype=np.int64)
    km = weight = 0.0
    sum_lat, sum_lon = np.zeros(len(sellers)), np.zeros(len(sellers))
    mass = np.zeros(len(sellers))
    for c in clients:
        sid = assignment.get(c.id)
        if sid is None or sid not in index:
            continue
        i = index[sid]
        work[i] += c.workload
        revenue[i] += c.revenue
        count[i] += 1
        if c.latitude is not None and c.longitude is not None:
            km += c.workload * float(haversine_km(c.latitude, c.longitude, *base[sid]))
            weight += c.workload
            sum_lat[i] += c.workload * c.latitude
            sum_lon[i] += c.workload * c.longitude
            mass[i] += c.workload
    capacity = np.array([s.capacity for s in sellers], dtype=float)
    receiving = np.array([s.can_receive for s in sellers]) & (capacity > 0)
    ratio = np.divide(work, capacity, out=np.zeros_like(work), where=capacity > 0)[receiving]
    per_capacity = np.divide(revenue, capacity, out=np.zeros_like(work), where=capacity > 0)
    per_capacity = per_capacity[receiving]
    mean = ratio.mean() if ratio.size else 0.0
    revenue_mean = per_capacity.mean() if per_capacity.size else 0.0
    loads = tuple(
        SellerLoad(s.id, int(count[i]), float(work[i]), float(capacity[i]), int(revenue[i]))
        for i, s in enumerate(sellers)
    )
    return Measures(
        loads=loads,
        max_over_mean=float(ratio.max() / mean) if mean else 0.0,
        cv=float(ratio.std() / mean) if mean else 0.0,
        revenue_cv=float(per_capacity.std() / per_capacity.mean()) if per_capacity.sum() else 0.0,
        mean_km=km / weight if weight else 0.0,
        moved=sum(1 for c in clients if _moved(c, assignment)),
        centre_km=_centre_km(clients, assignment, index, sum_lat, sum_lon, mass),
        moved_workload=float(sum(c.workload for c in clients if _moved(c, assignment))),
        revenue_max_over_mean=float(per_capacity.max() / revenue_mean) if revenue_mean else 0.0,
    )


def _moved(client: ClientIn, assignment: dict[int, int]) -> bool:
    return client.seller is not None and assignment.get(client.id) != client.seller


def _centre_km(clients, assignment, index, sum_lat, sum_lon, mass) -> float:
    centre_lat = np.divide(sum_lat, mass, out=np.zeros_like(mass), where=mass > 0)
    centre_lon = np.divide(sum_lon, mass, out=np.zeros_like(mass), where=mass > 0)
    rows = [
        (c.latitude, c.longitude, c.workload, index[assignment[c.id]])
        for c in clients
        if c.latitude is not None and c.longitude is not None and assignment.get(c.id) in index
    ]
    if not rows:
        return 0.0
    lat, lon, w, i = (np.array(col) for col in zip(*rows, strict=True))
    d = haversine_km(lat, lon, centre_lat[i.astype(int)], centre_lon[i.astype(int)])
    return float((d * w).sum() / w.sum()) if w.sum() else 0.0
