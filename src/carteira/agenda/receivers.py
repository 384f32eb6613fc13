"""What the agenda does when something happens elsewhere (connected in AgendaConfig.ready)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from django.utils import timezone

from carteira.accounts.signals import sessions_ended
from carteira.agenda.models import CompanyDayOff, OfficeDay, Task, TimeOff, WorkSchedule
from carteira.agenda.scheduling import do_schedule
from carteira.agenda.services import do_revoke_feed
from carteira.clients.services import id_chunks
from carteira.clients.signals import clients_reassigned
from carteira.leads.models import Lead
from carteira.organization.models import Seller


@receiver(sessions_ended)
def revoke_calendar_feeds(sender, user, **kwargs) -> None:
    """A user whose sessions ended (deactivated) loses their calendar feed too."""
    for seller in Seller.objects.filter(user=user):
        do_revoke_feed(seller, by=None)


@receiver(clients_reassigned)
def open_tasks_follow_their_client(sender, moves: dict[int, int | None], **kwargs) -> None:
    """A reassigned client's open tasks (not given to a named user) go to the new seller,
    and both sellers' weeks are planned again. A move that carries no open task changes
    no week (a plan is made of tasks): an import assigning 300k new clients re-plans
    nobody, instead of every seller once per batch."""
    with_tasks: set[int] = set()
    previous: set[int | None] = set()
    for ids in id_chunks(list(moves)):
        for client_id, seller_id in (
            Task.objects.filter(client_id__in=ids, status=Task.Status.OPEN, assignee_user=None)
            .values_list("client_id", "seller_id")
            .distinct()
        ):
            with_tasks.add(client_id)
            previous.add(seller_id)
    if not with_tasks:
        return
    by_seller: dict[int | None, list[int]] = {}
    for client_id in with_tasks:
        by_seller.setdefault(moves[client_id], []).append(client_id)
    for seller_id, client_ids in by_seller.items():
        for ids in id_chunks(sorted(client_ids)):
            Task.objects.filter(
                client_id__in=ids, status=Task.Status.OPEN, assignee_user=None
            ).update(seller_id=seller_id)
    # Both sides' weeks change: the old seller has room, the new one more to fit.
    touched = {seller_id for seller_id in (previous | set(by_seller)) if seller_id is not None}
    do_schedule(today=timezone.localdate(), seller_ids=sorted(touched))


@receiver(post_save, sender=Lead)
def lead_next_step_changed(sender, instance, update_fields=None, **kwargs) -> None:
    """A lead's next step, owner or stage changed: its seller's week is planned again
    (leads share the capacity: leads.agenda)."""
    if update_fields is None or LEAD_PLAN_FIELDS & set(update_fields):
        WorkSchedule.objects.filter(seller_id=instance.seller_id).update(planned_on=None)


LEAD_PLAN_FIELDS = {"next_step_date", "next_step_channel", "seller", "stage"}


@receiver([post_save, post_delete], sender=OfficeDay)
@receiver([post_save, post_delete], sender=TimeOff)
@receiver([post_save, post_delete], sender=CompanyDayOff)
@receiver(post_save, sender=WorkSchedule)
def working_time_changed(sender, instance, **kwargs) -> None:
    """A change of working time makes the plans it touches stale: the next agenda or
    `carteira agenda` re-plans them."""
    stale = WorkSchedule.objects.all()
    if sender is not CompanyDayOff:
        stale = stale.filter(seller_id=instance.seller_id)
    stale.update(planned_on=None)
