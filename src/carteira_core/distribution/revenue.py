"""Revenue repair: moves a few clients between neighbouring sellers until each seller's
revenue is within a band of its capacity share, every seller's workload staying inside
its band. See docs/adr/0011-compact-territories.md.

The flow balances revenue only through classes of revenue per contact (ADR 7); whole
clients, and single clients worth a tenth of a seller's revenue, leave sellers 20–30 %
off. Each seller may hand clients to its nearest sellers (by territory centre); for each
such pair the candidates are, among the clients cheapest to hand over, the cheapest, the
richest and the poorest per contact:

    minimise   BIG · Σ_s (over_s + under_s)  +  Σ_{c,t} Δcost(c, t) · x[c, t]
    subject to Σ_t x[c, t] ≤ 1                          (a client moves at most once)
               low_s ≤ load_s − out_s + in_s ≤ high_s   (workload stays in its band)
               R_s − out_s + in_s − over_s ≤ (1 + band) · T_s, and symmetrically below

Δcost is the proposal's own cost (distance that counts plus the move penalty), at least
MOVE_COST. The LP relaxation (GLOP) on every candidate tells which pairs of sellers should
trade; a MIP (SCIP) on those pairs' best candidates then picks whole clients. Work limits,
not time limits, and one thread: the same input gives the same answer. A second pass
starts from the first one's answer.
"""

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from ortools.linear_solver import pywraplp

from carteira_core.distribution.geo import haversine_km

NEIGHBOURS = 6  # sellers, by distance between territory centres
CANDIDATES = 50  # per (seller, neighbour) pair and ranking: cheapest, richest, poorest
SHORTLIST = 500  # per pair, the clients cheapest to hand over, ranked by revenue/contact
REVENUE_STEPS = 10_000  # revenue counted in 1/10,000 of the mean seller's target
POOL_PER_PAIR = 30  # candidates per pair the MIP may use beyond the LP's own moves
MIP_NODES = 300  # SCIP's branch-and-bound node limit (deterministic, unlike time)
MOVE_COST = 10  # the least a move costs: 1 km·contact a week
BIG = 100  # cost per step out of the band, against Δcost in tenths of km·contacts a week


@dataclass
class RevenueRepair:
    owner: np.ndarray  # seller index per client, -1: not served (changed in place)
    work: np.ndarray  # int units per client
    revenue: np.ndarray  # per client
    eligible: np.ndarray  # client × seller
    lat: np.ndarray
    lon: np.ndarray
    located: np.ndarray
    load_band: tuple[np.ndarray, np.ndarray]  # per seller, work units
    revenue_target: np.ndarray  # per seller
    cost: Callable[[np.ndarray, np.ndarray], np.ndarray]  # clients × sellers, float


def repair_revenue(r: RevenueRepair, band: float, *, passes: int = 2) -> int:
    """Move clients so that revenue gets within (1 ± band) · target; returns the moves."""
    moved = 0
    for _ in range(passes):
        rev = _revenue_per_seller(r)
        off = (rev > (1 + band) * r.revenue_target) | (rev < (1 - band) * r.revenue_target)
        if not (off & (r.revenue_target > 0)).any():
            break
        near = _neighbours(r, len(r.revenue_target))
        pairs = {(s, int(t)) for s, row in enumerate(near) for t in row}
        candidates = _candidates(r, pairs | {(t, s) for s, t in pairs})
        if not candidates:
            break
        m = _model(r, candidates, rev, band)
        chosen = _whole_moves(m, _pool(m))
        for i in chosen.tolist():
            r.owner[candidates[i][0]] = candidates[i][1]
        moved += int(chosen.size)
    return moved


def _revenue_per_seller(r: RevenueRepair) -> np.ndarray:
    held = r.owner >= 0
    return np.bincount(r.owner[held], weights=r.revenue[held], minlength=len(r.revenue_target))


