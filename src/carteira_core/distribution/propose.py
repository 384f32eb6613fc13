"""The balanced distribution proposal: a min-cost-flow transportation problem on small
geographic cells, then whole clients and repair passes. See docs/adr/0004-distribution.md,
0007-distribution-bounds-and-revenue.md and 0011-compact-territories.md.

Cost of serving client c by seller s (km·contacts/week):
    w_c · d(c, s)  +  [s ≠ today's seller] · P_c,
    d(c, s) = (1 − compactness) · km to s's base + compactness · km to s's territory centre
    P_c = move_km · mean(w) · (1 + revenue_weight · revenue_c / mean(revenue))
The territory centres come from Lloyd rounds on a sketch of the problem (ADR 11), then
one full flow; whole clients, the workload repair, then revenue.py's revenue repair.
Network: cell → (seller, revenue class) → seller → sink.
- seller → sink: three tranches push each seller's load into (1 ± tolerance) · target
  (cheap below the band's floor, dear inside it, dearer above), target = the workload
  share proportional to capacity. These costs dominate every other cost: balance first.
- (seller, class) → seller: revenue balance in the same single-commodity flow. Clients
  fall in ``revenue_classes`` classes by revenue per contact (quantiles); each seller is
  paid a bonus of ``revenue_km`` per contact a week for carrying its capacity share of each
  class up to (1 − revenue_tolerance), and charged as much beyond (1 + revenue_tolerance).
  A seller holding its share of every class holds its share of revenue.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
from ortools.graph.python import min_cost_flow

from carteira_core.distribution.bounds import GroupPlan, solve_groups
from carteira_core.distribution.geo import haversine_km
from carteira_core.distribution.metrics import bases
from carteira_core.distribution.model import ClientIn, Move, Options, Proposal, SellerIn
from carteira_core.distribution.revenue import RevenueRepair, repair_revenue

UNIT = 1000  # flow units per contact a week
COST_SCALE = 10  # integer costs: tenths of a km
# The least-travel pass splits groups by place only up to this many CP-SAT variables
# (groups × sellers): the demo's 897 × 12 solve in seconds; the bench's 50 sellers × 20k
# clients (thousands of groups) found nothing in 18 s.
REGION_VARIABLES = 20_000
# ... and for at most this many deterministic seconds (of ``fewest_moves_time``): on the
# 3,000-client demo the split model took 12 s of CPU at 5 s and found no cheaper plan than
# the plain groups' (issue 25: the proposal in <= 3 s); the plain groups follow it anyway.
REGION_SECONDS = 1.0
# The passes ``propose`` reports to its ``progress`` callback, in order ("changes" only
# with ``fewest_moves``): group the clients into areas, balance the workload over the
# areas and whole clients, keep the changes of hands few, balance the revenue.
STEPS = ("areas", "balance", "changes", "revenue")


@dataclass
class _Problem:
    lat: np.ndarray
    lon: np.ndarray
    located: np.ndarray
    work: np.ndarray  # int flow units per client
    revenue: np.ndarray  # per client, cents (float)
    penalty: np.ndarray  # P_c, km·contacts/week
    current: np.ndarray  # seller index or -1
    eligible: np.ndarray  # client × seller: may this seller take this client?
    base_lat: np.ndarray
    base_lon: np.ndarray
    # Territory centres (Lloyd rounds): distance counts (1 − compactness) · to the base
    # plus compactness · to the centre. Start at the bases.
    centre_lat: np.ndarray
    centre_lon: np.ndarray
    compactness: float
    target: np.ndarray  # flow units per seller
    revenue_target: np.ndarray  # cents per seller
    revenue_per_unit: float  # total revenue / total flow units (served clients)
    klass: np.ndarray  # revenue class per client (0 = least revenue per contact)
    share: np.ndarray  # capacity share per seller


@dataclass
class _Network:
    """The transportation problem on cells: arcs cell → seller and the cells' totals."""

    tails: np.ndarray
    heads: np.ndarray
    cost: np.ndarray  # km per contact a week: distance + move penalty (float)
    work: np.ndarray  # per cell, flow units
    klass: np.ndarray  # per cell, revenue class
    current: np.ndarray  # per cell, today's seller index or -1
    lat: np.ndarray  # per cell, workload-weighted centroid (0 when no client is located)
    lon: np.ndarray
    mass: np.ndarray  # per cell, flow units of located clients


