"""Time the predictive-value models (a script, not a test).

    python bench/value_bench.py [--clients 1000000] [--repeat 5]

CDNOW (tests/fixtures/cdnow): the BG/NBD, Pareto/NBD and Gamma-Gamma fits, best of
``--repeat``. Synthetic: ``--clients`` histories drawn from BG/NBD with the CDNOW
parameters (days), then the BG/NBD fit and the scoring (P(alive), expected purchases in
90 days, 12-month CLV) of every client. Prints Markdown and the peak resident memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import sys
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


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    history = cdnow_history()
    x, t_x, big_t = weeks(history)
    m = history.mean_repeat_cents / 100
    print("| step | seconds |\n| --- | --- |")
    print(f"| CDNOW BG/NBD fit | {best(lambda: bgnbd.fit(x, t_x, big_t), args.repeat):.4f} |")
    print(f"| CDNOW Pareto/NBD fit | {best(lambda: pareto.fit(x, t_x, big_t), 1):.3f} |")
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
        1,
    )
    print(f"| {n:,} clients: 12-month CLV (12 monthly expectations) | {clv:.2f} |")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\npeak resident memory {peak:.0f} MB; fitted {fit.params}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