def _neighbours(r: RevenueRepair, n: int) -> list[np.ndarray]:
    held = (r.owner >= 0) & r.located
    mass = np.bincount(r.owner[held], weights=r.work[held], minlength=n)
    lat = np.bincount(r.owner[held], weights=r.work[held] * r.lat[held], minlength=n)
    lon = np.bincount(r.owner[held], weights=r.work[held] * r.lon[held], minlength=n)
    has = mass > 0
    lat, lon = lat / np.maximum(mass, 1), lon / np.maximum(mass, 1)
    d = haversine_km(lat[:, None], lon[:, None], lat[None], lon[None])
    d = np.where(has[:, None] & has[None] & (r.revenue_target > 0)[None], d, np.inf)
    np.fill_diagonal(d, np.inf)
    order = np.argsort(d, axis=1, kind="stable")[:, :NEIGHBOURS]
    return [row[np.isfinite(d[s, row])] for s, row in enumerate(order)]


def _candidates(r: RevenueRepair, pairs) -> list[tuple[int, int, int]]:
    """(client, to seller, Δcost in tenths) for each pair: among the clients cheapest to
    hand over, the cheapest, the richest and the poorest per contact (a seller with too
    much revenue gives rich clients and takes poor ones in exchange, and the reverse)."""
    out = []
    for s, t in sorted(set(pairs)):
        mine = np.flatnonzero((r.owner == s) & r.eligible[:, t])
        if not mine.size:
            continue
        both = r.cost(mine, np.array([s, t]))
        delta = both[:, 1] - both[:, 0]
        near = np.lexsort((mine, delta))[:SHORTLIST]
        density = r.revenue[mine[near]] / r.work[mine[near]]
        rich = near[np.lexsort((mine[near], -density))]
        poor = near[np.lexsort((mine[near], density))]
        pick = np.unique(np.concatenate([near[:CANDIDATES], rich[:CANDIDATES], poor[:CANDIDATES]]))
        # Moves that look cheaper than staying put only look so: the flow kept those
        # clients for the revenue classes, which this cost does not see. Every move costs.
        cost = np.rint(np.maximum(delta[pick], 0.0) * 10).astype(np.int64) + MOVE_COST
        out += list(zip(mine[pick].tolist(), [t] * pick.size, cost.tolist(), strict=True))
    return out


@dataclass(frozen=True)
class _Model:
    """The repair in integers: candidate moves, and how much each seller's totals may change."""

    client: np.ndarray  # per candidate
    seller_from: np.ndarray
    seller_to: np.ndarray
    work: np.ndarray
    revenue: np.ndarray  # in steps
    delta: np.ndarray  # Δcost, tenths of km·contacts a week
    load_room: np.ndarray  # seller × (lowest, highest) change of load allowed
    revenue_room: np.ndarray  # seller × (lowest, highest) change of revenue in the band
    balanced: np.ndarray  # seller: is its revenue to be balanced (target > 0)?

    def terms(self, seller: int, values: np.ndarray) -> list[tuple[int, int]]:
        """(candidate, ± value) for every candidate that changes this seller's total."""
        out = np.flatnonzero(self.seller_from == seller).tolist()
        into = np.flatnonzero(self.seller_to == seller).tolist()
        return [(i, -int(values[i])) for i in out] + [(i, int(values[i])) for i in into]


def _model(r: RevenueRepair, candidates, rev: np.ndarray, band: float) -> _Model:
    n = len(r.revenue_target)
    step = max(float(r.revenue_target[r.revenue_target > 0].mean()) / REVENUE_STEPS, 1e-9)
    client, to, delta = (np.array(col, dtype=np.int64) for col in zip(*candidates, strict=True))
    held = r.owner >= 0
    load = np.bincount(r.owner[held], weights=r.work[held], minlength=n)
    low, high = r.load_band
    now = np.rint(rev / step)
    return _Model(
        client=client, seller_from=r.owner[client], seller_to=to,
        work=r.work[client].astype(np.int64),
        revenue=np.rint(r.revenue[client] / step).astype(np.int64), delta=delta,
        load_room=np.stack([np.ceil(np.minimum(low, load) - load),
                            np.floor(np.maximum(high, load) - load)], axis=1).astype(np.int64),
        revenue_room=np.stack([np.ceil((1 - band) * r.revenue_target / step) - now,
                               np.floor((1 + band) * r.revenue_target / step) - now],
                              axis=1).astype(np.int64),
        balanced=r.revenue_target > 0,
    )  # fmt: skip


