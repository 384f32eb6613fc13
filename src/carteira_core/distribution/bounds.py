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

from dataclasses import dataclass

import numpy as np
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
    index = {s.id: i for i, s in enumerate(sellers)}
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

    groups: dict[tuple, int] = {}
    for i in np.flatnonzero(served):
        key = (int(today[i]), int(work[i]), eligible[i].tobytes())
        groups[key] = groups.get(key, 0) + 1
    model = cp_model.CpModel()
    loads: list[list] = [[] for _ in sellers]
    moved = []
    hint = _hint(clients, served, today, work, eligible, index, hint or assignment)
    for (origin, w, mask), n in groups.items():
        allowed = np.flatnonzero(np.frombuffer(mask, dtype=bool))
        xs = []
        for s in allowed.tolist():
            x = model.new_int_var(0, n, f"x{origin}_{w}_{s}_{len(xs)}")
            xs.append(x)
            loads[s].append((w, x))
            if s != origin and origin >= 0:
                moved.append(x)
            if hint is not None:
                model.add_hint(x, hint.get((origin, w, mask, s), 0))
        model.add(sum(xs) == n)
    for s, terms in enumerate(loads):
        expr = sum(w * x for w, x in terms) if terms else 0
        model.add_linear_constraint(expr, int(low[s]), int(high[s]))
    model.minimize(sum(moved))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = seconds
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = 0
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise RuntimeError(f"move bound: {solver.status_name(status)}")
    loads_today = np.bincount(today[served & (today >= 0)], weights=work[served & (today >= 0)],
                              minlength=len(sellers))  # fmt: skip
    shed = np.maximum(loads_today - high, 0).sum()
    fill = np.maximum(low - loads_today, 0).sum()
    return MoveBound(
        moves=int(np.ceil(solver.best_objective_bound - 1e-6)),
        best_found=round(solver.objective_value),
        optimal=status == cp_model.OPTIMAL,
        workload=float(max(shed, fill)) / UNIT,
        groups=len(groups),
    )


def _hint(clients, served, today, work, eligible, index, assignment):
    """The given assignment, counted per group and seller: CP-SAT starts from it."""
    if assignment is None:
        return None
    hint: dict[tuple, int] = {}
    for i, c in enumerate(clients):
        s = index.get(assignment.get(c.id), -1)
        if served[i] and s >= 0:
            key = (int(today[i]), int(work[i]), eligible[i].tobytes(), s)
            hint[key] = hint.get(key, 0) + 1
    return hint
