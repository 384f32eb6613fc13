"""What complaints do when something happens elsewhere (connected in ComplaintsConfig.ready)."""

from django.dispatch import receiver

from carteira.clients.services import id_chunks
from carteira.clients.signals import clients_reassigned
from carteira.complaints.models import Complaint
from carteira.organization.models import Seller


@receiver(clients_reassigned)
def open_complaints_follow_their_client(sender, moves: dict[int, int | None], **kwargs) -> None:
    """A reassigned client's open complaints owned by its former seller go to the new one
    (the agenda moves their tasks): the SLA warnings then reach someone who sees the client.
    A complaint owned by someone else (an analyst of the central team) keeps its owner."""
    users = dict(
        Seller.objects.filter(pk__in={s for s in moves.values() if s}).values_list("pk", "user")
    )
    by_seller: dict[int | None, list[int]] = {}
    for client_id, seller_id in moves.items():
        by_seller.setdefault(seller_id, []).append(client_id)
    for seller_id, client_ids in by_seller.items():
        new_owner = users.get(seller_id)
        for ids in id_chunks(client_ids):
            still_open = Complaint.objects.filter(client_id__in=ids).exclude(
                status=Complaint.Status.RESOLVED
            )
            former = Seller.objects.filter(user__isnull=False).exclude(pk=seller_id)
            still_open.filter(owner__in=former.values("user")).update(owner_id=new_owner)
