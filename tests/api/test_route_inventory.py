"""Every API operation declares its permission policy and is tried as seller Ana on
seller Bruno's objects: 404 (never 403) and not one row changed, or, for lists and
reports, only Ana's clients. A new operation without a case here fails this file."""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

import pytest

from carteira.api.api import operations
from carteira.api.models import WebhookSubscription
from carteira.api.policy import POLICIES
from carteira.complaints.models import Complaint
from carteira.leads.models import Lead
from carteira.organization.models import Seller
from tests.api.conftest import checksum


@dataclass(frozen=True)
class Refused:
    """Ana calls with Bruno's object: ``build(bruno_objects, ana_seller)`` → (path, body)."""

    build: Callable
    status: int = 404


@dataclass(frozen=True)
class Listed:
    """Ana lists: ``check(json, ana_clients)`` asserts that only her data came back."""

    path: str | Callable[[], str]  # a callable sets up what the route needs first
    check: Callable


def only_clients(data, mine):
    assert {row["client_id"] for row in data["results"]} <= mine
    assert data["count"] == len(data["results"])


def ana_client_ids(data, mine):
    assert {row["id"] for row in data["results"]} == mine


def ana_seller_only(data, mine):
    assert [row["external_id"] for row in data["results"]] == ["V001"]


def own_webhooks_only(data, mine):
    assert [row["id"] for row in data["results"]] == list(
        WebhookSubscription.objects.filter(owner__username="ana").values_list("pk", flat=True)
    )


def report_rows_of_ana(data, mine):
    assert sorted(row["external_id"] for row in data) == ["A1", "A2"]


def kpi_groups_of_ana(data, mine):
    assert [group["key"] for group in data["groups"]] == [{"seller": "V001"}]


def matrix_of_ana(data, mine):
    assert sum(cell["clients"] for cell in data["cells"]) == 2


def receivables_of_ana(data, mine):
    assert {group["key"] for group in data["groups"]} <= {"A1", "A2"}


def matrix_after_a_reading():
    """The credit cells need an official reading (classes and statuses) and titles: one
    overdue title for every client, Ana's and Bruno's."""
    from carteira.clients.models import Client
    from carteira.credit.models import Receivable
    from carteira.portfolio.services import do_snapshot

    for client in Client.objects.all():
        Receivable.objects.create(
            client=client, invoice=f"NF-{client.pk}", amount=100,
            issue_date=dt.date(2026, 5, 1), due_date=dt.date(2026, 6, 1),
        )  # fmt: skip
    do_snapshot(dt.date(2026, 6, 30))
    return "/receivables/matrix?as_of=2026-06-30"


def credit_cells_of_ana(data, mine):
    assert data["cells"] and {cell["seller"] for cell in data["cells"]} == {"V001"}


def value_of_ana(data, mine):
    assert {row["client"] for row in data["clients"]} <= {"A1", "A2"}
    assert data["model"]["status"] == "insufficient_data"  # two buyers: nothing to fit


def rules_readable(data, mine):
    assert data["number"] == 1


def complaint_measures_of_ana(data, mine):
    assert data["total"]["clients"] == len(mine)


def complaint_of(client) -> int:
    return Complaint.objects.create(client=client, seller=client.seller, category="Atendimento",
                                    opened_on=dt.date(2026, 5, 1)).pk  # fmt: skip


def lead_of(client) -> int:
    return Lead.objects.create(name=f"Lead {client.external_id}", seller=client.seller,
                               source="list", created_date=dt.date(2026, 5, 1)).pk  # fmt: skip


def leads_of_ana(data, mine):
    assert all(row["seller_id"] == data_seller("ana") for row in data["results"])


def data_seller(username: str) -> int:
    return Seller.objects.get(user__username=username).pk


def funnel_without_company_spend(data, mine):
    assert (data["acquisition"]["spend"], data["acquisition"]["ltv"]) == (0, None)


NEW_ORDER = {
    "external_id": "NOVO-1",
    "client_external_id": "B1",
    "date": "2026-05-01",
    "amount": "10.00",
}