def _problem(sellers: list[SellerIn], clients: list[ClientIn], options: Options) -> _Problem:
    index: dict[int | None, int] = {s.id: i for i, s in enumerate(sellers)}
    lat = np.array([np.nan if c.latitude is None else c.latitude for c in clients], dtype=float)
    lon = np.array([np.nan if c.longitude is None else c.longitude for c in clients], dtype=float)
    workload = np.array([max(c.workload, 0.0) for c in clients], dtype=float)
    revenue = np.array([max(c.revenue, 0) for c in clients], dtype=float)
    mean_revenue = revenue.mean() if revenue.size and revenue.mean() > 0 else 1.0
    mean_work = workload.mean() if workload.size and workload.mean() > 0 else 1.0
    penalty = options.move_km * mean_work * (1 + options.revenue_weight * revenue / mean_revenue)
    segments = sorted({c.segment for c in clients})
    serves = np.array([[s.can_receive and s.serves(g) for s in sellers] for g in segments])
    segment_of = {g: i for i, g in enumerate(segments)}
    eligible = serves[[segment_of[c.segment] for c in clients]] if clients else serves[:0]
    base = bases(sellers, clients)
    capacity = np.array([s.capacity if s.can_receive else 0.0 for s in sellers], dtype=float)
    work = np.maximum(np.rint(workload * UNIT).astype(np.int64), 1)
    served = eligible.any(axis=1) if eligible.size else np.zeros(len(clients), bool)
    total = work[served].sum()
    share = capacity / capacity.sum() if capacity.sum() > 0 else capacity
    total_revenue = revenue[served].sum()
    return _Problem(
        klass=_revenue_classes(revenue, work, served, options),
        share=share,
        lat=lat,
        lon=lon,
        located=np.isfinite(lat) & np.isfinite(lon),
        work=work,
        revenue=revenue,
        penalty=penalty,
        current=np.array([index.get(c.seller, -1) for c in clients], dtype=np.int64),
        eligible=eligible,
        base_lat=np.array([base[s.id][0] for s in sellers]),
        base_lon=np.array([base[s.id][1] for s in sellers]),
        centre_lat=np.array([base[s.id][0] for s in sellers]),
        centre_lon=np.array([base[s.id][1] for s in sellers]),
        compactness=options.compactness,
        target=total * share,
        revenue_target=total_revenue * share,
        revenue_per_unit=float(total_revenue / total) if total and total_revenue else 0.0,
    )


def _revenue_classes(revenue, work, served, options: Options) -> np.ndarray:
    """Quantile classes of revenue per contact, weighted by workload (equal workload each)."""
    if options.revenue_tolerance is None or options.revenue_classes < 2 or not served.any():
        return np.zeros(len(work), dtype=np.int64)
    density = revenue / work
    order = np.argsort(density[served], kind="stable")
    cumulative = np.cumsum(revenue[served][order]) / max(revenue[served].sum(), 1.0)
    cuts = np.arange(1, options.revenue_classes) / options.revenue_classes
    edges = density[served][order][np.minimum(np.searchsorted(cumulative, cuts), order.size - 1)]
    return np.searchsorted(np.unique(edges), density, side="right").astype(np.int64)


def _rows(table: np.ndarray) -> np.ndarray:
    """A dense id per distinct row (ids follow the rows' byte order: deterministic)."""
    table = np.ascontiguousarray(table)
    flat = table.view(np.dtype((np.void, table.dtype.itemsize * table.shape[1]))).ravel()
    return np.unique(flat, return_inverse=True)[1].ravel()