def _build(solver, m: _Model, pool: np.ndarray, *, integer: bool) -> list:
    """The repair on the candidates in ``pool``; returns their variables."""
    inf = solver.infinity()
    x = {int(i): solver.Var(0.0, 1.0, integer, "") for i in pool}
    slack = []
    for s in range(len(m.load_room)):
        load = [(x[i], k) for i, k in m.terms(s, m.work) if i in x]
        if not load:
            continue
        solver.Add(solver.Sum([k * v for v, k in load]) >= float(m.load_room[s, 0]))
        solver.Add(solver.Sum([k * v for v, k in load]) <= float(m.load_room[s, 1]))
        if m.balanced[s]:
            change = solver.Sum([k * x[i] for i, k in m.terms(s, m.revenue) if i in x])
            over, under = solver.NumVar(0.0, inf, ""), solver.NumVar(0.0, inf, "")
            solver.Add(change - over <= float(m.revenue_room[s, 1]))
            solver.Add(change + under >= float(m.revenue_room[s, 0]))
            slack += [over, under]
    for group in _at_most_once(m):
        if sum(int(i) in x for i in group) > 1:
            solver.Add(solver.Sum([x[int(i)] for i in group if int(i) in x]) <= 1.0)
    moves = [float(m.delta[i]) * v for i, v in x.items()]
    solver.Minimize(BIG * solver.Sum(slack) + solver.Sum(moves))
    return list(x.values())


def _pool(m: _Model) -> np.ndarray:
    """The LP relaxation (GLOP) on every candidate, then the candidates of every pair of
    sellers the LP moves clients between (both ways): room for exchanges in whole clients."""
    lp = pywraplp.Solver.CreateSolver("GLOP")
    x = _build(lp, m, np.arange(m.delta.size), integer=False)
    if lp.Solve() != lp.OPTIMAL:
        return np.zeros(0, dtype=np.int64)
    used = np.array([v.solution_value() for v in x]) > 1e-6
    reduced = np.array([v.reduced_cost() for v in x])
    n = len(m.load_room)
    pair = m.seller_from * n + m.seller_to
    touched = np.union1d(pair[used], m.seller_to[used] * n + m.seller_from[used])
    inside = np.flatnonzero(np.isin(pair, touched))
    # per pair, the moves the LP would take next (lowest reduced cost)
    order = inside[np.lexsort((inside, reduced[inside], pair[inside]))]
    rank = np.arange(order.size) - np.searchsorted(pair[order], pair[order])
    return np.union1d(np.flatnonzero(used), order[rank < POOL_PER_PAIR])


def _whole_moves(m: _Model, pool: np.ndarray) -> np.ndarray:
    """The same model in whole clients on a small pool (SCIP, a node limit rather than a
    time limit, so the answer is reproducible). "No move" is always feasible."""
    mip = pywraplp.Solver.CreateSolver("SCIP")
    x = _build(mip, m, pool, integer=True)
    mip.SetNumThreads(1)
    # Limits by work, not time, so the answer is reproducible. Few cut rounds: the
    # root's cuts cost seconds and the bound matters little here; the heuristics do.
    settings = {"limits/nodes": MIP_NODES, "limits/gap": 0.3,
                "separating/maxroundsroot": 5, "separating/maxrounds": 1}  # fmt: skip
    mip.SetSolverSpecificParametersAsString("".join(f"{k} = {v}\n" for k, v in settings.items()))
    if mip.Solve() not in (mip.OPTIMAL, mip.FEASIBLE):
        return np.zeros(0, dtype=np.int64)
    return pool[np.array([v.solution_value() > 0.5 for v in x], dtype=bool)]


def _at_most_once(m: _Model) -> list[np.ndarray]:
    """Groups of candidates that move the same client (to different neighbours)."""
    order = np.argsort(m.client, kind="stable")
    groups = np.split(order, np.flatnonzero(np.diff(m.client[order])) + 1)
    return [g for g in groups if g.size > 1]
