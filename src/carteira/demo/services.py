"""Making the demo workspace: generate, load, compute."""

from __future__ import annotations

import time
from datetime import date

from django.core.management import call_command
from django.db import connection
from django.utils.translation import gettext as _

from carteira.clients.models import Client
from carteira.demo.loader import Progress, do_load_demo, do_wipe_workspace, seconds_since
from carteira.plans.planner import do_plan
from carteira.portfolio.services import do_snapshot_history, official_run
from carteira.web.formats import number
from carteira_core.demo import generate


def after_load(*, today: date, fresh: bool = True) -> None:
    """Hook run by ``carteira demo`` once the data is in: the portfolio computation goes
    here. ``fresh`` is False when an existing demo is reused (keep that path quick)."""
    if fresh:
        do_snapshot_history(today)
        do_plan(today)  # the sellers' agendas (no e-mail: the demo sends none)
    else:
        official_run(today)


def check_workspace_has_clients() -> bool:
    return Client.objects.exists()


def do_migrate(progress: Progress) -> None:
    clock = time.perf_counter()
    call_command("migrate", interactive=False, verbosity=0)
    progress(
        _("database ready (%(vendor)s) in %(seconds)s s")
        % {"vendor": connection.vendor, "seconds": seconds_since(clock)}
    )


def do_prepare_demo(
    *, clients: int, seed: int, today: date, reset: bool, progress: Progress
) -> bool:
    """Migrate, then generate and load the demo unless the workspace already has
    clients (``reset`` wipes it first). Returns whether data was generated."""
    do_migrate(progress)
    if reset:
        do_wipe_workspace()
        progress(_("workspace wiped (--reset)"))
    elif check_workspace_has_clients():
        progress(_("workspace already has clients: reusing them (use --reset to regenerate)"))
        after_load(today=today, fresh=False)
        return False
    clock = time.perf_counter()
    data = generate(clients=clients, seed=seed, today=today)
    progress(
        _("generated %(clients)s clients and %(orders)s orders in %(seconds)s s")
        % {
            "clients": number(data.clients.height),
            "orders": number(data.orders.height),
            "seconds": seconds_since(clock),
        }
    )
    loaded = do_load_demo(data, progress=progress)
    progress(_("loaded in %(seconds)s s") % {"seconds": number(loaded.seconds, digits=1)})
    clock = time.perf_counter()
    after_load(today=today)
    progress(_("portfolio computed in %(seconds)s s") % {"seconds": seconds_since(clock)})
    return True
