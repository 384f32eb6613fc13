"""The review's warm-up as a background task (Django's tasks framework; the database
backend, ``carteira manage db_worker``, started by ``carteira serve``): computing the
reviews of a 100k-client portfolio takes seconds the nightly snapshot need not wait for."""

from __future__ import annotations

from django.db import transaction
from django.tasks import task

from carteira.review.kept import do_warm_reviews


@task()
def warm_reviews() -> int:
    return do_warm_reviews()


def do_queue_warm_up(_run=None) -> None:
    """After a snapshot (``portfolio.hooks.warm_sections``) or an import that changes what
    the review reads: queue ``warm_reviews`` once the writes are committed."""
    transaction.on_commit(warm_reviews.enqueue)
