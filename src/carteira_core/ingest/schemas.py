"""The standard import layouts (``docs``: import-format.md) as data: fields, aliases,
parsers, and the typed record each valid row becomes.

Contacts are not in the spec table; they follow the same style:
``client_external_id`` [cliente] (required), ``name`` [nome] (required), ``role`` [cargo],
``email`` [e-mail], ``phone`` [telefone], ``external_id`` [codigo] (optional; without
it a contact is identified by client + name).
Receivables (issue 20) are identified by invoice + instalment; a row check refuses a
due date before the issue date, a paid amount above the amount, and a paid amount
without a payment date.
Interactions accept an optional ``external_id`` [codigo] too, to make re-imports
idempotent; without it no duplicate check is possible (two visits the same day are real).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from carteira_core.ingest import values as v

KINDS = ("sellers", "clients", "contacts", "orders", "interactions", "receivables", "leads",
         "acquisition_spend", "complaints", "credit_limits", "contracts", "sellout")  # fmt: skip


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    parser: v.Parser
    required: bool = False
    aliases: tuple[str, ...] = ()
    default: object = None  # used when the column is absent or the cell empty


@dataclass(frozen=True, slots=True)
class UniqueKey:
    """Fields that must not repeat inside one file. ``unless`` skips this key when that
    field has a value (contacts: client + name is the identity only without a code)."""

    fields: tuple[str, ...]
    unless: str | None = None
    folded: bool = False  # compare case/accent-insensitively (names)

    @property
    def label(self) -> str:
        return " + ".join(self.fields)

    def key_of(self, parsed: Mapping[str, object]) -> tuple[str, ...] | None:
        if self.unless and parsed.get(self.unless) is not None:
            return None
        parts = [parsed.get(name) for name in self.fields]
        if any(part is None for part in parts):
            return None
        return tuple(v.fold(str(p)) if self.folded else str(p) for p in parts)


# --------------------------------------------------------------------------- records


@dataclass(frozen=True, slots=True)
class SellerRecord:
    line: int
    external_id: str
    name: str
    email: str | None = None
    team: str | None = None
    manager_external_id: str | None = None
    active: bool | None = None  # None: not given (the writer keeps/defaults it)


@dataclass(frozen=True, slots=True)
class ClientRecord:
    line: int
    external_id: str
    name: str
    trade_name: str | None = None
    document: str | None = None  # unmasked CNPJ (14) or CPF (11), letters uppercased
    segment: str | None = None
    city: str | None = None
    state: str | None = None  # UF
    postal_code: str | None = None  # "01310-100"
    latitude: Decimal | None = None
    longitude: Decimal | None = None
    seller_external_id: str | None = None
    phone: str | None = None  # digits
    email: str | None = None
    created_at: date | None = None

    @property
    def document_kind(self) -> str | None:
        if self.document is None:
            return None
        return "cnpj" if len(self.document) == 14 else "cpf"


@dataclass(frozen=True, slots=True)
class ContactRecord:
    line: int
    client_external_id: str
    name: str
    role: str | None = None
    email: str | None = None
    phone: str | None = None
    external_id: str | None = None


@dataclass(frozen=True, slots=True)
class OrderRecord:
    line: int
    external_id: str
    client_external_id: str
    date: date
    amount: Decimal
    margin: Decimal | None = None
    seller_external_id: str | None = None
    status: str = v.ORDER_VALID  # "valid" | "cancelled"


@dataclass(frozen=True, slots=True)
class InteractionRecord:
    line: int
    client_external_id: str
    date: date
    channel: str  # visit | phone | email | letter | whatsapp | other
    successful: bool
    seller_external_id: str | None = None
    notes: str | None = None
    external_id: str | None = None


@dataclass(frozen=True, slots=True)
class ReceivableRecord:
    line: int
    invoice: str
    instalment: int
    client_external_id: str
    issue_date: date
    due_date: date
    amount: Decimal
    paid_date: date | None = None
    paid_amount: Decimal | None = None


@dataclass(frozen=True, slots=True)
class ContractRecord:
    """A client's contract or supply agreement and when it ends (issue 16): its renewal is
    a task ``renewal_days`` (1–365, default 30) before the end."""

    line: int
    client_external_id: str
    name: str
    ends_on: date
    renewal_days: int | None = None


@dataclass(frozen=True, slots=True)
class SellOutRecord:
    """What a client sold to its own customers on a day and what it had left on the shelf
    (sell-out and stock, issue 16), per product or for the client's whole line."""

    line: int
    client_external_id: str
    date: date
    product: str = ""
    quantity: Decimal | None = None
    value: Decimal | None = None
    stock: Decimal | None = None