NEW_LIMIT = {"client_external_id": "A1", "limit": "1.00"}
NEW_TITLE = {
    "invoice": "NF-1",
    "client_external_id": "B1",
    "issue_date": "2026-05-01",
    "due_date": "2026-05-31",
    "amount": "10.00",
}

CASES = {
    ("GET", "/clients"): Listed("/clients", ana_client_ids),
    ("POST", "/clients"): Refused(
        lambda o, s: ("/clients", {"external_id": "X1", "name": "X", "seller": o.client.seller_id}),
        422,
    ),
    ("GET", "/clients/{client_id}"): Refused(lambda o, s: (f"/clients/{o.client.pk}", None)),
    ("PATCH", "/clients/{client_id}"): Refused(
        lambda o, s: (f"/clients/{o.client.pk}", {"name": "Tomado", "version": 1})
    ),
    ("GET", "/contacts"): Listed("/contacts", only_clients),
    ("POST", "/contacts"): Refused(
        lambda o, s: ("/contacts", {"client_id": o.client.pk, "name": "Intruso"})
    ),
    ("GET", "/contacts/{contact_id}"): Refused(lambda o, s: (f"/contacts/{o.contact.pk}", None)),
    ("PATCH", "/contacts/{contact_id}"): Refused(
        lambda o, s: (f"/contacts/{o.contact.pk}", {"name": "Tomado"})
    ),
    ("GET", "/sellers"): Listed("/sellers", ana_seller_only),
    ("GET", "/sellers/{seller_id}"): Refused(lambda o, s: (f"/sellers/{o.client.seller_id}", None)),
    ("GET", "/assignments"): Listed("/assignments", only_clients),
    ("POST", "/assignments"): Refused(  # reassigning is for managers and the central team
        lambda o, s: ("/assignments", {"client_id": o.client.pk, "seller_id": s.pk}), 403
    ),
    ("GET", "/assignments/{assignment_id}"): Refused(
        lambda o, s: (f"/assignments/{o.assignment.pk}", None)
    ),
    ("GET", "/orders"): Listed("/orders", only_clients),
    ("GET", "/orders/{order_id}"): Refused(lambda o, s: (f"/orders/{o.order.pk}", None)),
    ("POST", "/orders/bulk"): Refused(lambda o, s: ("/orders/bulk", {"orders": [NEW_ORDER]}), 422),
    ("GET", "/interactions"): Listed("/interactions", only_clients),
    ("POST", "/interactions"): Refused(
        lambda o, s: (
            "/interactions",
            {
                "client_id": o.client.pk,
                "date": "2026-05-04",
                "channel": "visit",
                "successful": True,
            },
        ),
    ),
    ("GET", "/tasks"): Listed("/tasks", only_clients),
    ("PATCH", "/tasks/{task_id}"): Refused(
        lambda o, s: (f"/tasks/{o.task.pk}", {"status": "done"})
    ),
    ("GET", "/rules"): Listed("/rules", rules_readable),
    ("GET", "/reports/clients"): Listed("/reports/clients?as_of=2026-06-30", report_rows_of_ana),
    ("GET", "/reports/kpis"): Listed("/reports/kpis?as_of=2026-06-30", kpi_groups_of_ana),
    ("GET", "/reports/matrix"): Listed("/reports/matrix?as_of=2026-06-30&by=seller", matrix_of_ana),
    ("GET", "/receivables"): Listed("/receivables?as_of=2026-06-30", receivables_of_ana),
    ("GET", "/receivables/matrix"): Listed(matrix_after_a_reading, credit_cells_of_ana),
    ("GET", "/value"): Listed("/value?as_of=2026-06-30", value_of_ana),
    ("GET", "/complaints"): Listed("/complaints", only_clients),
    ("GET", "/complaints/measures"): Listed("/complaints/measures", complaint_measures_of_ana),
    ("POST", "/complaints"): Refused(
        lambda o, s: (
            "/complaints",
            {"client_id": o.client.pk, "category": "Atendimento", "description": "Intruso"},
        )
    ),
    ("POST", "/complaints/{complaint_id}/steps"): Refused(
        lambda o, s: (
            f"/complaints/{complaint_of(o.client)}/steps",
            {"step": "acknowledge", "apology": "x", "promise": "y"},
        )
    ),
    ("GET", "/receivables/clients/{client_id}"): Refused(
        lambda o, s: (f"/receivables/clients/{o.client.pk}", None)
    ),
    ("POST", "/receivables/bulk"): Refused(  # loading titles is for managers and the center
        lambda o, s: ("/receivables/bulk", {"receivables": [NEW_TITLE]}), 403
    ),
    ("POST", "/receivables/limits"): Refused(  # the ERP's limits: managers and the center
        lambda o, s: ("/receivables/limits", {"limits": [NEW_LIMIT]}), 403
    ),
    # The phone app's sync takes the browser session only: a token is not a phone (its
    # scope is tested in tests/field/test_sync_api.py).
    ("GET", "/field/download"): Refused(lambda o, s: ("/field/download", None), 401),
    ("POST", "/field/sync"): Refused(
        lambda o, s: (
            "/field/sync",
            {
                "operations": [
                    {"key": "k" * 36, "kind": "outcome", "client": o.client.pk, "data": {}}
                ]
            },
        ),
        401,
    ),
    ("POST", "/field/photo"): Refused(
        lambda o, s: (f"/field/photo?key={'k' * 36}&client={o.client.pk}&outcome={'o' * 36}", None),
        401,
    ),
    ("GET", "/webhooks"): Listed("/webhooks", own_webhooks_only),
    ("POST", "/webhooks"): Refused(
        lambda o, s: ("/webhooks", {"url": "http://169.254.169.254/", "events": ["task.created"]}),
        422,
    ),
    ("DELETE", "/webhooks/{webhook_id}"): Refused(lambda o, s: (f"/webhooks/{o.webhook.pk}", None)),
    ("GET", "/leads"): Listed("/leads", leads_of_ana),
    ("GET", "/leads/funnel"): Listed("/leads/funnel", funnel_without_company_spend),
    ("GET", "/leads/{lead_id}"): Refused(lambda o, s: (f"/leads/{lead_of(o.client)}", None)),
    ("PATCH", "/leads/{lead_id}"): Refused(
        lambda o, s: (f"/leads/{lead_of(o.client)}", {"name": "Tomado"})
    ),
    ("POST", "/leads/{lead_id}/move"): Refused(
        lambda o, s: (f"/leads/{lead_of(o.client)}/move", {"stage": "contacted"})
    ),
    ("POST", "/leads/{lead_id}/contacts"): Refused(
        lambda o, s: (f"/leads/{lead_of(o.client)}/contacts", {"channel": "phone"})
    ),
    ("POST", "/leads"): Refused(  # giving a lead to another team's seller
        lambda o, s: ("/leads", {"name": "Intruso", "seller_id": o.client.seller_id}), 422
    ),
    ("GET", "/webhooks/{webhook_id}/deliveries"): Refused(
        lambda o, s: (f"/webhooks/{o.webhook.pk}/deliveries", None)
    ),
}