def _cells(p: _Problem, served: np.ndarray, cell_km: float, *, sketch=False) -> np.ndarray:
    """Cell number per served client: grid square × segment eligibility × today's seller
    (× move dearness × revenue class, unless a sketch for the Lloyd rounds)."""
    gx, gy = _grid(p, cell_km)
    who = _rows(np.packbits(p.eligible, axis=1))
    # Clients whose move costs alike per unit of work share a cell, so the flow can move
    # the cheap ones and keep the dear ones (big clients) without splitting cells.
    per_unit = np.log2(np.maximum(p.penalty / p.work, 1e-12))
    dearness = np.floor(per_unit * 2).astype(np.int64) if p.penalty.any() else 0 * gx
    columns = [gx, gy, who, p.current]
    key = np.stack(columns if sketch else [*columns, dearness, p.klass], axis=1)
    key = key[served]
    return _rows(key)


def _grid(p: _Problem, km: float) -> tuple[np.ndarray, np.ndarray]:
    """Grid square (row, column) of side ``km`` per client; one square for the unlocated."""
    step_lat = km / 111.32
    safe_lat = np.where(p.located, p.lat, 0.0)
    step_lon = km / (111.32 * np.maximum(np.cos(np.radians(safe_lat)), 0.1))
    gx = np.where(p.located, np.floor(safe_lat / step_lat), -(10**9)).astype(np.int64)
    gy = np.where(p.located, np.floor(np.where(p.located, p.lon, 0.0) / step_lon), -(10**9))
    return gx, gy.astype(np.int64)


def _network(
    p: _Problem, members: np.ndarray, cell: np.ndarray, options: Options, *, classes=True
) -> _Network:
    """Arcs from each cell to its nearest eligible bases, plus today's seller."""
    n_cells, n_sellers = int(cell.max()) + 1, len(p.target)
    work = np.bincount(cell, weights=p.work[members], minlength=n_cells)
    wl = np.where(p.located[members], p.work[members], 0)
    mass = np.bincount(cell, weights=wl, minlength=n_cells)
    safe = np.maximum(mass, 1)
    c_lat = np.bincount(cell, weights=wl * np.nan_to_num(p.lat[members]), minlength=n_cells) / safe
    c_lon = np.bincount(cell, weights=wl * np.nan_to_num(p.lon[members]), minlength=n_cells) / safe
    penalty = np.bincount(cell, weights=p.penalty[members], minlength=n_cells)
    first = np.full(n_cells, -1)
    first[cell[::-1]] = members[::-1]
    current = p.current[first]
    eligible = p.eligible[first]
    distance = np.where((mass > 0)[:, None], _reach(p, c_lat, c_lon), 0.0)
    k = min(options.neighbours, n_sellers)
    ranked = np.argsort(np.where(eligible, distance, np.inf), axis=1, kind="stable")[:, :k]
    rows = np.repeat(np.arange(n_cells), k).reshape(n_cells, k)
    keep = eligible[rows, ranked]
    tails, heads = rows[keep], ranked[keep]
    has_current = current >= 0
    missing = has_current & eligible[np.arange(n_cells), np.maximum(current, 0)]
    missing &= ~(ranked == current[:, None]).any(axis=1)
    tails = np.concatenate([tails, np.flatnonzero(missing)])
    heads = np.concatenate([heads, current[missing]])
    moving = np.where(heads != current[tails], penalty[tails] * UNIT / work[tails], 0.0)
    cost = distance[tails, heads] + moving
    klass = p.klass[first] if classes else np.zeros(n_cells, dtype=np.int64)
    return _Network(tails, heads, cost, work, klass, current, c_lat, c_lon, mass)