@dataclass(frozen=True, slots=True)
class CreditLimitRecord:
    """A client's credit limit as the ERP or the credit team sends it (issue 20)."""

    line: int
    client_external_id: str
    limit: Decimal
    note: str | None = None


@dataclass(frozen=True, slots=True)
class LeadRecord:
    """A prospect. ``source`` and ``stage`` are read by key or label by the writer (the
    stages are the company's, in its database)."""

    line: int
    external_id: str
    name: str
    document: str | None = None
    segment: str | None = None
    size: str | None = None
    city: str | None = None
    state: str | None = None
    source: str | None = None
    stage: str | None = None
    seller_external_id: str | None = None
    contact_name: str | None = None
    phone: str | None = None
    email: str | None = None
    created_at: date | None = None


@dataclass(frozen=True, slots=True)
class SpendRecord:
    """Acquisition spend of a channel (and optionally a seller) over a period."""

    line: int
    period_start: date
    period_end: date
    channel: str
    amount: Decimal
    seller_external_id: str | None = None


@dataclass(frozen=True, slots=True)
class ComplaintRecord:
    """A complaint from another system's history; times are naive (the company's zone)."""

    line: int
    client_external_id: str
    opened_at: datetime
    category: str
    severity: str  # low | medium | high
    description: str | None = None
    closed_at: datetime | None = None
    first_response_at: datetime | None = None


type Record = (
    SellerRecord
    | ClientRecord
    | ContactRecord
    | OrderRecord
    | InteractionRecord
    | ReceivableRecord
    | LeadRecord
    | SpendRecord
    | ComplaintRecord
    | CreditLimitRecord
    | ContractRecord
    | SellOutRecord
)

# A check across one row's parsed values: (field, code, params) for each problem found.
type RowCheck = Callable[[Mapping[str, object]], list[tuple[str, str, dict[str, object]]]]


def check_receivable(row: Mapping[str, object]) -> list[tuple[str, str, dict[str, object]]]:
    """Due before issue, paid more than owed, a paid amount without a payment date."""
    problems: list[tuple[str, str, dict[str, object]]] = []
    issued, due = row.get("issue_date"), row.get("due_date")
    if isinstance(issued, date) and isinstance(due, date) and due < issued:
        problems.append(
            ("due_date", "due_before_issue", {"issue_date": issued.strftime("%d/%m/%Y")})
        )
    amount, paid = row.get("amount"), row.get("paid_amount")
    if isinstance(amount, Decimal) and isinstance(paid, Decimal) and paid > amount:
        problems.append(("paid_amount", "paid_over_amount", {"amount": _comma(amount)}))
    if paid is not None and row.get("paid_date") is None:
        problems.append(("paid_amount", "paid_without_date", {}))
    return problems


def check_complaint(row: Mapping[str, object]) -> list[tuple[str, str, dict[str, object]]]:
    """A first response or a closing before the opening."""
    opened = row.get("opened_at")
    if not isinstance(opened, datetime):
        return []
    when = opened.strftime("%d/%m/%Y %H:%M")
    return [
        (name, "before_opening", {"opened_at": when})
        for name in ("first_response_at", "closed_at")
        if isinstance(moment := row.get(name), datetime) and moment < opened
    ]


def check_spend(row: Mapping[str, object]) -> list[tuple[str, str, dict[str, object]]]:
    """A period that ends before it starts."""
    start, end = row.get("period_start"), row.get("period_end")
    if isinstance(start, date) and isinstance(end, date) and end < start:
        return [("period_end", "period_end_before_start",
                 {"period_start": start.strftime("%d/%m/%Y")})]  # fmt: skip
    return []


def _comma(amount: Decimal) -> str:
    return format(amount, "f").replace(".", ",")


