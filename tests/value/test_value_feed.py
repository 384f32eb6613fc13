"""The value model feeds the action plan: the clients with the most room to grow and the
ones most worth recovering become their sellers' tasks, with the reason on the task."""

from decimal import Decimal

import pytest

from carteira.agenda.models import Task
from carteira.plans.models import ActionPlanCell, Objective
from carteira.plans.planner import do_plan
from carteira.plans.services import do_decide_recovery
from carteira.plans.value_feed import FEED_PER_SELLER, RECOVER_KEY, UPSELL_KEY
from carteira.portfolio.models import ClientSnapshot
from carteira.portfolio.services import do_snapshot
from carteira.value.feed import UPSELL_BELOW_SHARE
from carteira.value.models import ClientPotential, ClientValue
from carteira.value.selectors import RECOVERY_BELOW
from tests.histories import T


def upsell_cell_clients(run) -> set[int]:
    """The clients whose cell of the plan has the objective upsell: their cell's task
    carries the gap, the feed gives them none."""
    cells = {
        (c.abc, c.status, c.segment): c.objective
        for c in ActionPlanCell.objects.filter(active=True)
    }
    rows = ClientSnapshot.objects.filter(run=run).values_list(
        "client_id", "abc", "status", "client__segment"
    )
    return {
        client_id
        for client_id, abc, status, segment in rows
        if (cells.get((abc, status, segment)) or cells.get((abc, status, ""))) == Objective.UPSELL
    }


def expected_upsell(run) -> dict[int, list[int]]:
    """Per seller, the clients that should get an upsell task, largest gap first."""
    left_out = set(
        ClientValue.objects.filter(fit__run=run, p_alive__lt=RECOVERY_BELOW).values_list(
            "client_id", flat=True
        )
    ) | upsell_cell_clients(run)
    rows = ClientPotential.objects.filter(run=run).values_list(
        "client_id", "client__seller_id", "revenue", "gap", "share"
    )
    per_seller: dict[int, list[tuple[Decimal, int]]] = {}
    for client_id, seller_id, revenue, gap, share in rows:
        if revenue > 0 and gap > 0 and share < UPSELL_BELOW_SHARE and client_id not in left_out:
            per_seller.setdefault(seller_id, []).append((-gap, client_id))
    return {
        seller: [client for _gap, client in sorted(found)[:FEED_PER_SELLER]]
        for seller, found in per_seller.items()
    }


def expected_recover(run) -> dict[int, list[int]]:
    rows = ClientValue.objects.filter(fit__run=run, p_alive__lt=RECOVERY_BELOW).values_list(
        "client_id", "client__seller_id", "clv", "p_alive"
    )
    per_seller: dict[int, list[tuple[float, int]]] = {}
    for client_id, seller_id, clv, p in rows:
        worth = float(clv) / p - float(clv) if p > 0 else 0
        if worth > 0.005:
            per_seller.setdefault(seller_id, []).append((-worth, client_id))
    return {
        seller: [client for _w, client in sorted(found)[:FEED_PER_SELLER]]
        for seller, found in per_seller.items()
    }


def tasks_by_seller(key: str) -> dict[int, set[int]]:
    found: dict[int, set[int]] = {}
    for seller_id, client_id in Task.objects.filter(
        plan_key=key, status=Task.Status.OPEN
    ).values_list("seller_id", "client_id"):
        found.setdefault(seller_id, set()).add(client_id)
    return found


@pytest.mark.django_db
class TestTheValueFeed:
    def test_the_clients_with_most_room_to_grow_get_an_upsell_task_up_to_ten_per_seller(
        self, buyers
    ):
        run = do_snapshot(T)
        do_plan(T)
        expected = expected_upsell(run)
        assert sum(len(clients) for clients in expected.values()) > 0
        assert tasks_by_seller(UPSELL_KEY) == {s: set(c) for s, c in expected.items()}
        assert all(len(c) <= FEED_PER_SELLER for c in tasks_by_seller(UPSELL_KEY).values())

    def test_an_upsell_task_says_the_gap_and_the_share_of_wallet(self, buyers):
        run = do_snapshot(T)
        do_plan(T)
        task = Task.objects.filter(plan_key=UPSELL_KEY).order_by("pk").first()
        potential = ClientPotential.objects.get(run=run, client_id=task.client_id)
        assert task.objective == Objective.UPSELL
        assert task.context["value"] == {
            "kind": "upsell",
            "amount": str(potential.gap),
            "gap": str(potential.gap),
            "share": round(potential.share, 4),
            "source": potential.source,
        }
        share = f"{round(potential.share * 100)} %" if potential.share >= 0.005 else "menos de 1 %"
        assert task.script == task.context["reason"]
        assert task.script.startswith("Espaço para crescer: R$")
        assert share in task.script
        assert str(potential.get_source_display()) in task.script

    def test_the_clients_most_worth_recovering_get_a_recovery_task(self, buyers):
        run = do_snapshot(T)
        do_plan(T)
        expected = expected_recover(run)
        assert sum(len(clients) for clients in expected.values()) > 0
        assert tasks_by_seller(RECOVER_KEY) == {s: set(c) for s, c in expected.items()}
        task = Task.objects.filter(plan_key=RECOVER_KEY).first()
        row = ClientValue.objects.get(fit__run=run, client_id=task.client_id)
        assert task.objective in {Objective.RECOVER, Objective.REACTIVATE}
        assert task.context["value"]["p_alive"] == round(row.p_alive, 4)
        chance = f"{round(row.p_alive * 100)} %" if row.p_alive >= 0.005 else "menos de 1 %"
        assert f"probabilidade de ainda ser cliente {chance};" in task.script
        assert task.script.startswith("Vale a pena recuperar")

    def test_a_client_the_manager_decided_not_to_recover_gets_no_recovery_task(
        self, buyers, manager_sul
    ):
        run = do_snapshot(T)
        do_plan(T)
        task = Task.objects.filter(plan_key=RECOVER_KEY).order_by("pk").first()
        do_decide_recovery(
            task.client, worth_recovering=False, why="fechou a loja", status="inactive",
            by=manager_sul, on=T,
        )  # fmt: skip
        do_plan(T)
        task.refresh_from_db()
        assert task.status == Task.Status.CANCELLED
        assert not Task.objects.filter(
            plan_key=RECOVER_KEY, client_id=task.client_id, status=Task.Status.OPEN
        ).exists()
        assert run.pk  # same reading

    def test_planning_again_keeps_the_feeds_tasks(self, buyers):
        do_snapshot(T)
        first = do_plan(T)
        again = do_plan(T)
        assert first.created > 0
        assert again.created == 0
        assert again.cancelled == 0
        assert Task.objects.filter(plan_key__in=[UPSELL_KEY, RECOVER_KEY]).count() == (
            Task.objects.filter(
                plan_key__in=[UPSELL_KEY, RECOVER_KEY], status=Task.Status.OPEN
            ).count()
        )
