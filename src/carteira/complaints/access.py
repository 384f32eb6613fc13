"""The one gate between a user and complaints: a complaint is visible exactly when its
client is (clients.access), so a seller sees their own clients' complaints, a manager their
teams', the central team all; anything else is a 404."""

from django.db.models import QuerySet
from django.http import Http404

from carteira.accounts.models import User
from carteira.clients.access import clients_visible_to
from carteira.complaints.models import Complaint


def complaints_visible_to(user: User) -> QuerySet[Complaint]:
    if not user.is_authenticated or not user.is_active:
        return Complaint.objects.none()
    if user.sees_whole_portfolio:
        return Complaint.objects.all()
    return Complaint.objects.filter(client__in=clients_visible_to(user))


def access_complaint(user: User, complaint_id: int) -> Complaint:
    """The complaint if the user may see it; 404 otherwise (never 403: ids stay unguessable)."""
    try:
        return (
            complaints_visible_to(user)
            .select_related("client", "seller", "owner")
            .get(pk=complaint_id)
        )
    except (Complaint.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