@dataclass(frozen=True, slots=True)
class Schema:
    kind: str
    fields: tuple[FieldSpec, ...]
    record_type: type[Record]
    unique: tuple[UniqueKey, ...] = ()
    # The field that names a row for the user in a report (order number, client code).
    row_key: str = "external_id"
    check: RowCheck | None = None  # checks across a row's fields, after each cell parsed

    def field(self, name: str) -> FieldSpec | None:
        return next((f for f in self.fields if f.name == name), None)

    @property
    def required(self) -> tuple[str, ...]:
        return tuple(f.name for f in self.fields if f.required)


def _f(name: str, parser: v.Parser, *aliases: str, required: bool = False, default=None):
    return FieldSpec(name, parser, required, aliases, default)


_ID = v.parse_external_id

SCHEMAS: dict[str, Schema] = {
    "sellers": Schema(
        "sellers",
        (
            _f("external_id", _ID, "codigo", required=True),
            _f("name", v.parse_name, "nome", required=True),
            _f("email", v.parse_email, "e-mail"),
            _f("team", v.parse_short_text, "equipe"),
            _f("manager_external_id", _ID, "gestor"),
            _f("active", v.parse_bool, "ativo"),
        ),
        SellerRecord,
        (UniqueKey(("external_id",)),),
    ),
    "clients": Schema(
        "clients",
        (
            _f("external_id", _ID, "codigo", required=True),
            _f("name", v.parse_name, "razao_social", "nome", required=True),
            _f("trade_name", v.parse_name, "nome_fantasia"),
            _f("document", v.parse_document, "cnpj", "cpf", "cnpj_cpf"),
            _f("segment", v.parse_short_text, "segmento"),
            _f("city", v.parse_short_text, "cidade"),
            _f("state", v.parse_state, "uf"),
            _f("postal_code", v.parse_postal_code, "cep"),
            _f("latitude", v.parse_latitude),
            _f("longitude", v.parse_longitude),
            _f("seller_external_id", _ID, "vendedor"),
            _f("phone", v.parse_phone, "telefone"),
            _f("email", v.parse_email),
            _f("created_at", v.parse_date, "data_cadastro"),
        ),
        ClientRecord,
        (UniqueKey(("external_id",)), UniqueKey(("document",))),
    ),
    "contacts": Schema(
        "contacts",
        (
            _f("client_external_id", _ID, "cliente", required=True),
            _f("name", v.parse_name, "nome", required=True),
            _f("role", v.parse_short_text, "cargo"),
            _f("email", v.parse_email, "e-mail"),
            _f("phone", v.parse_phone, "telefone"),
            _f("external_id", _ID, "codigo"),
        ),
        ContactRecord,
        (
            UniqueKey(("external_id",)),
            UniqueKey(("client_external_id", "name"), unless="external_id", folded=True),
        ),
        row_key="client_external_id",
    ),
    "orders": Schema(
        "orders",
        (
            _f("external_id", _ID, "pedido", "numero", required=True),
            _f("client_external_id", _ID, "cliente", required=True),
            _f("date", v.parse_date, "data", "data_emissao", required=True),
            _f("amount", v.parse_amount, "valor", "valor_total", required=True),
            _f("margin", v.parse_amount, "margem"),
            _f("seller_external_id", _ID, "vendedor"),
            _f("status", v.parse_order_status, "situacao", default=v.ORDER_VALID),
        ),
        OrderRecord,
        (UniqueKey(("external_id",)),),
    ),
    "interactions": Schema(
        "interactions",
        (
            _f("client_external_id", _ID, "cliente", required=True),
            _f("date", v.parse_date, "data", required=True),
            _f("channel", v.parse_channel, "canal", required=True),
            _f("successful", v.parse_bool, "sucesso", required=True),
            _f("seller_external_id", _ID, "vendedor"),
            _f("notes", v.parse_notes, "observacoes"),
            _f("external_id", _ID, "codigo"),
        ),
        InteractionRecord,
        (UniqueKey(("external_id",)),),
        row_key="client_external_id",
    ),
    "receivables": Schema(
        "receivables",
        (
            _f("invoice", _ID, "nota", "titulo", "nota_fiscal", required=True),
            _f("instalment", v.parse_instalment, "parcela", default=1),
            _f("client_external_id", _ID, "cliente", required=True),
            _f("issue_date", v.parse_date, "emissao", "data_emissao", required=True),
            _f("due_date", v.parse_date, "vencimento", "data_vencimento", required=True),
            _f("amount", v.parse_amount_not_negative, "valor", required=True),
            _f("paid_date", v.parse_date, "pagamento", "data_pagamento"),
            _f("paid_amount", v.parse_amount_not_negative, "valor_pago"),
        ),
        ReceivableRecord,
        (UniqueKey(("invoice", "instalment")),),
        row_key="invoice",
        check=check_receivable,
    ),
    "contracts": Schema(
        "contracts",
        (
            _f("client_external_id", _ID, "cliente", required=True),
            _f("name", v.parse_short_text, "contrato", "nome", required=True),
            _f("ends_on", v.parse_date, "vencimento", "fim", "termino", required=True),
            _f("renewal_days", v.parse_instalment, "dias_antes", "antecedencia"),
        ),
        ContractRecord,
        (UniqueKey(("client_external_id", "name")),),
        row_key="client_external_id",
    ),
    "sellout": Schema(
        "sellout",
        (
            _f("client_external_id", _ID, "cliente", required=True),
            _f("date", v.parse_date, "data", required=True),
            _f("product", v.parse_short_text, "produto", "sku", default=""),
            _f("quantity", v.parse_amount_not_negative, "quantidade", "qtd"),
            _f("value", v.parse_amount_not_negative, "valor"),
            _f("stock", v.parse_amount_not_negative, "estoque"),
        ),
        SellOutRecord,
        (UniqueKey(("client_external_id", "date", "product")),),
        row_key="client_external_id",
    ),
    "credit_limits": Schema(
        "credit_limits",
        (
            _f("client_external_id", _ID, "cliente", required=True),
            _f("limit", v.parse_amount_not_negative, "limite", "limite_credito", required=True),
            _f("note", v.parse_short_text, "observacao", "motivo"),
        ),
        CreditLimitRecord,
        (UniqueKey(("client_external_id",)),),
        row_key="client_external_id",
    ),
    "leads": Schema(
        "leads",
        (
            _f("external_id", _ID, "codigo", required=True),
            _f("name", v.parse_name, "razao_social", "nome", required=True),
            _f("document", v.parse_document, "cnpj", "cpf", "cnpj_cpf"),
            _f("segment", v.parse_short_text, "segmento"),
            _f("size", v.parse_short_text, "porte"),
            _f("city", v.parse_short_text, "cidade"),
            _f("state", v.parse_state, "uf"),
            _f("source", v.parse_short_text, "origem"),
            _f("stage", v.parse_short_text, "etapa"),
            _f("seller_external_id", _ID, "vendedor"),
            _f("contact_name", v.parse_name, "contato"),
            _f("phone", v.parse_phone, "telefone"),
            _f("email", v.parse_email, "e-mail"),
            _f("created_at", v.parse_date, "data_cadastro"),
        ),
        LeadRecord,
        (UniqueKey(("external_id",)), UniqueKey(("document",))),
    ),
    "acquisition_spend": Schema(
        "acquisition_spend",
        (
            _f("period_start", v.parse_date, "inicio", "de", "data_inicio", required=True),
            _f("period_end", v.parse_date, "fim", "ate", "data_fim", required=True),
            _f("channel", v.parse_short_text, "canal", "origem", required=True),
            _f("amount", v.parse_amount_not_negative, "valor", "investimento", required=True),
            _f("seller_external_id", _ID, "vendedor"),
        ),
        SpendRecord,
        (UniqueKey(("period_start", "channel", "seller_external_id")),),
        row_key="channel",
        check=check_spend,
    ),
    "complaints": Schema(
        "complaints",
        (
            _f("client_external_id", _ID, "cliente", required=True),
            _f("opened_at", v.parse_datetime, "abertura", "data_abertura", required=True),
            _f("category", v.parse_short_text, "categoria", required=True),
            _f("severity", v.parse_severity, "severidade", "gravidade", required=True),
            _f("description", v.parse_notes, "descricao"),
            _f("closed_at", v.parse_datetime, "encerramento", "data_encerramento"),
            _f("first_response_at", v.parse_datetime, "primeira_resposta"),
        ),
        ComplaintRecord,
        # client + opening instant + category is a complaint's identity (the writer's key)
        (UniqueKey(("client_external_id", "opened_at", "category"), folded=True),),
        row_key="client_external_id",
        check=check_complaint,
    ),
}
