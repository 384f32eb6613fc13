"""The people in our access stories.

Company "Distribuidora Exemplo": team Sul (manager Marta: sellers Ana and Bruno),
team Norte (manager Nelson: seller Carla), a director, a portfolio analyst and an
admin. Each seller has clients of their own.
"""

import datetime as dt

import pytest

from carteira.accounts.models import Role, User
from carteira.clients.models import Client
from carteira.clients.services import do_assign_client
from carteira.organization.models import Seller, Team

PASSWORD = "senha-forte-123"


def make_user(username: str, role: str, **extra) -> User:
    return User.objects.create_user(username, f"{username}@exemplo.com.br", PASSWORD, role=role,
                                    **extra)  # fmt: skip


def make_client(external_id: str, seller: Seller | None, **fields) -> Client:
    fields.setdefault("name", f"Cliente {external_id} LTDA")
    client = Client.objects.create(external_id=external_id, **fields)
    if seller is not None:
        do_assign_client(client, seller, start=None)
        client.refresh_from_db()
    return client


@pytest.fixture
def director(db):
    return make_user("diretor", Role.DIRECTOR)


@pytest.fixture
def analyst(db):
    return make_user("analista", Role.ANALYST)


@pytest.fixture
def admin_user(db):
    return make_user("admin", Role.ADMIN, is_staff=True, is_superuser=True)


@pytest.fixture
def manager_sul(db):
    return make_user("marta", Role.MANAGER)


@pytest.fixture
def manager_norte(db):
    return make_user("nelson", Role.MANAGER)


@pytest.fixture
def team_sul(manager_sul):
    return Team.objects.create(name="Equipe Sul", manager=manager_sul)


@pytest.fixture
def team_norte(manager_norte):
    return Team.objects.create(name="Equipe Norte", manager=manager_norte)


@pytest.fixture
def seller_ana(team_sul):
    user = make_user("ana", Role.SELLER, first_name="Ana")
    return Seller.objects.create(external_id="V001", name="Ana Souza", team=team_sul, user=user)


@pytest.fixture
def seller_bruno(team_sul):
    user = make_user("bruno", Role.SELLER, first_name="Bruno")
    return Seller.objects.create(external_id="V002", name="Bruno Lima", team=team_sul, user=user)


@pytest.fixture
def seller_carla(team_norte):
    user = make_user("carla", Role.SELLER, first_name="Carla")
    return Seller.objects.create(external_id="V003", name="Carla Dias", team=team_norte, user=user)


@pytest.fixture
def portfolio(seller_ana, seller_bruno, seller_carla):
    """Two clients for each seller, with a document, segment and city."""
    clients = {}
    for seller, ids in ((seller_ana, "A1 A2"), (seller_bruno, "B1 B2"), (seller_carla, "C1 C2")):
        for external_id in ids.split():
            clients[external_id] = make_client(
                external_id,
                seller,
                segment="supermercados" if external_id.endswith("1") else "farmácias",
                city="Porto Alegre" if seller.team.name == "Equipe Sul" else "Recife",
                state="RS" if seller.team.name == "Equipe Sul" else "PE",
                created_date=dt.date(2024, 1, 1),
            )
    return clients
