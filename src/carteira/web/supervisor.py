"""The task worker's supervisor: `carteira serve` runs it beside the web server, and it
keeps one `db_worker` alive, restarting a dead one with backoff (1 s, doubling to 60 s;
back to 1 s after a minute of good health). It writes what it knows to a state file that
`/health/` reads. Pure standard library: it must not die of what kills the worker.

Run as ``python -m carteira.web.supervisor STATE_FILE -- WORKER ARGV…``."""

from __future__ import annotations

import contextlib
import ctypes
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

FIRST_DELAY, MAX_DELAY, HEALTHY_AFTER = 1.0, 60.0, 60.0


def die_with_parent() -> None:
    """Linux: SIGTERM when the parent ends (prctl PR_SET_PDEATHSIG); elsewhere Ctrl+C
    still reaches the whole process group."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)


def write_state(path: Path, **state) -> None:
    """Atomically (a reader never sees half a file)."""
    state["supervisor_pid"] = os.getpid()
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(state), encoding="utf-8")
    temporary.replace(path)


def next_delay(delay: float, ran_for: float) -> float:
    """The wait before the next start: doubling while the worker keeps dying quickly."""
    return FIRST_DELAY if ran_for >= HEALTHY_AFTER else min(MAX_DELAY, delay * 2)


def supervise(state_file: Path, argv: list[str]) -> int:
    stopping = False
    worker: subprocess.Popen | None = None

    def stop(signum, frame):
        nonlocal stopping
        stopping = True
        if worker is not None and worker.poll() is None:
            worker.terminate()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    state_file.parent.mkdir(parents=True, exist_ok=True)
    restarts, delay = 0, FIRST_DELAY / 2
    while not stopping:
        started = time.monotonic()
        worker = subprocess.Popen(argv, preexec_fn=die_with_parent)  # noqa: S603 -- fixed argv
        write_state(state_file, state="running", pid=worker.pid, restarts=restarts,
                    started_at=time.time())  # fmt: skip
        code = worker.wait()
        if stopping:
            break
        delay = next_delay(delay, time.monotonic() - started)
        restarts += 1
        write_state(state_file, state="restarting", pid=None, restarts=restarts,
                    last_exit=code, restart_at=time.time() + delay)  # fmt: skip
        print(f"carteira: the task worker stopped (exit {code}); restarting in {delay:.0f} s",
              file=sys.stderr, flush=True)  # fmt: skip
        deadline = time.monotonic() + delay
        while not stopping and time.monotonic() < deadline:
            time.sleep(0.2)
    write_state(state_file, state="stopped", pid=None, restarts=restarts)
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    separator = args.index("--")
    sys.exit(supervise(Path(args[0]), args[separator + 1 :]))
