"""Work the web app leaves to the task worker (``carteira manage db_worker``, started by
``carteira serve``)."""

from __future__ import annotations

from django.tasks import task

from carteira.portfolio.figures import do_warm_dashboards
from carteira.portfolio.selectors import latest_official_run


@task()
def warm_dashboards(run_id: int) -> int:
    """After the rules page recomputed today's reading: store its dashboard figures, unless
    a newer reading came first (that one's own warm-up covers it). Returns the views."""
    latest = latest_official_run()
    if latest is None or latest.pk != run_id:
        return 0
    return do_warm_dashboards(latest)