def _reach(p: _Problem, lat: np.ndarray, lon: np.ndarray, sellers=slice(None)) -> np.ndarray:
    """The distance that counts, points × sellers: to the seller's base, blended with the
    distance to the centre of the seller's territory by ``compactness``."""
    lat, lon = lat[:, None], lon[:, None]
    to_base = haversine_km(lat, lon, p.base_lat[sellers][None], p.base_lon[sellers][None])
    if not p.compactness:
        return to_base
    to_centre = haversine_km(lat, lon, p.centre_lat[sellers][None], p.centre_lon[sellers][None])
    return (1 - p.compactness) * to_base + p.compactness * to_centre


def _move_centres(p: _Problem, net: _Network, units: np.ndarray) -> float:
    """Lloyd step: each seller's centre goes to the workload-weighted centroid of the
    located clients the flow gives it. Returns the largest shift, in km."""
    n = len(p.target)
    mass = units * (net.mass[net.tails] > 0)
    total = np.bincount(net.heads, weights=mass, minlength=n)
    lat = np.bincount(net.heads, weights=mass * net.lat[net.tails], minlength=n)
    lon = np.bincount(net.heads, weights=mass * net.lon[net.tails], minlength=n)
    has = total > 0
    lat = np.where(has, lat / np.maximum(total, 1), p.centre_lat)
    lon = np.where(has, lon / np.maximum(total, 1), p.centre_lon)
    shift = haversine_km(lat, lon, p.centre_lat, p.centre_lon)
    p.centre_lat, p.centre_lon = lat, lon
    return float(shift.max(initial=0.0))


def _settle_centres(p: _Problem, served, members, options: Options) -> None:
    """Lloyd rounds on a sketch of the problem (cells twice as wide, no revenue classes):
    flow, move each centre to its territory's centroid, until the centres settle."""
    cell = _cells(p, served, 2 * options.cell_km, sketch=True)
    for _ in range(options.centre_rounds):
        net = _network(p, members, cell, options, classes=False)
        if _move_centres(p, net, _flow(p, net, options)) < 1.0:  # km
            return


def _flow(p: _Problem, net: _Network, options: Options) -> np.ndarray:
    """Solve the transportation problem: flow units on each arc cell → seller."""
    n_cells, n_sellers = len(net.work), len(p.target)
    n_classes = int(net.klass.max()) + 1 if net.klass.size else 1
    unit_cost = np.rint(net.cost * COST_SCALE).astype(np.int64)
    bonus = round(options.revenue_km * COST_SCALE) if n_classes > 1 else 0
    floor_bonus = 2 * (int(np.abs(unit_cost).max(initial=0)) + 2 * bonus) + 1
    overflow = 3 * floor_bonus
    low = np.floor((1 - options.tolerance * 0.8) * p.target).astype(np.int64)
    high = np.floor((1 + options.tolerance * 0.8) * p.target).astype(np.int64)
    total = int(net.work.sum())
    class_node = n_cells + np.arange(n_sellers * n_classes)  # seller-major
    seller_node = n_cells + n_sellers * n_classes + np.arange(n_sellers)
    sink = int(seller_node[-1]) + 1
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        net.tails.astype(np.int64), class_node[net.heads * n_classes + net.klass[net.tails]],
        np.full(len(net.tails), total, dtype=np.int64), unit_cost,
    )  # fmt: skip
    class_work = np.bincount(net.klass, weights=net.work, minlength=n_classes)
    band = options.revenue_tolerance or 0.0
    fair = p.share[:, None] * class_work[None, :]  # seller × class, flow units
    tranches = (
        (np.floor((1 - band) * fair), -bonus),
        (np.floor((1 + band) * fair) - np.floor((1 - band) * fair), 0),
        (None, bonus),
    )
    seller_of_class = np.repeat(seller_node, n_classes)
    for caps, cost in tranches:
        caps = np.full(class_node.size, total) if caps is None else np.maximum(caps.ravel(), 0)
        flow.add_arcs_with_capacity_and_unit_cost(
            class_node, seller_of_class, caps.astype(np.int64),
            np.full(class_node.size, cost, np.int64),
        )  # fmt: skip
    for tranche, cost in ((low, 0), (high - low, floor_bonus), (None, floor_bonus + overflow)):
        caps = np.full(n_sellers, total, np.int64) if tranche is None else np.maximum(tranche, 0)
        flow.add_arcs_with_capacity_and_unit_cost(
            seller_node, np.full(n_sellers, sink), caps, np.full(n_sellers, cost, np.int64)
        )
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[:n_cells] = net.work.astype(np.int64)
    supplies[sink] = -total
    flow.set_nodes_supplies(np.arange(sink + 1), supplies)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed: {status}")
    return flow.flows(arcs)


