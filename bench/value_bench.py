"""Time the predictive-value models (a script, not a test).

    python bench/value_bench.py [--clients 1000000] [--repeat 5]

CDNOW (tests/fixtures/cdnow): the BG/NBD, Pareto/NBD and Gamma-Gamma fits, best of
``--repeat``. Synthetic: ``--clients`` histories drawn from BG/NBD with the CDNOW
parameters (days), then the BG/NBD fit and the scoring (P(alive), expected purchases in
90 days, 12-month CLV) of every client. Prints Markdown and the peak resident memory.

Side by side with ``lifetimes`` (the bench dependency group; skipped when it is not
installed): the same CDNOW arrays and the same synthetic clients given to its fitters as
a user would (``fit(frequency, recency, T)``), runs alternated ours / theirs, the best of
each; the outputs compared: parameters, log-likelihood, P(alive) and expected purchases.

The snapshot's value step on a workspace (issue 25)::

    CARTEIRA_HOME=/tmp/hB/home python bench/value_bench.py --step [--runs 3]
        [--dump before.parquet | --compare before.parquet] [--profile step.prof]

reads the latest official reading's input as ``carteira snapshot`` does (ADBC, the
engine's reading computed first so its order columns are cached, the reading's rows as
``stored_values`` gives them), then runs ``value.services.do_store_value`` on that run
``--runs`` times, each in a transaction rolled back (the workspace is left as it was;
the run's own stored fit and potentials deleted first, untimed, as a nightly run finds
none): wall and CPU (min, median), its parts, the load average. The first run is the one
``carteira snapshot`` pays (a fresh process: first imports and calls included).
``--dump`` writes the stored fit, values and potentials of the last run to a file;
``--compare`` checks them against such a file: counts, integers and money to the cent
exactly, floats to 1e-9 relative, the fit's parameters to 1e-6 relative.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))

from tests.core.value_cdnow import cdnow_history, weeks  # noqa: E402

from carteira_core.value import bgnbd, discounted_value, gamma_gamma, pareto  # noqa: E402

CPU: list[float] = []  # the CPU seconds of the last ``best`` (min over the repeats)


def best(function, repeat: int) -> float:
    """The best wall time of ``repeat`` runs; its CPU time (the process's) in ``CPU``."""
    times, cpu = [], []
    for _ in range(repeat):
        started, started_cpu = time.perf_counter(), time.process_time()
        function()
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
    CPU[:] = [min(cpu)]
    return min(times)


def simulate(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """BG/NBD histories (r 0.243, α 4.414 weeks → days, a 0.793, b 2.426), vectorised."""
    rng = np.random.default_rng(seed)
    big_t = rng.uniform(30, 720, n)
    rate = rng.gamma(0.243, 1 / (4.414 * 7), n)
    drop = rng.beta(0.793, 2.426, n)
    x = np.zeros(n)
    t_x = np.zeros(n)
    now = np.zeros(n)
    alive = np.ones(n, dtype=bool)
    for _ in range(200):  # enough purchases for every client at these rates
        gap = rng.exponential(1 / np.maximum(rate, 1e-9))
        now = now + gap
        buys = alive & (now <= big_t)
        x[buys] += 1
        t_x[buys] = now[buys]
        alive &= buys & (rng.random(n) >= drop)
        if not alive.any():
            break
    # whole days, as the product's histories are (equal histories are fitted once)
    return x, np.floor(t_x), np.floor(big_t)


def alternated(ours, theirs, repeat: int) -> tuple[float, float]:
    """Best wall time of each over ``repeat`` rounds, ours then theirs in every round (a
    busy neighbour slows both alike)."""
    mine, other = [], []
    for _ in range(repeat):
        mine.append(best(ours, 1))
        other.append(best(theirs, 1))
    return min(mine), min(other)


def side_by_side(args, x, t_x, big_t, m, sx, stx, sbig_t) -> None:
    try:
        import lifetimes
    except ImportError:
        print("\nlifetimes not installed (uv sync --group bench): no side-by-side")
        return
    print(f"\n### Side by side with lifetimes {lifetimes.__version__}\n")
    print("| step | Carteira (s) | lifetimes (s) | outputs |\n| --- | --- | --- | --- |")
    repeat = args.repeat

    def bg_theirs(*data):
        return lifetimes.BetaGeoFitter().fit(*data)

    ours, theirs = bgnbd.fit(x, t_x, big_t), bg_theirs(x, t_x, big_t)
    mine, other = alternated(
        lambda: bgnbd.fit(x, t_x, big_t), lambda: bg_theirs(x, t_x, big_t), repeat
    )
    their_params = [float(theirs.params_[name]) for name in bgnbd.NAMES]
    # both log-likelihoods by one formula (lifetimes reports its own on rescaled data)
    their_ll = -bgnbd.summed_objective(x, t_x, big_t)(np.log(their_params))[0] * len(x)
    alive = np.abs(
        bgnbd.p_alive(ours.params, x, t_x, big_t)
        - theirs.conditional_probability_alive(x, t_x, big_t)
    ).max()
    expected = np.abs(
        bgnbd.conditional_expected_purchases(ours.params, 39, x, t_x, big_t)
        - theirs.conditional_expected_number_of_purchases_up_to_time(39, x, t_x, big_t)
    ).max()
    print(f"| CDNOW BG/NBD fit | {mine:.4f} | {other:.4f} | "
          f"{differences(ours.params, theirs.params_)}; LL {ours.log_likelihood:.3f} vs "
          f"{their_ll:.3f}; P(alive) max abs. Δ {alive:.1e}; "
          f"39-week purchases max abs. Δ {expected:.1e} |")  # fmt: skip

    def pareto_theirs():
        return lifetimes.ParetoNBDFitter().fit(x, t_x, big_t)

    ours, theirs = pareto.fit(x, t_x, big_t), pareto_theirs()
    mine, other = alternated(lambda: pareto.fit(x, t_x, big_t), pareto_theirs, repeat)
    alive = np.abs(
        pareto.p_alive(ours.params, x, t_x, big_t)
        - theirs.conditional_probability_alive(x, t_x, big_t)
    ).max()
    print(
        f"| CDNOW Pareto/NBD fit | {mine:.4f} | {other:.4f} | "
        f"{differences(ours.params, theirs.params_)}; P(alive) max abs. Δ {alive:.1e} |"
    )

    repeat_buyers = x > 0

    def gg_theirs():
        return lifetimes.GammaGammaFitter().fit(x[repeat_buyers], m[repeat_buyers])

    ours, theirs = gamma_gamma.fit(x, m), gg_theirs()
    mine, other = alternated(lambda: gamma_gamma.fit(x, m), gg_theirs, repeat)
    print(
        f"| CDNOW Gamma-Gamma fit | {mine:.4f} | {other:.4f} | "
        f"{differences(ours.params, theirs.params_)} |"
    )

    n = len(sx)
    ours, theirs = bgnbd.fit(sx, stx, sbig_t), bg_theirs(sx, stx, sbig_t)
    mine, other = alternated(
        lambda: bgnbd.fit(sx, stx, sbig_t), lambda: bg_theirs(sx, stx, sbig_t), repeat
    )
    print(
        f"| {n:,} clients: BG/NBD fit | {mine:.2f} | {other:.2f} | "
        f"{differences(ours.params, theirs.params_)} |"
    )
    mine, other = alternated(
        lambda: bgnbd.p_alive(ours.params, sx, stx, sbig_t),
        lambda: theirs.conditional_probability_alive(sx, stx, sbig_t),
        3,
    )
    print(f"| {n:,} clients: P(alive) | {mine:.3f} | {other:.3f} | |")
    mine, other = alternated(
        lambda: bgnbd.conditional_expected_purchases(ours.params, 90.0, sx, stx, sbig_t),
        lambda: theirs.conditional_expected_number_of_purchases_up_to_time(90.0, sx, stx, sbig_t),
        3,
    )
    print(f"| {n:,} clients: expected purchases in 90 days | {mine:.3f} | {other:.3f} | |")


PYMC_MARKETING = "pymc-marketing==1.3.0"


def pymc_side_by_side(x, t_x, big_t, repeat: int) -> None:
    """CDNOW's BG/NBD beside pymc-marketing's MAP fit. pymc-marketing pins an older numpy
    than ours, so it runs in a throw-away environment of its own (uv, from PyPI: the first
    run installs it); skipped with the reason when that cannot be made."""
    uv = shutil.which("uv") or str(ROOT / ".cache" / "uv" / "bin" / "uv")
    with tempfile.TemporaryDirectory(prefix="value-pymc-") as tmp:
        summary = Path(tmp) / "cdnow.csv"
        np.savetxt(summary, np.c_[x, t_x, big_t], delimiter=",", comments="",
                   header="frequency,recency,T")  # fmt: skip
        command = [uv, "run", "--no-project", "--quiet", "--python", sys.executable,
                   "--with", PYMC_MARKETING, "python", str(ROOT / "bench" / "value_pymc.py"),
                   str(summary), str(repeat)]  # fmt: skip
        environment = {**os.environ, "UV_PYTHON_DOWNLOADS": "never"}
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=900,  # noqa: S603
                                  env=environment, check=True)  # fmt: skip
        except (OSError, subprocess.SubprocessError) as error:
            print(f"\n{PYMC_MARKETING} could not run here ({type(error).__name__}): skipped")
            return
    theirs = json.loads(done.stdout.strip().splitlines()[-1])
    ours = bgnbd.fit(x, t_x, big_t).params
    mine = best(lambda: bgnbd.fit(x, t_x, big_t), repeat)
    print(f"\n### Side by side with {PYMC_MARKETING} (MAP, its default priors)\n")
    print(
        "| step | Carteira (s) | pymc-marketing (s) | parameters: Carteira (MLE) · pymc-marketing "
        "(MAP) |\n| --- | --- | --- | --- |"
    )
    pairs = " · ".join(f"{name} {ours[name]:.3f} / {theirs['params'][name]:.3f}"
                       for name in ("r", "alpha", "a", "b"))  # fmt: skip
    print(f"| CDNOW BG/NBD fit | {mine:.4f} | {theirs['wall']:.3f} | {pairs} |")


def differences(ours: dict[str, float], theirs) -> str:
    """The largest relative difference between the two fits' parameters (lifetimes names
    Gamma-Gamma's γ "v" too)."""
    worst = max(abs(ours[name] - float(theirs[name])) / abs(float(theirs[name])) for name in ours)
    return f"parameters max rel. Δ {worst:.1e}"


STEP_PARTS = (
    ("carteira.value.services", "compute_value", "fit and score"),
    ("carteira.value.services", "purchase_history", "history"),
    ("carteira.value.services", "insert_frame", "inserts"),
    ("carteira.value.services", "do_store_potentials", "potentials (incl. insert)"),
)


def _stored_frames(run) -> dict:
    """The fit, values and potentials stored for ``run`` as Polars frames (money in whole
    cents), ordered by client."""
    import polars as pl
    from django.db import connection

    from carteira.value.models import ValueFit

    fit = ValueFit.objects.get(run=run)
    frames = {
        "fit": pl.DataFrame(
            {
                "status": [fit.status, fit.spend_status],
                "params": [
                    json.dumps(fit.params, sort_keys=True),
                    json.dumps(fit.spend_params, sort_keys=True),
                ],
                "buyers": [fit.buyers, fit.repeat_buyers],
                "portfolio_value": [str(fit.portfolio_value)] * 2,
            }
        )
    }
    queries = {
        "values": (
            "SELECT client_id, seller_id, abc, frequency, recency_days, age_days, p_alive, "
            "expected_purchases, CAST(next_purchase AS TEXT), "
            "CAST(ROUND(expected_spend * 100) AS BIGINT), CAST(ROUND(clv * 100) AS BIGINT) "
            "FROM value_clientvalue WHERE fit_id = %s ORDER BY client_id",
            ["client_id", "seller_id", "abc", "frequency", "recency_days", "age_days",
             "p_alive", "expected_purchases", "next_purchase", "spend", "clv"],
            fit.pk,
        ),
        "potentials": (
            "SELECT client_id, CAST(ROUND(revenue * 100) AS BIGINT), "
            "CAST(ROUND(potential * 100) AS BIGINT), source, peers, "
            "CAST(ROUND(gap * 100) AS BIGINT), share FROM value_clientpotential "
            "WHERE run_id = %s ORDER BY client_id",
            ["client_id", "revenue", "potential", "source", "peers", "gap", "share"],
            run.pk,
        ),
    }  # fmt: skip
    with connection.cursor() as cursor:
        for name, (sql, columns, key) in queries.items():
            cursor.execute(sql, [key])
            frames[name] = pl.DataFrame(
                cursor.fetchall(), schema=columns, orient="row", infer_schema_length=None
            )
    return frames


def _compare(found: dict, path: str) -> None:
    """Say how the stored outputs differ from the ones dumped in ``path``."""
    import polars as pl

    for name, frame in found.items():
        expected = pl.read_parquet(f"{path}.{name}.parquet")
        if name == "fit":
            same = True
            for ours, theirs in zip(frame["params"], expected["params"], strict=True):
                a, b = json.loads(ours), json.loads(theirs)
                worst = max((abs(a[k] - b[k]) / abs(b[k]) for k in b), default=0.0)
                print(f"fit parameters: max rel. difference {worst:.1e} ({a} vs {b})")
                same &= set(a) == set(b) and worst <= 1e-6
            rest = frame.drop("params").equals(expected.drop("params"))
            print(f"fit: statuses, buyers and portfolio value equal: {rest}")
            continue
        print(f"{name}: {frame.height:,} rows now, {expected.height:,} dumped")
        if (
            frame.height != expected.height
            or frame["client_id"].to_list() != expected["client_id"].to_list()
        ):
            print(f"{name}: DIFFERENT clients")
            continue
        for column in frame.columns:
            ours, theirs = frame[column], expected[column]
            if ours.dtype == pl.Float64:
                a, b = ours.to_numpy(), theirs.to_numpy()
                both = ~(np.isnan(a) | np.isnan(b))
                nulls = int((np.isnan(a) != np.isnan(b)).sum())
                rel = np.abs(a[both] - b[both]) / np.maximum(np.abs(b[both]), 1e-300)
                worst = float(rel.max()) if len(rel) else 0.0
                flag = "" if worst <= 1e-9 and nulls == 0 else "  <-- over 1e-9"
                print(f"  {column}: max rel. difference {worst:.1e}, nulls differing {nulls}{flag}")
            else:
                differing = int((ours.ne_missing(theirs)).sum())
                flag = "" if differing == 0 else "  <-- DIFFERENT"
                largest = ""
                if differing and ours.dtype.is_integer():
                    gap = (ours.cast(pl.Int64) - theirs.cast(pl.Int64)).abs().max()
                    largest = f" (largest difference {gap})"
                print(f"  {column}: {differing:,} rows differ{largest}{flag}")


def step(args) -> None:
    """The snapshot's value step on ``$CARTEIRA_HOME`` (see the module's docstring)."""
    import cProfile
    import importlib
    import statistics

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carteira.settings")
    import django

    django.setup()
    from django.db import transaction

    from carteira.portfolio import engine_input
    from carteira.portfolio.models import SnapshotRun
    from carteira.portfolio.services import stored_values
    from carteira.value import services
    from carteira.value.models import ClientPotential, ValueFit
    from carteira_core.engine import read_portfolio
    from carteira_core.rules import rules_from_dict

    run = SnapshotRun.objects.filter(kind=SnapshotRun.Kind.OFFICIAL).latest("as_of", "pk")
    with engine_input.adbc_on_sqlite():
        data = engine_input.load_input(run.as_of)
    reading = read_portfolio(data, run.as_of, rules_from_dict(run.rules))
    readings = stored_values(reading.clients)
    print(f"reading of {run.as_of} (run {run.pk}): {data.orders.height:,} orders, "
          f"{readings.height:,} clients; load average before {os.getloadavg()[0]:.2f}")  # fmt: skip
    spent: dict[str, float] = {}
    for module_name, name, label in STEP_PARTS:
        module = importlib.import_module(module_name)
        original = getattr(module, name)

        def timed(*a, _original=original, _label=label, **k):
            started = time.perf_counter()
            try:
                return _original(*a, **k)
            finally:
                spent[_label] = spent.get(_label, 0.0) + time.perf_counter() - started

        setattr(module, name, timed)

    class Rollback(Exception):
        pass

    walls, cpus, parts = [], [], []
    profiler = cProfile.Profile() if args.profile else None
    for attempt in range(args.runs):
        spent.clear()
        try:
            with transaction.atomic():
                # a nightly run stores a new reading: nothing of its own to replace
                ValueFit.objects.filter(run=run).delete()
                ClientPotential.objects.filter(run=run).delete()
                started, started_cpu = time.perf_counter(), time.process_time()
                if profiler and attempt == args.runs - 1:
                    profiler.runcall(services.do_store_value, run, data=data, readings=readings)
                else:
                    services.do_store_value(run, data=data, readings=readings)
                walls.append(time.perf_counter() - started)
                cpus.append(time.process_time() - started_cpu)
                parts.append(dict(spent))
                if attempt == args.runs - 1 and (args.dump or args.compare):
                    found = _stored_frames(run)
                    if args.dump:
                        for name, frame in found.items():
                            frame.write_parquet(f"{args.dump}.{name}.parquet")
                    if args.compare:
                        _compare(found, args.compare)
                raise Rollback
        except Rollback:
            pass
        print(f"run {attempt + 1}: {walls[-1]:.2f} s wall, {cpus[-1]:.2f} s CPU; "
              + ", ".join(f"{k} {v:.2f}" for k, v in parts[-1].items()), flush=True)  # fmt: skip
    load = " / ".join(f"{x:.2f}" for x in os.getloadavg())
    print(f"\nvalue step: wall min {min(walls):.2f} / median {statistics.median(walls):.2f} s, "
          f"CPU min {min(cpus):.2f} / median {statistics.median(cpus):.2f} s over {args.runs} "
          f"runs; load average after {load}")  # fmt: skip
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak resident memory of the process {peak:.0f} MB")
    if profiler:
        profiler.dump_stats(args.profile)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--step", action="store_true",
                        help="the snapshot's value step on $CARTEIRA_HOME")  # fmt: skip
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dump", help="--step: write the stored outputs to PATH.*.parquet")
    parser.add_argument("--compare", help="--step: compare with PATH.*.parquet")
    parser.add_argument("--profile", help="--step: cProfile the last run into this file")
    parser.add_argument("--cold-fits", action="store_true", help="--step: fits from the cold start")
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--compare-clients", type=int, default=100_000,
        help="synthetic clients for the side-by-side with lifetimes (0: CDNOW only)",
    )  # fmt: skip
    parser.add_argument("--no-pymc", action="store_true",
                        help=f"skip the side-by-side with {PYMC_MARKETING}")  # fmt: skip
    args = parser.parse_args()
    if args.step:
        step(args)
        return
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    history = cdnow_history()
    x, t_x, big_t = weeks(history)
    m = history.mean_repeat_cents / 100
    print("| step | seconds |\n| --- | --- |")
    print(f"| CDNOW BG/NBD fit | {best(lambda: bgnbd.fit(x, t_x, big_t), args.repeat):.4f} |")
    print(f"| CDNOW Pareto/NBD fit | {best(lambda: pareto.fit(x, t_x, big_t), args.repeat):.4f} |")
    print(f"| CDNOW Gamma-Gamma fit | {best(lambda: gamma_gamma.fit(x, m), args.repeat):.4f} |")
    sx, stx, sbig_t = simulate(args.clients)
    n = args.clients
    fit = bgnbd.fit(sx, stx, sbig_t)
    print(f"| {n:,} clients: BG/NBD fit ({fit.status}) | "
          f"{best(lambda: bgnbd.fit(sx, stx, sbig_t), args.repeat):.2f} "
          f"(CPU {CPU[0]:.2f}) |")  # fmt: skip
    params = fit.params
    print(f"| {n:,} clients: P(alive) | "
          f"{best(lambda: bgnbd.p_alive(params, sx, stx, sbig_t), 3):.3f} |")  # fmt: skip
    expected = best(lambda: bgnbd.conditional_expected_purchases(params, 90.0, sx, stx, sbig_t), 3)
    print(f"| {n:,} clients: expected purchases in 90 days | {expected:.3f} |")
    spend = np.full(n, 10_000.0)
    clv = best(
        lambda: discounted_value(
            "bgnbd", params, spend, sx, stx, sbig_t, horizon_months=12, monthly_rate=0.01
        ),
        3,
    )
    print(f"| {n:,} clients: 12-month CLV (one pass) | {clv:.3f} |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory {peak:.0f} MB; fitted {fit.params}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")
    compare = simulate(args.compare_clients, seed=2) if args.compare_clients else None
    side_by_side(args, x, t_x, big_t, m, *(compare or (x, t_x, big_t)))
    if not args.no_pymc:
        pymc_side_by_side(x, t_x, big_t, 3)
    print(f"load average after the side-by-side: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
