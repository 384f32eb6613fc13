"""The import fields as a user reads them: a name in their language and an example value.

The fields themselves (names, aliases, parsers) are the core's (``carteira_core.ingest.
schemas``, documented in docs/import-format.md); the core imports no Django, so the
translatable names live here. Examples are values, not words: they stay as a Brazilian
ERP writes them. A test checks that every field of every schema has its entry.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from carteira_core.ingest import SCHEMAS


@dataclass(frozen=True, slots=True)
class FieldText:
    label: str | Promise
    example: str


_SELLER_CODE = FieldText(_("Seller code"), "V012")
_CLIENT_CODE = FieldText(_("Client code"), "C1001")

FIELD_TEXTS: dict[str, dict[str, FieldText]] = {
    "sellers": {
        "external_id": _SELLER_CODE,
        "name": FieldText(_("Name"), "Ana Souza"),
        "email": FieldText(_("E-mail"), "ana@empresa.com.br"),
        "team": FieldText(_("Team"), "Sul"),
        "manager_external_id": FieldText(_("Manager's seller code"), "V001"),
        "active": FieldText(_("Active"), "sim"),
    },
    "clients": {
        "external_id": _CLIENT_CODE,
        "name": FieldText(_("Legal name"), "Padaria Central Ltda"),
        "trade_name": FieldText(_("Trade name"), "Padaria Central"),
        "document": FieldText(_("CNPJ or CPF"), "11.222.333/0001-81"),
        "segment": FieldText(_("Segment"), "Varejo"),
        "city": FieldText(_("City"), "Curitiba"),
        "state": FieldText(_("State (UF)"), "PR"),
        "postal_code": FieldText(_("Postal code (CEP)"), "80010-000"),
        "latitude": FieldText(_("Latitude"), "-25,4284"),
        "longitude": FieldText(_("Longitude"), "-49,2733"),
        "seller_external_id": _SELLER_CODE,
        "phone": FieldText(_("Phone"), "(41) 3222-1000"),
        "email": FieldText(_("E-mail"), "compras@padaria.com.br"),
        "created_at": FieldText(_("Registered on"), "07/03/2025"),
    },
    "contacts": {
        "client_external_id": _CLIENT_CODE,
        "name": FieldText(_("Contact name"), "Joana Pires"),
        "role": FieldText(_("Role"), "Compradora"),
        "email": FieldText(_("E-mail"), "joana@padaria.com.br"),
        "phone": FieldText(_("Phone"), "(41) 99876-5432"),
        "external_id": FieldText(_("Contact code"), "K55"),
    },
    "orders": {
        "external_id": FieldText(_("Order number"), "9001"),
        "client_external_id": _CLIENT_CODE,
        "date": FieldText(_("Issue date"), "07/03/2025"),
        "amount": FieldText(_("Amount"), "R$ 1.234,56"),
        "margin": FieldText(_("Margin"), "234,50"),
        "seller_external_id": _SELLER_CODE,
        "status": FieldText(_("Status (cancelled?)"), "cancelado"),
    },
    "interactions": {
        "client_external_id": _CLIENT_CODE,
        "date": FieldText(_("Date"), "07/03/2025"),
        "channel": FieldText(_("Channel"), "visita"),
        "successful": FieldText(_("Successful"), "sim"),
        "seller_external_id": _SELLER_CODE,
        "notes": FieldText(_("Notes"), "Pediu nova tabela"),
        "external_id": FieldText(_("Interaction code"), "I-77"),
    },
    "receivables": {
        "invoice": FieldText(_("Invoice (title)"), "NF 4512"),
        "instalment": FieldText(_("Instalment"), "2"),
        "client_external_id": _CLIENT_CODE,
        "issue_date": FieldText(_("Issue date"), "07/03/2025"),
        "due_date": FieldText(_("Due date"), "06/04/2025"),
        "amount": FieldText(_("Amount"), "R$ 1.234,56"),
        "paid_date": FieldText(_("Payment date"), "10/04/2025"),
        "paid_amount": FieldText(_("Amount paid"), "1.234,56"),
    },
    "credit_limits": {
        "client_external_id": _CLIENT_CODE,
        "limit": FieldText(_("Credit limit"), "R$ 50.000,00"),
        "note": FieldText(_("Note"), "Revisão anual"),
    },
    "leads": {
        "external_id": FieldText(_("Lead code"), "L-0042"),
        "name": FieldText(_("Legal name"), "Mercado Bom Preço Ltda"),
        "document": FieldText(_("CNPJ or CPF"), "12.ABC.345/01DE-35"),
        "segment": FieldText(_("Segment"), "Varejo"),
        "size": FieldText(_("Size"), "pequena"),
        "city": FieldText(_("City"), "Curitiba"),
        "state": FieldText(_("State (UF)"), "PR"),
        "source": FieldText(_("Source"), "lista"),
        "stage": FieldText(_("Stage"), "Pesquisado"),
        "seller_external_id": _SELLER_CODE,
        "contact_name": FieldText(_("Contact name"), "Joana Pires"),
        "phone": FieldText(_("Phone"), "(41) 3222-1000"),
        "email": FieldText(_("E-mail"), "compras@mercado.com.br"),
        "created_at": FieldText(_("Registered on"), "07/03/2025"),
    },
    "complaints": {
        "client_external_id": _CLIENT_CODE,
        "opened_at": FieldText(_("Opened at"), "07/03/2025 14:30"),
        "category": FieldText(_("Category"), "Atraso na entrega"),
        "severity": FieldText(_("Severity"), "alta"),
        "description": FieldText(_("Description"), "Pedido chegou com 5 dias de atraso"),
        "closed_at": FieldText(_("Closed at"), "10/03/2025"),
        "first_response_at": FieldText(_("First response at"), "07/03/2025 16:00"),
    },
    "contracts": {
        "client_external_id": _CLIENT_CODE,
        "name": FieldText(_("Contract"), "Fornecimento 2026"),
        "ends_on": FieldText(_("Ends on"), "31/12/2026"),
        "renewal_days": FieldText(_("Renewal task, days before the end"), "30"),
    },
    "sellout": {
        "client_external_id": _CLIENT_CODE,
        "date": FieldText(_("Date"), "14/12/2026"),
        "product": FieldText(_("Product"), "SKU-123"),
        "quantity": FieldText(_("Quantity sold"), "12"),
        "value": FieldText(_("Value sold"), "R$ 240,00"),
        "stock": FieldText(_("Stock on hand"), "45"),
    },
    "acquisition_spend": {
        "period_start": FieldText(_("From"), "01/03/2025"),
        "period_end": FieldText(_("Until"), "31/03/2025"),
        "channel": FieldText(_("Channel"), "evento"),
        "amount": FieldText(_("Amount"), "R$ 6.000,00"),
        "seller_external_id": _SELLER_CODE,
    },
}


@dataclass(frozen=True, slots=True)
class FieldHelp:
    """One row of the mapper's legend."""

    name: str
    label: str | Promise
    example: str
    required: bool
    columns: tuple[str, ...]  # the column names matched automatically


def field_text(kind: str, name: str) -> FieldText:
    return FIELD_TEXTS[kind].get(name) or FieldText(name, "")


def field_choice_label(kind: str, name: str, *, required: bool) -> str:
    """``Order number * (e.g. 9001)``: what the mapper's select shows for a field."""
    text = field_text(kind, name)
    label = f"{text.label} *" if required else str(text.label)
    return _("%(label)s (e.g. %(example)s)") % {"label": label, "example": text.example}


def fields_help(kind: str) -> list[FieldHelp]:
    helps = []
    for spec in SCHEMAS[kind].fields:
        text = field_text(kind, spec.name)
        columns = (spec.name, *spec.aliases)
        helps.append(FieldHelp(spec.name, text.label, text.example, spec.required, columns))
    return helps
