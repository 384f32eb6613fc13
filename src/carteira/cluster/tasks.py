from django.tasks import task

from carteira.cluster.nightly import run_chain


@task()
def run_nightly_chain(chain: str, day: str) -> list[str]:
    """One chain of nightly jobs for one date (enqueued once per date: nightly.py)."""
    return run_chain(chain, day)
