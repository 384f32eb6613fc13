"""The one gate between a user and leads: the same scope as clients (clients.access), by
the lead's owner. A lead without an owner is the central team's to hand out."""

from django.db.models import QuerySet
from django.http import Http404

from carteira.accounts.models import User
from carteira.clients.access import sellers_visible_to
from carteira.leads.models import Lead


def leads_visible_to(user: User) -> QuerySet[Lead]:
    """A seller's own leads, a manager's teams', or all (the central team)."""
    if not user.is_authenticated or not user.is_active:
        return Lead.objects.none()
    if user.sees_whole_portfolio:
        return Lead.objects.all()
    sellers = list(sellers_visible_to(user).values_list("pk", flat=True))
    return Lead.objects.filter(seller_id__in=sellers)


def access_lead(user: User, lead_id) -> Lead:
    """The lead, if the user may see it; 404 otherwise (never 403: ids stay unguessable)."""
    try:
        related = ("seller", "referred_by", "event", "loss_reason", "client")
        return leads_visible_to(user).select_related(*related).get(pk=lead_id)
    except (Lead.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
