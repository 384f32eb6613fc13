"""A throw-away PostgreSQL server for tests and benchmarks.

Started from the system's PostgreSQL binaries in a temporary folder, listening only on
127.0.0.1 at a free port, with fsync off; stopped (and the folder removed) by ``stop``.
When run as root, the server runs as the ``postgres`` system user, since initdb refuses
root.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


def find_bindir() -> Path | None:
    if env := os.environ.get("CARTEIRA_PG_BINDIR"):
        return Path(env)
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if found:
        return Path(found[0]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class PgServer:
    root: Path
    port: int
    bindir: Path
    run_as: str | None

    @property
    def url(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def database_url(self, name: str) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{name}"

    def _run(self, *args: str) -> None:
        command = list(args)
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        subprocess.run(command, check=True, capture_output=True, text=True)  # noqa: S603

    def stop(self) -> None:
        pidfile = self.root / "data" / "postmaster.pid"
        if pidfile.exists():
            pid = int(pidfile.read_text().splitlines()[0])
            try:
                os.kill(pid, signal.SIGINT)  # fast shutdown
                for _ in range(100):
                    os.kill(pid, 0)
                    time.sleep(0.1)
            except ProcessLookupError:
                pass
        shutil.rmtree(self.root, ignore_errors=True)


def start() -> PgServer:
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError(
            "PostgreSQL binaries not found; install them with `apt-get install postgresql-15`"
        )
    run_as = None
    root = Path(tempfile.mkdtemp(prefix="carteira-pg-"))
    if os.geteuid() == 0:
        run_as = "postgres"
        user = pwd.getpwnam(run_as)
        os.chown(root, user.pw_uid, user.pw_gid)
    server = PgServer(root=root, port=free_port(), bindir=bindir, run_as=run_as)
    server._run(
        str(bindir / "initdb"), "-D", str(root / "data"), "-U", "postgres",
        "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8",
    )  # fmt: skip
    options = (
        f"-p {server.port} -k {root} -c listen_addresses=127.0.0.1 -c fsync=off "
        "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60"
    )
    server._run(
        str(bindir / "pg_ctl"), "-D", str(root / "data"), "-l", str(root / "log"),
        "-w", "-t", "60", "-o", options, "start",
    )  # fmt: skip
    return server
