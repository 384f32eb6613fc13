"""What is missing or suspect in the clients a user sees: the checks of the data-quality
page, each a query (or a small pass in Python) over ``clients_visible_to(user)``.

Every function takes the already scoped (and filtered) clients, so a seller's counts are
their own clients', a manager's their teams', and the page, its bulk fixes and the tests
all count the same rows.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass
from functools import cache
from itertools import combinations

from django.db.models import Max, Q, QuerySet, TextChoices
from django.db.models.functions import Length, Substr
from django.utils.translation import gettext_lazy as _

from carteira.clients.models import Client
from carteira.hygiene.models import DuplicateReview
from carteira_core.demo.geo import municipalities
from carteira_core.documents import CNPJ_LENGTH, valid_documents
from carteira_core.ingest.values import fold

STALE_CONTACT_DAYS = 365


class Check(TextChoices):
    COORDINATES = "coordinates", _("Without coordinates")
    SEGMENT = "segment", _("Without segment")
    DOCUMENT = "document", _("Without a valid CNPJ/CPF")
    DUPLICATES = "duplicates", _("Possible duplicates")
    CONTACTS = "contacts", _("Contacts not updated in a year")


# ------------------------------------------------------------------------------ checks


def without_coordinates(clients: QuerySet[Client]) -> QuerySet[Client]:
    return clients.filter(Q(latitude__isnull=True) | Q(longitude__isnull=True))


def without_segment(clients: QuerySet[Client]) -> QuerySet[Client]:
    return clients.filter(segment="")


def without_valid_document(clients: QuerySet[Client]) -> QuerySet[Client]:
    """No CNPJ/CPF, or one whose check digits do not match (typed in by hand, or loaded
    before the importer checked them)."""
    pks, documents = [], []
    for pk, document in clients.exclude(document="").values_list("pk", "document").iterator():
        pks.append(pk)
        documents.append(document)
    valid = valid_documents(documents)
    invalid = [pk for pk, ok in zip(pks, valid, strict=True) if not ok]
    return clients.filter(Q(document="") | Q(pk__in=invalid))


def with_stale_contacts(clients: QuerySet[Client], *, today: dt.date) -> QuerySet[Client]:
    """Clients whose contacts were all last updated more than a year ago (anonymised
    contacts aside): whoever bought there then may have left."""
    cutoff = dt.datetime.combine(today - dt.timedelta(days=STALE_CONTACT_DAYS), dt.time.min,
                                 tzinfo=dt.UTC)  # fmt: skip
    live = Q(contacts__anonymized_at__isnull=True)
    return clients.annotate(contacts_updated=Max("contacts__updated_at", filter=live)).filter(
        contacts_updated__lt=cutoff
    )


# -------------------------------------------------------------------------- duplicates


class Reason(TextChoices):
    CNPJ_ROOT = "cnpj_root", _("Same CNPJ root")
    NAME_CITY = "name_city", _("Same name and city")


@dataclass(frozen=True)
class DuplicateGroup:
    reason: str  # Reason
    key: str  # the shared CNPJ root, or the normalised name and city
    clients: tuple[Client, ...]

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(client.pk for client in self.clients)

    @property
    def reason_label(self) -> str:
        return str(Reason(self.reason).label)


# Words that say what kind of company it is, not which one.
LEGAL_WORDS = frozenset({"ltda", "me", "epp", "eireli", "sa", "mei", "cia", "ss"})


_NOT_WORD = re.compile(r"[^a-z0-9]+")
_S_A = re.compile(r"\bs\s*[./]\s*a\b")  # S/A, S.A.


def normalised_name(name: str) -> str:
    """``Padaria Central Ltda.`` and ``PADARIA CENTRAL - ME`` → ``padaria central``."""
    ascii_name = unicodedata.normalize("NFKD", name.casefold()).encode("ascii", "ignore").decode()
    words = _NOT_WORD.split(_S_A.sub(" sa ", ascii_name))
    return " ".join(word for word in words if word and word not in LEGAL_WORDS)


def duplicate_groups(clients: QuerySet[Client]) -> list[DuplicateGroup]:
    """Clients sharing a CNPJ root (the first eight characters: the same company's
    branches, or one company registered twice) or the same normalised name in the same
    city and state. A group whose every pair was reviewed as distinct is not listed."""
    groups = _cnpj_root_groups(clients) + _name_city_groups(clients)
    reviewed = _reviewed_pairs({pk for group in groups for pk in group[2]})
    listed = [
        group
        for group in groups
        if any(pair not in reviewed for pair in combinations(sorted(group[2]), 2))
    ]
    by_id = clients.in_bulk({pk for group in listed for pk in group[2]})
    return [
        DuplicateGroup(reason, key, tuple(by_id[pk] for pk in sorted(ids)))
        for reason, key, ids in listed
    ]


def _cnpj_root_groups(clients: QuerySet[Client]) -> list[tuple[str, str, list[int]]]:
    rows = (
        clients.annotate(size=Length("document"), root=Substr("document", 1, 8))
        .filter(size=CNPJ_LENGTH)
        .values_list("root", "pk")
    )
    by_root: dict[str, list[int]] = defaultdict(list)
    for root, pk in rows.iterator():
        by_root[root].append(pk)
    return [
        (Reason.CNPJ_ROOT, f"{root[:2]}.{root[2:5]}.{root[5:]}", ids)
        for root, ids in sorted(by_root.items())
        if len(ids) > 1
    ]


def _name_city_groups(clients: QuerySet[Client]) -> list[tuple[str, str, list[int]]]:
    by_key: dict[tuple[str, str, str], list[int]] = defaultdict(list)
    shown: dict[tuple[str, str, str], str] = {}  # the city as the first client writes it
    cities: dict[str, str] = {}  # a city's folded name, folded once (cities repeat)
    rows = clients.exclude(city="").values_list("pk", "name", "city", "state").order_by("pk")
    for pk, name, city, state in rows.iterator():
        name_key = normalised_name(name)
        if name_key:
            folded = cities.get(city)
            if folded is None:
                folded = cities[city] = fold(city)
            key = (name_key, folded, state.upper())
            by_key[key].append(pk)
            shown.setdefault(key, f"{name_key} · {city}/{state.upper()}")
    return [(Reason.NAME_CITY, shown[key], ids)
            for key, ids in sorted(by_key.items()) if len(ids) > 1]  # fmt: skip


def _reviewed_pairs(ids: set[int]) -> set[tuple[int, int]]:
    if not ids:
        return set()
    reviews = DuplicateReview.objects.filter(first_id__in=ids, second_id__in=ids)
    return set(reviews.values_list("first_id", "second_id"))


# ------------------------------------------------------------------- the whole picture


def clients_failing(check: str, clients: QuerySet[Client], *, today: dt.date) -> QuerySet[Client]:
    """The clients a (non-duplicate) check lists."""
    if check == Check.COORDINATES:
        return without_coordinates(clients)
    if check == Check.SEGMENT:
        return without_segment(clients)
    if check == Check.DOCUMENT:
        return without_valid_document(clients)
    if check == Check.CONTACTS:
        return with_stale_contacts(clients, today=today)
    raise ValueError(f"not a client check: {check!r}")


def check_counts(
    clients: QuerySet[Client],
    *,
    today: dt.date,
    groups: list[DuplicateGroup] | None = None,
    known: dict[str, QuerySet[Client]] | None = None,
) -> dict[str, int]:
    """Per check, how many clients it lists (duplicates: how many groups). ``groups`` and
    ``known`` (check → its ``clients_failing``): what the caller computed already."""
    known = known or {}
    counts = {
        check: (known.get(check) or clients_failing(check, clients, today=today)).count()
        for check in Check
        if check != Check.DUPLICATES
    }
    counts[Check.DUPLICATES] = len(duplicate_groups(clients) if groups is None else groups)
    return {check.value: counts[check] for check in Check}


# ------------------------------------------------------------------------- geocoding


@cache
def municipality_centroids() -> dict[tuple[str, str], tuple[float, float]]:
    """(folded municipality name, UF) → the seat's latitude and longitude, from the
    municipalities the product ships (GeoNames, the ~3,000 most populous)."""
    towns = municipalities()
    return {
        (fold(str(name)), str(uf)): (round(float(lat), 6), round(float(lon), 6))
        for name, uf, lat, lon in zip(towns.name, towns.uf, towns.lat, towns.lon, strict=True)
    }


def centroid_of(city: str, state: str) -> tuple[float, float] | None:
    return municipality_centroids().get((fold(city), state.upper()))


# ------------------------------------------------------------------------------ merging

# Rows derived from the others: dropped by a merge and recomputed by the next reading.
DERIVED = frozenset({"portfolio.ClientSnapshot", "portfolio.StatusTransition"})


def rows_naming(client: Client) -> dict[str, int]:
    """What a merge would move from ``client``: per kind of row that names it (orders,
    contacts, interactions, tasks…, by the model's plural name), how many; only kinds it
    has."""
    counts = {}
    for relation in Client._meta.related_objects:
        model = relation.related_model
        if model._meta.label in DERIVED:
            continue
        count = model._default_manager.filter(**{relation.field.name: client}).count()
        if count:
            meta = model._meta
            counts[str(meta.verbose_name if count == 1 else meta.verbose_name_plural)] = count
    return counts