def _split(p: _Problem, members: np.ndarray, cell: np.ndarray, net: _Network, units) -> np.ndarray:
    """Whole clients per cell: the cheapest to move (penalty per unit of work) go first."""
    shipped: dict[int, list[tuple[int, int]]] = {}
    for j, s, u in zip(net.tails.tolist(), net.heads.tolist(), units.tolist(), strict=True):
        if u > 0:
            shipped.setdefault(j, []).append((s, u))
    current = net.current
    owner = np.full(len(p.work), -1, dtype=np.int64)
    by_cell: dict[int, list[int]] = {}
    for m, j in zip(members.tolist(), cell.tolist(), strict=True):
        by_cell.setdefault(j, []).append(m)
    for j, group in by_cell.items():
        keep = int(current[j])
        targets = sorted(shipped.get(j, []), key=lambda t: (t[0] == keep, -t[1], t[0]))
        idx = np.array(group)
        idx = idx[np.lexsort((idx, p.penalty[idx] / p.work[idx]))]
        if len(targets) == 1:
            owner[idx] = targets[0][0]
            continue
        edges = np.cumsum([u for _s, u in targets])
        midpoints = np.cumsum(p.work[idx]) - p.work[idx] / 2
        pick = np.minimum(np.searchsorted(edges, midpoints, side="right"), len(targets) - 1)
        owner[idx] = np.array([s for s, _u in targets])[pick]
    return owner


def _repair(p: _Problem, owner: np.ndarray, options: Options) -> None:
    """Move whole clients out of sellers above the band (into sellers below it), at the
    least change of cost (travel and move penalty)."""
    n_sellers = len(p.target)
    # 0.9: a margin, so max/mean (over the mean ratio, not the target) stays in tolerance
    high = (1 + 0.9 * options.tolerance) * p.target
    low = (1 - 0.9 * options.tolerance) * p.target
    assigned = owner >= 0
    load = np.bincount(owner[assigned], weights=p.work[assigned], minlength=n_sellers)

    def cost(clients: np.ndarray, sellers: np.ndarray) -> np.ndarray:
        return _cost(p, clients, sellers)

    for _ in range(options.repair_rounds):
        over = np.flatnonzero(load > high)
        under = np.flatnonzero((load < low) & (p.target > 0))
        if over.size:
            giver = over[np.argmax((load - high)[over])]
            mine = np.flatnonzero(owner == giver)
            room = np.flatnonzero(p.target > 0)
            fits = p.eligible[mine][:, room] & (
                load[room][None, :] + p.work[mine][:, None] <= high[room][None, :]
            )
        elif under.size:
            taker = under[np.argmin((load - low)[under])]
            held = np.maximum(owner, 0)
            mine = np.flatnonzero(
                (owner >= 0)
                & (owner != taker)
                & p.eligible[:, taker]
                & (load[held] - p.work >= low[held])
            )
            room = np.array([taker])
            fits = np.ones((mine.size, 1), dtype=bool)
        else:
            return
        if not mine.size or not fits.any():
            return
        delta = cost(mine, room) - _own_cost(mine, owner, cost)[:, None]
        delta = np.where(fits, delta, np.inf)
        i, r = np.unravel_index(np.argmin(delta), delta.shape)
        if not np.isfinite(delta[i, r]):
            return
        client, to = mine[i], room[r]
        load[owner[client]] -= p.work[client]
        load[to] += p.work[client]
        owner[client] = to


