"""The distribution proposal as a background task (Django's tasks framework; the
database backend, ``carteira manage db_worker``, started by ``carteira serve``): the
optimiser takes seconds to a minute, so the request only queues it."""

from __future__ import annotations

from django.tasks import task

from carteira.distribution.services import do_compute_proposal


@task()
def compute_proposal(proposal_id: int) -> str:
    return do_compute_proposal(proposal_id)
