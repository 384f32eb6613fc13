"""What the ``leads`` import kind asks of leads (its writer is ``imports.lead_writers``):
the duplicates of a batch of records against clients and leads, and sizes by label."""

from __future__ import annotations

from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from carteira.clients.models import Client
from carteira.leads.models import Lead, Size
from carteira_core.ingest.values import fold

SIZES = (
    {fold(str(label)): key for key, label in Size.choices}
    | {fold(k): k for k in Size.values}
    | {
        "pequena": "small",
        "pequeno": "small",
        "media": "medium",
        "medio": "medium",
        "grande": "large",
        "me": "small",
        "epp": "small",
        "mei": "micro",
    }
)


def duplicate_owners(records, *, documents: bool = True) -> dict[int, str]:
    """Line → the reason it duplicates a client or another lead: the same CNPJ/CPF, or the
    same name in the same city (case and accents ignored). A lead is never its own
    duplicate (same code)."""
    found: dict[int, str] = {}
    docs = {r.document for r in records if r.document}
    by_doc_client = dict(
        Client.objects.filter(document__in=docs).values_list("document", "external_id")
    )
    by_doc_lead = {
        doc: code
        for doc, code in Lead.objects.filter(document__in=docs).values_list(
            "document", "external_id"
        )
    }
    cities = {r.city.lower() for r in records if r.city}
    clients = Client.objects.annotate(lc=Lower("city")).filter(lc__in=cities)
    named_clients = {}
    for code, name, trade, city in clients.values_list("external_id", "name", "trade_name", "city"):
        named_clients[(fold(name), fold(city))] = code
        if trade:
            named_clients[(fold(trade), fold(city))] = code
    leads = Lead.objects.annotate(lc=Lower("city")).filter(lc__in=cities)
    named_leads = {
        (fold(n), fold(c)): code for code, n, c in leads.values_list("external_id", "name", "city")
    }
    for r in records:
        key = (fold(r.name), fold(r.city or ""))
        if r.document and r.document in by_doc_client:
            found[r.line] = _("CNPJ/CPF %(value)s is already client %(other)s.") % {
                "value": r.document,
                "other": by_doc_client[r.document],
            }
        elif r.document and by_doc_lead.get(r.document, r.external_id) != r.external_id:
            found[r.line] = _("CNPJ/CPF %(value)s is already lead %(other)s.") % {
                "value": r.document,
                "other": by_doc_lead[r.document] or "—",
            }
        elif r.city and key in named_clients:
            found[r.line] = _("%(value)s in %(city)s is already client %(other)s.") % {
                "value": r.name,
                "city": r.city,
                "other": named_clients[key],
            }
        elif r.city and named_leads.get(key, r.external_id) != r.external_id:
            found[r.line] = _("%(value)s in %(city)s is already lead %(other)s.") % {
                "value": r.name,
                "city": r.city,
                "other": named_leads[key] or "—",
            }
    return found