def _cost(p: _Problem, clients: np.ndarray, sellers: np.ndarray) -> np.ndarray:
    """Clients × sellers: distance that counts × workload, plus the move penalty."""
    d = _reach(p, p.lat[clients], p.lon[clients], sellers)
    d = np.where(p.located[clients][:, None], d, 0.0)
    moved = p.current[clients][:, None] != sellers[None, :]
    return d * p.work[clients][:, None] / UNIT + moved * p.penalty[clients][:, None]


def _fewest_moves(p: _Problem, owner: np.ndarray, options: Options) -> None:
    """Replace the flow's answer by one with the fewest moves that keeps every seller in
    the repair's band (widened to the flow's own loads, so the flow's answer is always a
    solution: never worse). Then, at that many moves, the least travel (CP-SAT again), and
    a flow picks which clients of each group go where."""
    margin = 0.9 * options.tolerance  # the band of _repair
    assigned = owner >= 0
    load = np.bincount(owner[assigned], weights=p.work[assigned], minlength=len(p.target))
    low = np.minimum(np.ceil((1 - margin) * p.target), load).astype(np.int64)
    high = np.maximum(np.floor((1 + margin) * p.target), load).astype(np.int64)
    band: dict[str, Any] = {"low": low, "high": high, "deterministic": True}
    fewest = solve_groups(p.work, p.eligible, p.current, hint_owner=owner,
                          seconds=options.fewest_moves_time, **band)  # fmt: skip
    before = int(((owner != p.current) & (p.current >= 0) & assigned).sum())
    if fewest is None or fewest.moves >= before:
        return
    cost = _cost(p, np.arange(len(owner)), np.arange(len(p.target)))
    _realise(fewest, cost, owner)
    # At that many moves, the least cost: on groups split by place (each client's cost
    # close to its group's mean) when that model stays small; then, unless that was
    # proven optimal, on the same groups too (quicker to solve); the cheaper stands.
    steps: dict[str, Any] = {
        "cost": cost,
        "max_moves": fewest.moves,
        "seconds": options.fewest_moves_time,
    }
    region = _rows(np.stack(_grid(p, options.fewest_moves_region_km), axis=1))
    who = _rows(np.packbits(p.eligible, axis=1))
    split_groups = len(np.unique(np.stack([p.current, p.work, who, region], axis=1), axis=0))
    small = split_groups * len(p.target) <= REGION_VARIABLES
    for split in (region, None) if small else (None,):
        limit = min(steps["seconds"], REGION_SECONDS) if split is not None else steps["seconds"]
        plan = solve_groups(p.work, p.eligible, p.current, hint_owner=owner, region=split,
                            **{**steps, "seconds": limit}, **band)  # fmt: skip
        if plan is None:
            continue
        trial = owner.copy()
        _realise(plan, cost, trial)
        if _total(cost, trial) < _total(cost, owner):
            owner[:] = trial
        if plan.optimal:
            return


def _total(cost: np.ndarray, owner: np.ndarray) -> float:
    held = np.flatnonzero(owner >= 0)
    return float(cost[held, owner[held]].sum())


