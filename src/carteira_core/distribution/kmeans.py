"""The baselines: workload-weighted k-means (one cluster per receiving seller), clusters
matched to sellers by an assignment problem on travel — ignores capacity, segments and
today's assignment: what a spreadsheet-and-GIS redesign would produce — and its
capacitated variant (k-means followed by capacity-constrained Lloyd rounds)."""

from dataclasses import replace

import numpy as np
from ortools.graph.python import linear_sum_assignment

from carteira_core.distribution.geo import haversine_km
from carteira_core.distribution.metrics import bases
from carteira_core.distribution.model import ClientIn, Options, SellerIn
from carteira_core.distribution.propose import propose


def _plane(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
    """Equirectangular km: good enough for clustering inside a country."""
    return np.stack([lat * 111.32, lon * 111.32 * np.cos(np.radians(lat))], axis=1)


def kmeans_assignment(
    sellers: list[SellerIn], clients: list[ClientIn], *, seed: int = 0, iterations: int = 60
) -> dict[int, int]:
    receivers = [s for s in sellers if s.can_receive]
    located = [c for c in clients if c.latitude is not None and c.longitude is not None]
    lat = np.array([c.latitude for c in located])
    lon = np.array([c.longitude for c in located])
    weight = np.array([max(c.workload, 1e-9) for c in located])
    points = _plane(lat, lon)
    k = len(receivers)
    rng = np.random.default_rng(seed)
    centres = [points[rng.choice(len(points), p=weight / weight.sum())]]
    for _ in range(1, k):  # k-means++
        gap = np.min(((points[:, None] - np.array(centres)[None]) ** 2).sum(-1), axis=1)
        chance = weight * gap
        centres.append(points[rng.choice(len(points), p=chance / chance.sum())])
    centre = np.array(centres)
    label = np.zeros(len(points), dtype=np.int64)
    for _ in range(iterations):
        label_new = np.argmin(((points[:, None] - centre[None]) ** 2).sum(-1), axis=1)
        for j in range(k):
            mine = label_new == j
            if mine.any():
                centre[j] = np.average(points[mine], axis=0, weights=weight[mine])
        if np.array_equal(label_new, label):
            break
        label = label_new
    base = bases(sellers, clients)
    base_lat = np.array([base[s.id][0] for s in receivers])
    base_lon = np.array([base[s.id][1] for s in receivers])
    distance = haversine_km(lat[:, None], lon[:, None], base_lat[None], base_lon[None])
    one_hot = np.zeros((k, len(points)))
    one_hot[label, np.arange(len(points))] = weight
    travel = np.rint(one_hot @ distance * 100).astype(np.int64)  # cluster × seller
    solver = linear_sum_assignment.SimpleLinearSumAssignment()
    rows, cols = np.meshgrid(np.arange(k), np.arange(k), indexing="ij")
    solver.add_arcs_with_cost(rows.ravel(), cols.ravel(), travel.ravel())
    if solver.solve() != solver.OPTIMAL:
        raise RuntimeError("cluster matching failed")
    seller_of = [receivers[solver.right_mate(j)].id for j in range(k)]
    result = {c.id: seller_of[lab] for c, lab in zip(located, label.tolist(), strict=True)}
    for c in clients:  # no coordinates: keep today's seller, else the first receiver
        result.setdefault(c.id, c.seller if c.seller in seller_of else receivers[0].id)
    return result


def capacitated_kmeans_assignment(
    sellers: list[SellerIn],
    clients: list[ClientIn],
    *,
    seed: int = 0,
    iterations: int = 4,
    tolerance: float = 0.05,
) -> dict[int, int]:
    """The baseline a careful analyst would build: workload-weighted k-means, clusters
    matched to sellers, then Lloyd rounds where the assignment step respects each seller's
    capacity share (a min-cost flow on distance to the cluster centres, the proposal's own
    machinery with no move penalty and no revenue prices) and centres move to the
    workload-weighted mean of their clients. Ignores today's assignment."""
    options = Options(tolerance=tolerance, move_km=0.0, revenue_tolerance=None, compactness=0.0)
    assignment = kmeans_assignment(sellers, clients, seed=seed)
    located = [c for c in clients if c.latitude is not None and c.longitude is not None]
    weight = {c.id: max(c.workload, 1e-9) for c in located}
    for _ in range(iterations):
        centres = {}
        for s in sellers:
            mine = [c for c in located if assignment.get(c.id) == s.id]
            if mine:
                w = np.array([weight[c.id] for c in mine])
                lat = float(np.average([c.latitude for c in mine], weights=w))
                lon = float(np.average([c.longitude for c in mine], weights=w))
                centres[s.id] = (lat, lon)
        moved = [
            replace(s, latitude=centres[s.id][0], longitude=centres[s.id][1])
            if s.id in centres else s
            for s in sellers
        ]  # fmt: skip
        start = [replace(c, seller=assignment.get(c.id, c.seller)) for c in clients]
        assignment = propose(moved, start, options).assignment
    return assignment
