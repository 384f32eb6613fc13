"""Cell parsers: raw spreadsheet values in, Python values out, or ``ValueProblem``.

Each parser takes one non-empty cell as the reader produced it — ``str`` from a CSV;
``str``, ``int``, ``float``, ``bool``, ``datetime`` from an XLSX — and returns a plain
Python value. Empty cells never reach a parser (the schema turns them into ``None``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from carteira_core.documents import DocumentError, normalize_document
from carteira_core.ingest.problems import ValueProblem
from carteira_core.money import NumberError, decimal_from_number, parse_decimal

Parser = Callable[[object], object]

MIN_YEAR, MAX_YEAR = 1900, 2100
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_CONTROL_OR_NEWLINE = re.compile(r"[\x00-\x1f\x7f]")


def fold(text: str) -> str:
    """Case-, accent- and punctuation-insensitive key: ``Data Emissão`` → ``dataemissao``."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if c.isalnum() and c.isascii()).casefold()


def as_text(value: object) -> str:
    """A cell as text; integral floats lose their ``.0`` (Excel stores codes as numbers)."""
    if isinstance(value, str):
        return value.strip()
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value).strip()


def text_parser(max_length: int, *, multiline: bool = False) -> Parser:
    pattern = _CONTROL if multiline else _CONTROL_OR_NEWLINE

    def parse_text(value: object) -> str:
        text = as_text(value)
        if len(text) > max_length:
            raise ValueProblem("too_long", limit=max_length)
        if pattern.search(text):
            raise ValueProblem("invalid_text")
        return text

    return parse_text


parse_external_id = text_parser(64)
parse_name = text_parser(255)
parse_short_text = text_parser(120)
parse_notes = text_parser(10_000, multiline=True)


def decimal_parser(places: int) -> Callable[[object], Decimal]:
    def parse_amount(value: object) -> Decimal:
        try:
            if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
                return decimal_from_number(value, places=places)
            return parse_decimal(as_text(value), places=places)
        except NumberError as exc:
            raise ValueProblem(exc.code, **exc.params) from exc

    return parse_amount


parse_amount = decimal_parser(2)


def parse_amount_not_negative(value: object) -> Decimal:
    """An amount that cannot be below zero (a receivable's value or paid amount)."""
    amount = parse_amount(value)
    if amount < 0:
        raise ValueProblem("negative_amount", value=as_text(value))
    return amount


def parse_instalment(value: object) -> int:
    """An instalment number 1–999 (``1``, ``01``, ``2.0`` from a spreadsheet)."""
    text = as_text(value)
    if isinstance(value, float) and value.is_integer():
        text = str(int(value))
    if not text.isdigit() or not 1 <= int(text) <= 999:
        raise ValueProblem("invalid_instalment", value=text)
    return int(text)


_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")
_DAY_FIRST = re.compile(r"(\d{1,2})([/.\-])(\d{1,2})\2(\d{4})(?: \d{1,2}:\d{2}(?::\d{2})?)?")
_SERIAL = re.compile(r"\d{1,6}(?:[.,]\d+)?")


def parse_date(value: object) -> date:
    """ISO ``2025-03-07``, day-first ``07/03/2025`` / ``7/3/2025`` / ``07-03-2025`` with an
    optional ``HH:MM[:SS]`` (dropped), or a real spreadsheet date. Two-digit years and
    Excel serial numbers (``45723``) are refused, never guessed."""
    if isinstance(value, datetime):
        return _checked_year(value.date())
    if isinstance(value, date):
        return _checked_year(value)
    text = as_text(value)
    if isinstance(value, int | float) or _SERIAL.fullmatch(text):
        raise ValueProblem("date_serial_number", value=text)
    if match := _ISO.fullmatch(text):
        year, month, day = (int(g) for g in match.groups())
    elif match := _DAY_FIRST.fullmatch(text):
        day, month, year = int(match[1]), int(match[3]), int(match[4])
    else:
        raise ValueProblem("invalid_date", value=text)
    try:
        parsed = date(year, month, day)
    except ValueError as exc:
        raise ValueProblem("invalid_date", value=text) from exc
    return _checked_year(parsed)