def _realise(plan: GroupPlan, cost: np.ndarray, owner: np.ndarray) -> None:
    """Whole clients from a plan's counts per (group, seller): a min-cost flow, client →
    (group, seller) slot → sink, the slots' capacities the plan's counts."""
    members = np.flatnonzero(plan.group >= 0)
    slots = list(plan.counts)
    by_group: dict[int, list[int]] = {}
    for n, (g, _s) in enumerate(slots):
        by_group.setdefault(g, []).append(n)
    pairs = [(k, n) for k, i in enumerate(members.tolist()) for n in by_group[int(plan.group[i])]]
    tails, heads = (np.array(col, dtype=np.int64) for col in zip(*pairs, strict=True))
    seller = np.array([s for _g, s in slots], dtype=np.int64)
    unit = np.rint(cost[members[tails], seller[heads]] * COST_SCALE).astype(np.int64)
    sink = len(members) + len(slots)
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails, len(members) + heads, np.ones(len(tails), dtype=np.int64), unit
    )
    flow.add_arcs_with_capacity_and_unit_cost(
        len(members) + np.arange(len(slots), dtype=np.int64), np.full(len(slots), sink),
        np.array([plan.counts[k] for k in slots], dtype=np.int64), np.zeros(len(slots), np.int64),
    )  # fmt: skip
    supplies = np.zeros(sink + 1, dtype=np.int64)
    supplies[: len(members)] = 1
    supplies[sink] = -len(members)
    flow.set_nodes_supplies(np.arange(sink + 1), supplies)
    if flow.solve() != flow.OPTIMAL:
        raise RuntimeError("fewest moves: the clients do not fit the plan")
    chosen = flow.flows(arcs) > 0
    owner[members[tails[chosen]]] = seller[heads[chosen]]


def _repair_revenue(p: _Problem, owner: np.ndarray, options: Options) -> None:
    if options.revenue_tolerance is None or options.revenue_repair_passes <= 0:
        return
    margin = 0.9 * options.tolerance  # the workload band of _repair
    repair = RevenueRepair(
        owner=owner, work=p.work, revenue=p.revenue, eligible=p.eligible, lat=p.lat,
        lon=p.lon, located=p.located, revenue_target=p.revenue_target,
        load_band=((1 - margin) * p.target, (1 + margin) * p.target),
        cost=lambda clients, sellers: _cost(p, clients, sellers),
    )  # fmt: skip
    # 0.8: a margin, as for workload: max/mean is taken over the mean, not the target
    repair_revenue(repair, 0.8 * options.revenue_tolerance, passes=options.revenue_repair_passes)


def _own_cost(clients: np.ndarray, owner: np.ndarray, cost) -> np.ndarray:
    out = np.empty(clients.size)
    for s in np.unique(owner[clients]):
        sel = owner[clients] == s
        out[sel] = cost(clients[sel], np.array([s]))[:, 0]
    return out


def propose(
    sellers: list[SellerIn],
    clients: list[ClientIn],
    options: Options | None = None,
    progress: Callable[[str], None] | None = None,
) -> Proposal:
    """Who should serve whom. Sellers who cannot receive lose all their clients; clients
    no receiving seller serves (segment) stay where they are and are reported.
    ``progress`` is called with each of ``STEPS`` as that pass starts."""
    options = options or Options()
    step = progress or (lambda _name: None)
    if not sellers or not clients or not any(s.can_receive for s in sellers):
        raise ValueError("a proposal needs clients and at least one seller who can receive")
    step("areas")
    p = _problem(sellers, clients, options)
    served = p.eligible.any(axis=1)
    members = np.flatnonzero(served)
    owner = p.current.copy()
    cells, status = 0, "EMPTY"
    if members.size:
        cell = _cells(p, served, options.cell_km)
        cells = int(cell.max()) + 1
        if p.compactness:
            _settle_centres(p, served, members, options)
        step("balance")
        net = _network(p, members, cell, options)
        units = _flow(p, net, options)
        status = "OPTIMAL"
        split = _split(p, members, cell, net, units)
        owner[members] = split[members]
        _repair(p, owner, options)
        if options.fewest_moves:
            step("changes")
            _fewest_moves(p, owner, options)
        step("revenue")
        _repair_revenue(p, owner, options)
    ids = [s.id for s in sellers]
    assignment = {c.id: ids[o] for c, o in zip(clients, owner.tolist(), strict=True) if o >= 0}
    moves = tuple(
        Move(c.id, c.seller, assignment[c.id])
        for c in clients
        if c.id in assignment and assignment[c.id] != c.seller
    )
    unserved = tuple(c.id for c, ok in zip(clients, served.tolist(), strict=True) if not ok)
    return Proposal(assignment, moves, unserved, cells, status)
