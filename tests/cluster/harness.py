"""A Carteira cluster on this machine's loopback (`make cluster-test`, docs/deploy.md):
a PostgreSQL primary and a streaming replica made with pg_basebackup (the system's
PostgreSQL binaries), N app processes (`carteira serve --no-task-worker`, gunicorn)
behind HAProxy, and M task workers (`carteira manage db_worker`). Every process is a
child of this one and everything lives in one temporary folder."""

from __future__ import annotations

import os
import pwd
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import requests

from carteira_testing.pgserver import find_bindir, free_port

ROOT = Path(__file__).resolve().parents[2]
BIN = ROOT / ".venv" / "bin"
HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"


def wait_until(predicate, *, timeout: float, step: float = 0.2, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise TimeoutError(f"waited {timeout} s for {what}")


@dataclass
class Postgres:
    """One PostgreSQL server (primary or standby) in its own data folder."""

    data: Path
    port: int
    bindir: Path
    run_as: str | None

    def run(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        command = list(args)
        if self.run_as:
            command = ["runuser", "-u", self.run_as, "--", *command]
        return subprocess.run(command, check=check, capture_output=True, text=True)

    def url(self, database: str = "carteira") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.data.parent} -c listen_addresses=127.0.0.1 "
            "-c fsync=off -c full_page_writes=off -c max_connections=80 "
            "-c wal_level=replica -c max_wal_senders=5 -c hot_standby=on "
            "-c wal_receiver_status_interval=1"
        )
        self.run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-l",
                 str(self.data.parent / f"{self.data.name}.log"), "-w", "-t", "60",
                 "-o", options, "start")  # fmt: skip

    def stop(self, mode: str = "fast") -> None:
        self.run(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w",
                 "stop", check=False)  # fmt: skip

    def sql(self, query: str, params=(), database: str = "carteira"):
        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=3) as conn:
            cursor = conn.execute(query, params)
            return cursor.fetchall() if cursor.description else None


