"""An official reading stores its predictive value in the same transaction (ADR 15)."""

from carteira.audit.events import OFFICIAL_READING
from carteira.value.services import do_store_value


def event_happened(sender, **data):
    if sender == OFFICIAL_READING:
        do_store_value(data["run_id"], data=data.get("data"), readings=data.get("readings"))
