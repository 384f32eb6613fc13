"""The balanced proposal is computed by the task worker: the request answers at once with
a proposal 'computing', its page follows the optimiser's passes, then opens the draft."""

import datetime as dt

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from carteira.clients.models import Client
from carteira.distribution.models import Proposal
from carteira.distribution.services import do_compute_proposal
from tests.exports.conftest import DATABASE_TASKS, run_worker

pytestmark = pytest.mark.django_db(transaction=True)  # the worker commits


@pytest.fixture(autouse=True)
def database_tasks(settings):
    settings.TASKS = DATABASE_TASKS  # queued in the database, run by the real worker


def ask(client, user, **fields) -> tuple:
    client.force_login(user)
    response = client.post(reverse("distribution:proposal_new"), {"reason": "equilíbrio",
                                                                  **fields})  # fmt: skip
    return response, Proposal.objects.get()


def test_asking_answers_at_once_with_a_proposal_the_worker_then_computes(
    client, manager_sul, portfolio, team_sul
):
    response, proposal = ask(client, manager_sul, team=team_sul.pk)
    assert response.status_code == 302
    assert response.url == reverse("distribution:proposal", args=[proposal.pk])
    assert proposal.status == Proposal.State.COMPUTING
    assert (proposal.moves, proposal.summary, proposal.computed_at) == ([], {}, None)

    page = client.get(response.url)
    assert page.templates[0].name == "distribution/proposal_wait.html"
    text = page.content.decode()
    assert 'id="proposal-status"' in text and 'hx-trigger="every 1s"' in text
    assert "Calculando a proposta" in text

    run_worker()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.State.DRAFT
    assert proposal.step == "" and proposal.computed_at is not None
    assert proposal.summary["clients"] == 4  # Ana's and Bruno's, team Sul
    # the page's next poll asks htmx to load the whole page, which shows the draft
    poll = client.get(response.url, headers={"HX-Request": "true"})
    assert poll.status_code == 200 and poll["HX-Refresh"] == "true"
    assert client.get(response.url).templates[0].name == "distribution/proposal.html"


def test_the_waiting_page_ticks_off_the_passes_the_worker_has_reached(client, director, portfolio):
    _response, proposal = ask(client, director, tradeoff="changes")
    assert [reached for _label, reached in proposal.steps] == [False] * 4
    Proposal.objects.filter(pk=proposal.pk).update(step="changes")
    poll = client.get(reverse("distribution:proposal", args=[proposal.pk]),
                      headers={"HX-Request": "true"})  # fmt: skip
    assert poll.content.decode().lstrip().startswith('<section id="proposal-status"')
    steps = [label for label, _reached in poll.context["proposal"].steps]
    assert steps == [
        "Agrupando os clientes em áreas",
        "Equilibrando a carga de trabalho entre os vendedores",
        "Mantendo poucas trocas de vendedor",
        "Equilibrando o faturamento",
    ]
    assert [reached for _label, reached in poll.context["proposal"].steps] == [
        True,
        True,
        True,
        False,
    ]
    assert poll.content.decode().count("✓") == 3


def test_the_routes_priority_has_no_fewest_changes_pass(client, director, portfolio):
    _response, proposal = ask(client, director, tradeoff="routes")
    assert len(proposal.steps) == 3


def test_a_proposal_with_nothing_left_to_distribute_fails_with_the_reason(
    client, manager_sul, portfolio, seller_carla, team_sul
):
    _response, proposal = ask(client, manager_sul, team=team_sul.pk)
    # before the worker starts, every client of team Sul goes to another team
    Client.objects.filter(external_id__in=["A1", "A2", "B1", "B2"]).update(seller=seller_carla)
    run_worker()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.State.FAILED
    assert proposal.failure == (
        "Nada a distribuir: não há clientes ou nenhum vendedor pode recebê-los."
    )
    page = client.get(reverse("distribution:proposal", args=[proposal.pk])).content.decode()
    assert proposal.failure in page and "Pedir uma nova proposta" in page
    assert 'hx-trigger="every 1s"' not in page


def test_asking_with_nothing_to_distribute_is_refused_at_once(client, manager_sul, team_sul):
    client.force_login(manager_sul)
    response = client.post(reverse("distribution:proposal_new"),
                           {"reason": "x", "team": team_sul.pk}, follow=True)  # fmt: skip
    assert not Proposal.objects.exists()
    assert "Nada a distribuir" in response.content.decode()


def test_a_proposal_cancelled_while_computing_stays_cancelled(client, director, portfolio):
    _response, proposal = ask(client, director)
    client.post(reverse("distribution:proposal_discard", args=[proposal.pk]))
    run_worker()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.State.DISCARDED
    assert proposal.moves == [] and proposal.computed_at is None


def test_computing_twice_changes_nothing(client, director, portfolio):
    _response, proposal = ask(client, director)
    assert do_compute_proposal(proposal.pk) == "draft"
    proposal.refresh_from_db()
    computed_at, moves = proposal.computed_at, proposal.moves
    assert do_compute_proposal(proposal.pk) == "gone"
    proposal.refresh_from_db()
    assert (proposal.computed_at, proposal.moves) == (computed_at, moves)


def test_the_page_says_when_no_worker_has_started_the_proposal(client, director, portfolio):
    _response, proposal = ask(client, director)
    url = reverse("distribution:proposal", args=[proposal.pk])
    assert "não iniciou esta proposta" not in client.get(url).content.decode()
    with time_machine.travel(timezone.now() + dt.timedelta(seconds=61)):
        page = client.get(url).content.decode()
    assert "O processo em segundo plano não iniciou esta proposta há mais de um minuto" in page


def test_the_worker_computes_as_the_user_who_asked_within_their_scope_today(
    client, manager_sul, portfolio, team_sul
):
    _response, proposal = ask(client, manager_sul, team=team_sul.pk)
    team_sul.manager = None
    team_sul.save(update_fields=["manager"])  # Marta no longer manages team Sul
    run_worker()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.State.FAILED
    assert proposal.moves == []