OPERATIONS = sorted((method, path) for method, path, _op in operations())


def test_every_operation_declares_a_known_policy():
    undeclared = [
        (method, path)
        for method, path, op in operations()
        if (op.openapi_extra or {}).get("x-carteira-policy") not in POLICIES
    ]
    assert undeclared == []


def test_every_operation_has_an_access_case_and_no_case_is_stale():
    assert sorted(CASES) == OPERATIONS


@pytest.mark.django_db
@pytest.mark.parametrize(("method", "path"), OPERATIONS, ids=[f"{m} {p}" for m, p in OPERATIONS])
def test_seller_ana_reaches_nothing_of_seller_bruno(
    method, path, ana, ana_objects, bruno_objects, seller_ana
):
    case = CASES.get((method, path))
    assert case is not None, f"{method} {path} has no access case: declare its policy here"
    if isinstance(case, Listed):
        response = ana.get(case.path() if callable(case.path) else case.path)
        assert response.status_code == 200, response.content
        case.check(response.json(), set(seller_ana.clients.values_list("pk", flat=True)))
        return
    url, body = case.build(bruno_objects, seller_ana)
    before = checksum()
    response = ana.call(method, url, body)
    assert response.status_code == case.status, response.content
    assert checksum() == before
    assert WebhookSubscription.objects.filter(owner=seller_ana.user).count() == 1
