import os
import subprocess
import sys

from django.core.management.base import BaseCommand
from django.db import connection
from django.utils.translation import gettext as _

from carteira.schema import ensure_current
from carteira.web.background import worker_state_file
from carteira.web.supervisor import die_with_parent


class Command(BaseCommand):
    @property
    def help(self) -> str:  # at run time: argparse needs a real str, in the active language
        return _("Serve the web app (gunicorn, static files by WhiteNoise).")

    def add_arguments(self, parser):
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8000)
        parser.add_argument("--workers", type=int, default=2)
        parser.add_argument(
            "--no-task-worker",
            action="store_true",
            help=_("do not start the background task worker (run `carteira manage db_worker`)"),
        )

    def handle(self, *args, host, port, workers, no_task_worker=False, **options):
        ensure_current()  # `carteira serve` on a new workspace (the CLI does it too)
        connection.close()
        if no_task_worker:
            # A separate worker: no supervisor's state, not an old one saying "stopped".
            worker_state_file().unlink(missing_ok=True)
        else:
            start_task_worker()
        self.stdout.write(
            _("Carteira: %(url)s  (Ctrl+C to stop)") % {"url": f"http://{host}:{port}/"}
        )
        self.stdout.flush()
        argv = [
            sys.executable, "-m", "gunicorn", "carteira.wsgi:application",
            "--bind", f"{host}:{port}", "--workers", str(workers), "--threads", "4",
            "--access-logfile", "-", "--graceful-timeout", "5",
            # gunicorn's 2 s keep-alive closed connections a client was about to reuse:
            # 0.1 % of requests failed under the load bench; 10 s ended that.
            "--keep-alive", "10",
        ]  # fmt: skip
        os.execv(sys.executable, argv)  # noqa: S606 -- fixed argv, no shell


def start_task_worker() -> None:
    """The background task worker (exports, web imports) beside the web server, under a
    supervisor that restarts it if it dies (`carteira.web.supervisor`). The supervisor is
    told to stop when this process — gunicorn once exec'd — ends, and takes the worker
    with it."""
    worker = [sys.executable, "-m", "carteira.cli", "manage", "db_worker", "--queue-name", "*",
              "--no-reload", "--verbosity", "0"]  # fmt: skip
    subprocess.Popen(  # noqa: S603 -- fixed argv, no shell
        [sys.executable, "-m", "carteira.web.supervisor", str(worker_state_file()), "--", *worker],
        preexec_fn=die_with_parent,  # only a prctl, before exec
    )
