import datetime as dt
import hashlib
import json
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client as HttpClient

from carteira.agenda.models import Task
from carteira.api.models import WebhookDelivery, WebhookSubscription
from carteira.api.tokens import do_create_token
from carteira.clients.models import Assignment, Client, Contact
from carteira.interactions.models import Interaction
from carteira.orders.models import Order

API = "/api/v1"
# The tables a refused request must leave exactly as they were.
GUARDED = (Client, Contact, Assignment, Order, Interaction, Task, WebhookSubscription,
           WebhookDelivery)  # fmt: skip


@pytest.fixture(autouse=True)
def _fresh_rate_limits():
    cache.clear()
    yield
    cache.clear()


@dataclass
class Caller:
    """An API caller with a bearer token: ``ana.get("/clients")``."""

    token: str
    http: HttpClient

    def call(self, method: str, path: str, body=None, **headers):
        kwargs = {"HTTP_AUTHORIZATION": f"Bearer {self.token}", **headers}
        if body is not None:
            kwargs.update(data=json.dumps(body), content_type="application/json")
        return getattr(self.http, method.lower())(API + path, **kwargs)

    def get(self, path, **headers):
        return self.call("GET", path, **headers)

    def post(self, path, body, **headers):
        return self.call("POST", path, body, **headers)

    def patch(self, path, body, **headers):
        return self.call("PATCH", path, body, **headers)

    def delete(self, path, **headers):
        return self.call("DELETE", path, **headers)


def caller_for(user, scope="write") -> Caller:
    _token, raw = do_create_token(user=user, name="test", scope=scope)
    return Caller(raw, HttpClient())


def checksum() -> str:
    digest = hashlib.sha256()
    for model in GUARDED:
        rows = list(model.objects.order_by("pk").values_list())
        digest.update(f"{model.__name__}{rows!r}".encode())
    return digest.hexdigest()


@pytest.fixture
def ana(portfolio, seller_ana):
    return caller_for(seller_ana.user)


@pytest.fixture
def admin_api(portfolio, admin_user):
    return caller_for(admin_user)


@dataclass
class Objects:
    client: Client
    contact: Contact
    order: Order
    interaction: Interaction
    task: Task
    assignment: Assignment
    webhook: WebhookSubscription


def objects_of(client: Client, owner) -> Objects:
    """One of everything hanging off ``client`` (a webhook owned by ``owner``)."""
    code = client.external_id
    return Objects(
        client=client,
        contact=Contact.objects.create(client=client, name=f"Contato {code}"),
        order=Order.objects.create(external_id=f"PED-{code}", client=client, seller=client.seller,
                                   date=dt.date(2026, 5, 2), amount="150.00"),
        interaction=Interaction.objects.create(client=client, date=dt.date(2026, 5, 3),
                                               channel="phone", successful=True),
        task=Task.objects.create(client=client, seller=client.seller, title="Ligar",
                                 due_date=dt.date(2026, 5, 10), origin="manual"),
        assignment=client.assignments.get(end_date__isnull=True),
        webhook=WebhookSubscription.objects.create(owner=owner, url="https://example.com/h",
                                                   secret="s", events=["task.created"]),
    )  # fmt: skip


@pytest.fixture
def bruno_objects(portfolio, seller_bruno):
    return objects_of(portfolio["B1"], seller_bruno.user)


@pytest.fixture
def ana_objects(portfolio, seller_ana):
    return objects_of(portfolio["A1"], seller_ana.user)
