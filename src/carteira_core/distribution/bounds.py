"""How few moves any balanced assignment needs: a lower bound to hold proposals against.

Distance is ignored and every move costs 1, so clients of one seller with the same workload
and the same eligible sellers are interchangeable: the problem is an integer program on
those groups (x[g, s] = how many clients of group g end with seller s), solved by CP-SAT.

    minimise   Σ_{g, s ≠ today(g)} x[g, s]
    subject to Σ_s x[g, s] = n_g                          (every client served once)
               low_s ≤ Σ_g w_g · x[g, s] ≤ high_s          (each receiving seller in its band)
               x[g, s] = 0 when s may not take g           (segments, leaving sellers)

The band is the proposal's: (1 ± tolerance) · target, where target is the workload share
proportional to capacity; given an assignment, each seller's band is widened to include its
load there, so the bound answers "how few moves reach a balance at least this good, seller
by seller" and is always feasible. CP-SAT's best bound is a valid lower bound even when the
time limit stops it before optimality.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from ortools.sat.python import cp_model

from carteira_core.distribution.model import ClientIn, Options, SellerIn

UNIT = 1000  # thousandths of a contact a week, as in propose


@dataclass(frozen=True)
class MoveBound:
    moves: int  # no balanced assignment moves fewer clients than this
    best_found: int  # the fewest moves CP-SAT found (= moves when optimal)
    optimal: bool
    workload: float  # contacts a week that must change hands at least (continuous bound)
    groups: int


def _work_units(clients: list[ClientIn]) -> np.ndarray:
    return np.maximum(np.rint([max(c.workload, 0.0) * UNIT for c in clients]), 1).astype(np.int64)


def move_bound(
    sellers: list[SellerIn],
    clients: list[ClientIn],
    options: Options | None = None,
    *,
    assignment: dict[int, int] | None = None,
    hint: dict[int, int] | None = None,
    seconds: float = 10.0,
) -> MoveBound:
    """``assignment``: widen each seller's band to its load there (and start from it);
    ``hint``: only start from it (a good start lets CP-SAT close the gap sooner)."""
    options = options or Options()
    index: dict[int | None, int] = {s.id: i for i, s in enumerate(sellers)}
    work = _work_units(clients)
    eligible = np.array([[s.can_receive and s.serves(c.segment) for s in sellers] for c in clients])
    served = eligible.any(axis=1)
    today = np.array([index.get(c.seller, -1) for c in clients], dtype=np.int64)
    capacity = np.array([s.capacity if s.can_receive else 0.0 for s in sellers])
    total = int(work[served].sum())
    target = total * capacity / capacity.sum()
    low = np.ceil((1 - options.tolerance) * target).astype(np.int64)
    high = np.floor((1 + options.tolerance) * target).astype(np.int64)
    if assignment is not None:
        load = np.zeros(len(sellers), dtype=np.int64)
        for c, w, ok in zip(clients, work, served, strict=True):
            if ok and assignment.get(c.id) in index:
                load[index[assignment[c.id]]] += w
        low, high = np.minimum(low, load), np.maximum(high, load)
    # A leaving seller's band is [0, 0]: every one of their clients moves.
    low, high = np.where(capacity > 0, low, 0), np.where(capacity > 0, high, 0)

    start = _owner(clients, index, hint or assignment)
    plan = solve_groups(work, eligible, today, low, high, hint_owner=start, seconds=seconds)
    assert plan is not None  # only a cheapest plan (max_moves) may be missing
    loads_today = np.bincount(today[served & (today >= 0)], weights=work[served & (today >= 0)],
                              minlength=len(sellers))  # fmt: skip
    shed = np.maximum(loads_today - high, 0).sum()
    fill = np.maximum(low - loads_today, 0).sum()
    return MoveBound(
        moves=plan.bound,
        best_found=plan.moves,
        optimal=plan.optimal,
        workload=float(max(shed, fill)) / UNIT,
        groups=len(plan.groups),
    )


def _owner(clients, index, assignment) -> np.ndarray | None:
    """The given assignment as a seller index per client (-1: none)."""
    if assignment is None:
        return None
    return np.array([index.get(assignment.get(c.id), -1) for c in clients], dtype=np.int64)


@dataclass(frozen=True)
class GroupPlan:
    """How many clients of each group end with each seller, at the fewest moves found."""

    group: np.ndarray  # group number per client, -1: not served
    groups: list[tuple]  # (today's seller, work units, eligibility mask[, region])
    counts: dict[tuple[int, int], int]  # (group, seller) -> clients, only positive counts
    moves: int  # the moves of this plan
    bound: int  # no plan in the band moves fewer (CP-SAT's best bound)
    optimal: bool


def solve_groups(
    work: np.ndarray,
    eligible: np.ndarray,
    today: np.ndarray,
    low: np.ndarray,
    high: np.ndarray,
    *,
    hint_owner: np.ndarray | None = None,
    seconds: float = 10.0,
    workers: int = 2,
    deterministic: bool = False,
    cost: np.ndarray | None = None,
    max_moves: int | None = None,
    region: np.ndarray | None = None,
) -> GroupPlan | None:
    """The integer program of the module docstring, on arrays: work units per client,
    client × seller eligibility, today's seller index (-1: none), each seller's band.
    ``deterministic``: one worker and a deterministic time limit (the same input gives
    the same answer, as a proposal must); else ``workers`` and a wall-clock limit.
    With ``cost`` (clients × sellers) and ``max_moves``: the plan of least cost among
    those with at most ``max_moves`` moves, each client of a group counted at the group's
    mean cost. ``region`` (per client) splits the groups further by place, so that the
    mean is closer to each client's own cost (the fewest moves stay the same); None when
    no such plan was found in time."""
    served = eligible.any(axis=1)
    group = np.full(len(work), -1, dtype=np.int64)
    keys: dict[tuple, int] = {}
    for i in np.flatnonzero(served).tolist():
        key: tuple = (int(today[i]), int(work[i]), eligible[i].tobytes())
        if region is not None:
            key += (int(region[i]),)
        group[i] = keys.setdefault(key, len(keys))
    sizes = np.bincount(group[served], minlength=len(keys))
    hinted: dict[tuple[int, int], int] = {}
    if hint_owner is not None:
        for g, s in zip(group[served].tolist(), hint_owner[served].tolist(), strict=True):
            if s >= 0:
                hinted[(g, s)] = hinted.get((g, s), 0) + 1
    from ortools.sat.python import cp_model  # imports pandas: only when a proposal runs

    model = cp_model.CpModel()
    loads: list[list] = [[] for _ in range(len(low))]
    moved, xs = [], {}
    for (origin, w, mask, *_place), g in keys.items():
        allowed = np.flatnonzero(np.frombuffer(mask, dtype=bool)).tolist()
        n = int(sizes[g])
        row = []
        for s in allowed:
            x = model.new_int_var(0, n, f"x{g}_{s}")
            xs[(g, s)] = x
            row.append(x)
            loads[s].append((w, x))
            if s != origin and origin >= 0:
                moved.append(x)
            if hint_owner is not None:
                model.add_hint(x, hinted.get((g, s), 0))
        model.add(sum(row) == n)
    for s, terms in enumerate(loads):
        expr = sum(w * x for w, x in terms) if terms else 0
        model.add_linear_constraint(expr, int(low[s]), int(high[s]))
    if max_moves is None:
        model.minimize(sum(moved))
    else:
        model.add(sum(moved) <= max_moves)
        unit = _group_cost(cost, group, served, sizes)
        model.minimize(sum(int(unit[g, s]) * x for (g, s), x in xs.items()))
    solver = _solver(seconds, workers, deterministic)
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        if max_moves is not None:
            return None
        raise RuntimeError(f"move bound: {solver.status_name(status)}")
    counts = {k: int(solver.value(x)) for k, x in xs.items()}
    origin = [key[0] for key in keys]
    moves = sum(n for (g, s), n in counts.items() if origin[g] not in (s, -1))
    return GroupPlan(
        group=group,
        groups=list(keys),
        counts={k: n for k, n in counts.items() if n > 0},
        moves=moves,
        bound=int(np.ceil(solver.best_objective_bound - 1e-6)) if max_moves is None else 0,
        optimal=status == cp_model.OPTIMAL,
    )


def _solver(seconds: float, workers: int, deterministic: bool) -> cp_model.CpSolver:
    from ortools.sat.python import cp_model

    solver = cp_model.CpSolver()
    if deterministic:
        solver.parameters.num_workers = 1
        solver.parameters.max_deterministic_time = seconds
    else:
        solver.parameters.num_workers = workers
        solver.parameters.max_time_in_seconds = seconds
    solver.parameters.random_seed = 0
    solver.parameters.repair_hint = True
    return solver


def _group_cost(cost, group, served, sizes) -> np.ndarray:
    """Groups × sellers: the mean cost of the group's clients (tenths, integers)."""
    total = np.zeros((len(sizes), cost.shape[1]))
    np.add.at(total, group[served], np.where(np.isfinite(cost[served]), cost[served], 0.0))
    return np.rint(10 * total / np.maximum(sizes, 1)[:, None]).astype(np.int64)