_TIME = re.compile(r"[T ](\d{1,2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?$")


def parse_datetime(value: object) -> datetime:
    """A date as ``parse_date`` reads it, with its time when it has one (``07/03/2025
    14:30``, ``2025-03-07T14:30:05``); without a time, midnight. Naive: the importer
    places it in the company's time zone."""
    if isinstance(value, datetime):
        _checked_year(value.date())
        return value.replace(tzinfo=None)
    day = parse_date(value)
    hour = minute = second = 0
    if match := _TIME.search(as_text(value)):
        hour, minute, second = int(match[1]), int(match[2]), int(match[3] or 0)
        if hour > 23 or minute > 59 or second > 59:
            raise ValueProblem("invalid_date", value=as_text(value))
    return datetime(day.year, day.month, day.day, hour, minute, second)


_SEVERITIES = {"low": "low", "baixa": "low", "baja": "low", "medium": "medium",
               "media": "medium", "high": "high", "alta": "high"}  # fmt: skip


def parse_severity(value: object) -> str:
    """low/medium/high, or baixa/média/alta (es: baja/media/alta), any case or accent."""
    text = as_text(value)
    if (code := _SEVERITIES.get(fold(text))) is None:
        raise ValueProblem("invalid_severity", value=text)
    return code


def _checked_year(day: date) -> date:
    if not MIN_YEAR <= day.year <= MAX_YEAR:
        raise ValueProblem("date_out_of_range", value=day.isoformat())
    return day


_TRUE = {"true", "t", "sim", "s", "yes", "y", "1", "x", "v", "verdadeiro", "ativo"}
_FALSE = {"false", "f", "nao", "n", "no", "0", "falso", "inativo"}


def parse_bool(value: object) -> bool:
    """true/false, sim/não, s/n, yes/no, 1/0, verdadeiro/falso, ativo/inativo, and ``x``
    for true (a ticked cell). An empty cell is "not given", never false."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    key = fold(as_text(value))
    if key in _TRUE:
        return True
    if key in _FALSE:
        return False
    raise ValueProblem("invalid_boolean", value=as_text(value))


CHANNELS = ("visit", "phone", "email", "letter", "whatsapp", "other")
_CHANNEL_ALIASES = {
    "visit": ("visita", "presencial"),
    "phone": ("telefone", "ligacao", "tel", "fone", "call"),
    "email": ("mail",),
    "letter": ("carta", "correio"),
    "whatsapp": ("zap", "wpp", "whats"),
    "other": ("outro", "outros", "outra"),
}
_CHANNEL_BY_KEY = {alias: code for code, aliases in _CHANNEL_ALIASES.items() for alias in aliases}
_CHANNEL_BY_KEY.update({code: code for code in CHANNELS})


def parse_channel(value: object) -> str:
    code = _CHANNEL_BY_KEY.get(fold(as_text(value)))
    if code is None:
        raise ValueProblem("invalid_channel", value=as_text(value))
    return code


ORDER_VALID, ORDER_CANCELLED = "valid", "cancelled"
_CANCELLED = {"cancelled", "canceled", "cancelado", "cancelada"}


def parse_order_status(value: object) -> str:
    """Per the spec: cancelled/cancelado/cancelada (any case) cancel; anything else is valid."""
    return ORDER_CANCELLED if fold(as_text(value)) in _CANCELLED else ORDER_VALID


STATES = {
    "AC": "Acre", "AL": "Alagoas", "AP": "Amapá", "AM": "Amazonas", "BA": "Bahia",
    "CE": "Ceará", "DF": "Distrito Federal", "ES": "Espírito Santo", "GO": "Goiás",
    "MA": "Maranhão", "MT": "Mato Grosso", "MS": "Mato Grosso do Sul", "MG": "Minas Gerais",
    "PA": "Pará", "PB": "Paraíba", "PR": "Paraná", "PE": "Pernambuco", "PI": "Piauí",
    "RJ": "Rio de Janeiro", "RN": "Rio Grande do Norte", "RS": "Rio Grande do Sul",
    "RO": "Rondônia", "RR": "Roraima", "SC": "Santa Catarina", "SP": "São Paulo",
    "SE": "Sergipe", "TO": "Tocantins",
}  # fmt: skip
_STATE_BY_KEY = {fold(name): uf for uf, name in STATES.items()} | {uf.lower(): uf for uf in STATES}


def parse_state(value: object) -> str:
    """A UF code (``sp`` → ``SP``) or a state's full name (``São Paulo`` → ``SP``)."""
    uf = _STATE_BY_KEY.get(fold(as_text(value)))
    if uf is None:
        raise ValueProblem("invalid_state", value=as_text(value))
    return uf


