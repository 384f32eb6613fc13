"""Writes on interactions (a contact recorded outside a task: the API; closing a task
records its contact through agenda.services.do_close_task)."""

from django.db import transaction

from carteira.accounts.models import User
from carteira.audit.services import do_record
from carteira.clients.models import Client
from carteira.interactions.models import Interaction


@transaction.atomic
def do_record_interaction(client: Client, *, by: User, via: str, **fields) -> Interaction:
    """A contact with ``client`` (reached through its gate), credited to its seller today."""
    interaction = Interaction.objects.create(
        **fields, client=client, seller_id=client.seller_id, recorded_by=by
    )
    do_record("interaction.created", actor=by, obj=interaction, client=client.pk, via=via)
    return interaction
