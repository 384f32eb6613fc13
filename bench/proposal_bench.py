"""The distribution proposal on a workspace's own data (issue 25: "the proposal ... takes
≤ 3 s on the 3,000-client demo"): not a test; figures for docs/benchmarks.md.

In the workspace of ``--home`` (made with ``carteira demo --no-serve`` when missing), as
the first director, the whole company's proposal with the form's default choices
(``ProposalForm.default_options``: fewest changes, ±15 %) or ``--tradeoff``, computed
exactly as the task worker does (``distribution.services._draft``: the inputs read from
the database, the optimiser, the summary), nothing stored. Each run in a fresh process
(alternated with nothing else), wall and CPU seconds of the whole and of each pass
(the ``progress`` steps), the machine's load beside them; min and median of ``--runs``.

    .venv/bin/python bench/proposal_bench.py --home /tmp/demo [--runs 3] [--tradeoff changes]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def _one(tradeoff: str, tolerance: str) -> dict:
    """One proposal in this process: {"wall", "cpu", "steps": {step: [wall, cpu]}, ...}."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "carteira.settings")
    import django

    django.setup()
    from carteira.accounts.models import Role, User
    from carteira.distribution.access import access_distribution
    from carteira.distribution.forms import ProposalForm
    from carteira.distribution.services import _draft

    director = User.objects.filter(role=Role.DIRECTOR, is_active=True).order_by("pk").first()
    scope = access_distribution(director)
    options = {**ProposalForm.TRADEOFFS[tradeoff], "tolerance": ProposalForm.TOLERANCES[tolerance]}
    marks: list[tuple[str, float, float]] = []

    def progress(step: str) -> None:
        marks.append((step, time.perf_counter(), time.process_time()))

    wall, cpu = time.perf_counter(), time.process_time()
    draft = _draft(scope, team=None, leaving=None, tradeoff=options, progress=progress)
    end = (time.perf_counter(), time.process_time())
    marks = [("inputs", wall, cpu), *marks, ("summary", *end)]
    steps = {
        name: [marks[i + 1][1] - at, marks[i + 1][2] - c]
        for i, (name, at, c) in enumerate(marks[:-1])
    }
    return {"wall": end[0] - wall, "cpu": end[1] - cpu, "steps": steps,
            "moves": len(draft["moves"]), "clients": draft["summary"]["clients"],
            "load": os.getloadavg()[0]}  # fmt: skip


def main(argv: list[str] | None = None) -> str:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, required=True)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tradeoff", default="changes", help="changes, balanced, compact, routes")
    parser.add_argument("--tolerance", default="15", help="5, 10, 15 or 20 (percent)")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # a run's process
    args = parser.parse_args(argv)
    os.environ["CARTEIRA_HOME"] = str(args.home)
    if args.one:
        return json.dumps(_one(args.tradeoff, args.tolerance))
    carteira = str(Path(sys.executable).parent / "carteira")
    if not (args.home / "carteira.sqlite3").exists():
        subprocess.run([carteira, "demo", "--no-serve"], check=True, capture_output=True)  # noqa: S603
    runs = []
    for _ in range(args.runs):
        done = subprocess.run(  # noqa: S603 -- this script, in a fresh process
            [sys.executable, __file__, "--home", str(args.home), "--tradeoff", args.tradeoff,
             "--tolerance", args.tolerance, "--one"],
            check=True, capture_output=True, text=True,
        )  # fmt: skip
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    lines = [
        f"Proposal of the whole company ({runs[0]['clients']:,} clients, {args.tradeoff}, "
        f"±{args.tolerance} %): {runs[0]['moves']} moves; {args.runs} fresh processes, "
        f"load {', '.join(f'{r["load"]:.2f}' for r in runs)}",
        "",
        "| part | min wall s | median wall s | min CPU s |",
        "|---|---|---|---|",
    ]
    for name in ["whole", *runs[0]["steps"]]:
        walls = [r["wall"] if name == "whole" else r["steps"][name][0] for r in runs]
        cpus = [r["cpu"] if name == "whole" else r["steps"][name][1] for r in runs]
        lines.append(f"| {name} | {min(walls):.2f} | {statistics.median(walls):.2f} | "
                     f"{min(cpus):.2f} |")  # fmt: skip
    return "\n".join(lines)


if __name__ == "__main__":
    print(main())