def parse_postal_code(value: object) -> str:
    """``01310-100``, ``01310100``, ``01.310-100`` → ``01310-100``. Seven digits are a CEP
    whose leading zero a spreadsheet dropped (every CEP has eight), so it is restored."""
    text = as_text(value)
    digits = re.sub(r"[\s.\-]", "", text)
    if not digits.isdigit() or len(digits) not in (7, 8):
        raise ValueProblem("invalid_postal_code", value=text)
    digits = digits.zfill(8)
    return f"{digits[:5]}-{digits[5:]}"


def _coordinate(value: object, limit: int, code: str) -> Decimal:
    text = as_text(value).replace(",", ".")
    if not re.fullmatch(r"[+-]?\d{1,3}(?:\.\d+)?", text):
        raise ValueProblem(code, value=as_text(value))
    try:
        number = Decimal(text)
    except InvalidOperation as exc:  # pragma: no cover - guarded by the regex
        raise ValueProblem(code, value=text) from exc
    if not -limit <= number <= limit:
        raise ValueProblem(code, value=as_text(value))
    return number.quantize(Decimal("0.000001"))


def parse_latitude(value: object) -> Decimal:
    """Decimal degrees, ``.`` or ``,`` as decimal point, rounded to 6 places (~0.1 m)."""
    return _coordinate(value, 90, "invalid_latitude")


def parse_longitude(value: object) -> Decimal:
    return _coordinate(value, 180, "invalid_longitude")


_EMAIL = re.compile(r"[^@\s,;<>()\[\]\"]+@[^@\s,;<>()\[\]\"]+\.[^@\s,;<>()\[\]\".]+")


def parse_email(value: object) -> str:
    """A single address, sanity-checked only; the domain is lowercased."""
    text = as_text(value)
    if len(text) > 254 or not _EMAIL.fullmatch(text):
        raise ValueProblem("invalid_email", value=text)
    local, _, domain = text.rpartition("@")
    return f"{local}@{domain.lower()}"


_NON_GEOGRAPHIC = ("0800", "0300", "0500", "0900")


def parse_phone(value: object) -> str:
    """Digits only. Brazilian numbers keep area code + number (10 or 11 digits): a ``+55``
    or ``55`` country code and a ``0`` trunk prefix are dropped; 0800-style numbers are
    kept whole. Foreign numbers written with ``+`` are kept as ``+`` and 8–15 digits."""
    text = as_text(value)
    if not re.fullmatch(r"[\d\s().+\-/]+", text):
        raise ValueProblem("invalid_phone", value=text)
    digits = re.sub(r"\D", "", text)
    if text.startswith("+") and not digits.startswith("55"):
        if 8 <= len(digits) <= 15:
            return "+" + digits
        raise ValueProblem("invalid_phone", value=text)
    if digits.startswith(_NON_GEOGRAPHIC) and len(digits) == 11:
        return digits
    if len(digits) in (12, 13) and digits.startswith("55"):
        digits = digits[2:]
    elif len(digits) in (11, 12) and digits.startswith("0"):
        digits = digits[1:]
    if len(digits) not in (10, 11) or digits.startswith("0"):
        raise ValueProblem("invalid_phone", value=text)
    return digits


def parse_document(value: object) -> str:
    """A CNPJ or CPF, unmasked and uppercased (see ``carteira_core.documents``)."""
    text = as_text(value)
    if isinstance(value, float) and not value.is_integer():
        raise ValueProblem("invalid_document", value=text)
    try:
        return normalize_document(text)[1]
    except DocumentError as exc:
        raise ValueProblem(exc.code, value=text) from exc