@dataclass
class Cluster:
    root: Path
    primary: Postgres
    replica: Postgres
    proxy_port: int
    app_ports: list[int]
    env: dict[str, str]
    apps: list[subprocess.Popen] = field(default_factory=list)
    workers: list[subprocess.Popen] = field(default_factory=list)
    proxy: subprocess.Popen | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.proxy_port}"

    def carteira(self, *args: str, input_text: str | None = None) -> str:
        done = subprocess.run(
            [str(BIN / "carteira"), *args], env=self.env, capture_output=True, text=True,
            timeout=300, input=input_text,
        )  # fmt: skip
        if done.returncode:
            raise RuntimeError(f"carteira {' '.join(args)}: {done.stderr}")
        return done.stdout

    def _log(self, name: str):
        return open(self.root / f"{name}.log", "ab")

    def start_app(self, port: int) -> subprocess.Popen:
        process = subprocess.Popen(
            [str(BIN / "carteira"), "serve", "--no-task-worker", "--workers", "1",
             "--port", str(port)],
            # gunicorn's control socket is one path per user unless told otherwise.
            env={**self.env, "GUNICORN_CMD_ARGS": f"--control-socket {self.root}/app-{port}.ctl"},
            stdout=self._log(f"app-{port}"), stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        self.apps.append(process)
        return process

    def start_worker(self) -> subprocess.Popen:
        process = subprocess.Popen(
            [str(BIN / "carteira"), "manage", "db_worker", "--queue-name", "*", "--no-reload",
             "--interval", "0.2", "--no-startup-delay"],
            env=self.env, stdout=self._log(f"worker-{len(self.workers)}"),
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        self.workers.append(process)
        return process

    def start_proxy(self) -> None:
        servers = "\n".join(
            f"    server app{i} 127.0.0.1:{port} check inter 500ms fall 2 rise 1"
            for i, port in enumerate(self.app_ports, 1)
        )
        config = self.root / "haproxy.cfg"
        config.write_text(
            HAPROXY_CONFIG.format(port=self.proxy_port, servers=servers), encoding="utf-8"
        )
        self.proxy = subprocess.Popen(
            [HAPROXY, "-f", str(config), "-db"], stdout=self._log("haproxy"),
            stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip

    def stop(self) -> None:
        for process in [*self.workers, *self.apps, *([self.proxy] if self.proxy else [])]:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in [*self.workers, *self.apps, *([self.proxy] if self.proxy else [])]:
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
        self.replica.stop("immediate")
        self.primary.stop("immediate")


# Round robin over the app processes, each checked on /health/ twice a second; the
# response names the process that answered (the tests use it, operators may like it).
HAPROXY_CONFIG = """\
global
    maxconn 512
defaults
    mode http
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    retries 2
    option redispatch
frontend carteira
    bind 127.0.0.1:{port}
    default_backend apps
backend apps
    balance roundrobin
    option httpchk GET /health/
    http-response set-header X-Served-By %s
{servers}
"""


def start(*, apps: int = 2, workers: int = 2) -> Cluster:
    bindir = find_bindir()
    if bindir is None:
        raise RuntimeError("PostgreSQL binaries not found: apt-get install postgresql-15")
    root = Path(tempfile.mkdtemp(prefix="carteira-cluster-"))
    run_as = None
    if os.geteuid() == 0:
        run_as = "postgres"
        user = pwd.getpwnam(run_as)
        os.chown(root, user.pw_uid, user.pw_gid)
    primary = Postgres(root / "primary", free_port(), bindir, run_as)
    replica = Postgres(root / "replica", free_port(), bindir, run_as)
    # initdb's pg_hba.conf trusts local and loopback connections, replication included.
    primary.run(str(bindir / "initdb"), "-D", str(primary.data), "-U", "postgres",
                "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")  # fmt: skip
    primary.start()
    primary.sql("CREATE DATABASE carteira", database="postgres")
    primary.run(str(bindir / "pg_basebackup"), "-h", "127.0.0.1", "-p", str(primary.port),
                "-U", "postgres", "-D", str(replica.data), "-R", "-X", "stream",
                "-c", "fast")  # fmt: skip
    replica.start()
    media = root / "shared-media"
    media.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CARTEIRA_", "DATABASE_"))},
        "CARTEIRA_HOME": str(root / "home"),
        "CARTEIRA_SECRET_KEY": "cluster-test-secret-key-" + "x" * 40,
        "DATABASE_URL": primary.url(),
        "DATABASE_REPLICA_URL": replica.url(),
        "CARTEIRA_DB_POOL_MAX": "6",
        "CARTEIRA_CACHE": "database",
        "CARTEIRA_MEDIA_DIR": str(media),
        "CARTEIRA_REPLICA_RETRY_SECONDS": "1",
        "CARTEIRA_NIGHTLY_AT": "off",
        "PYTHONPATH": os.pathsep.join([str(ROOT / "tests" / "cluster"), str(ROOT / "src")]),
    }
    cluster = Cluster(root, primary, replica, free_port(),
                      [free_port() for _ in range(apps)], env)  # fmt: skip
    try:
        cluster.carteira("manage", "migrate", "--verbosity", "0")
        for port in cluster.app_ports:
            cluster.start_app(port)
        for _ in range(workers):
            cluster.start_worker()
        cluster.start_proxy()
        for port in cluster.app_ports:
            wait_until(lambda p=port: _ok(f"http://127.0.0.1:{p}/health/"), timeout=120,
                       what=f"app on {port}")  # fmt: skip
        wait_until(lambda: _ok(f"{cluster.base_url}/health/"), timeout=20, what="haproxy")
    except BaseException:
        cluster.stop()
        raise
    return cluster


def _ok(url: str) -> bool:
    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


if __name__ == "__main__":  # a cluster to look at by hand: Ctrl+C stops it
    cluster = start()
    print(f"proxy {cluster.base_url}  primary {cluster.primary.port}  "
          f"replica {cluster.replica.port}  logs {cluster.root}", file=sys.stderr)  # fmt: skip
    try:
        signal.pause()
    finally:
        cluster.stop()
