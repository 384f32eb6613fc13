import datetime as dt

from carteira.leads.models import Lead
from carteira.leads.services import do_create_lead

DAY = dt.date(2026, 11, 2)


def make_lead(name: str, seller, *, on: dt.date = DAY, **fields) -> Lead:
    fields.setdefault("source", "list")
    fields.setdefault("stage", "listed")
    lead = Lead(name=name, seller=seller, created_date=on, **fields)
    return do_create_lead(lead, by=None, via="test", on=on)
