"""The one gate between a user and clients: every view, export, API call and task
that reaches a client goes through these functions."""

from collections.abc import Callable

from django.db.models import QuerySet
from django.http import Http404

from carteira.accounts.models import Role, User
from carteira.clients.models import Client
from carteira.organization.models import Seller


def sellers_visible_to(user: User) -> QuerySet[Seller]:
    if not user.is_authenticated or not user.is_active:
        return Seller.objects.none()
    if user.sees_whole_portfolio:
        return Seller.objects.all()
    if user.role == Role.MANAGER:
        return Seller.objects.filter(team__manager=user)
    if user.role == Role.SELLER:
        return Seller.objects.filter(user=user)
    return Seller.objects.none()


def clients_visible_to(user: User) -> QuerySet[Client]:
    """The clients a user may read: a seller's own, a manager's teams', or all."""
    if not user.is_authenticated or not user.is_active:
        return Client.objects.none()
    if user.sees_whole_portfolio:
        return Client.objects.all()
    if user.role == Role.MANAGER:
        # The teams' sellers as a list of ids, not a join through the teams: PostgreSQL
        # then counts the clients from seller_id's statistics. The join was guessed at ~2 %
        # of a 22k-client team and planned as nested loops, 2.5× slower (docs/benchmarks.md).
        sellers = list(Seller.objects.filter(team__manager=user).values_list("pk", flat=True))
        return Client.objects.filter(seller_id__in=sellers)
    if user.role == Role.SELLER:
        return Client.objects.filter(seller__user=user)
    return Client.objects.none()


def access_client(
    user: User,
    client_id: int,
    *,
    shaped: Callable[[QuerySet[Client]], QuerySet[Client]] | None = None,
) -> Client:
    """The client, if the user may see it; 404 otherwise (never 403: ids stay unguessable).
    ``shaped`` may add joins and annotations to the gated query (never widen it)."""
    clients = clients_visible_to(user)
    try:
        return (shaped(clients) if shaped else clients).get(pk=client_id)
    except (Client.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
