"""One writer per import kind: turn a batch of validated records into upserts."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from decimal import Decimal

import polars as pl
from django.db import connection, models, transaction
from django.utils.translation import gettext as _

from carteira.clients.models import Assignment, Client, Contact, HiddenImport
from carteira.clients.services import do_assign_clients_bulk, do_record_first_assignments
from carteira.credit.ledger import receivables_changed
from carteira.credit.models import Receivable
from carteira.imports.bulk import (
    PAUSE_SECONDS,
    SETTLE_BATCH,
    HiddenRows,
    SqliteStage,
    column_ids,
    copy_upsert,
    driver_values,
    insert_rows,
    same_columns,
)
from carteira.imports.upsert import (
    Label,
    Outcome,
    Row,
    compare,
    create_rows,
    existing_by_key,
    ids_by_external_id,
    pk_and_value,
    prepare,
    row_error,
    today,
    unknown,
    update_rows,
)
from carteira.interactions.models import Interaction
from carteira.orders.models import Order
from carteira.organization.models import Seller, Team
from carteira.plans.credit_alerts import do_credit_alerts
from carteira_core.ingest import Record
from carteira_core.ingest.values import fold

IMPORT_REASON = "importação"  # stored on the assignment history, in the company's language
SELLERS = "carteira_import_sellers"  # SQLite, clients: the seller each staged code names

# What an import may write hidden (ADR 0024), in the order the rows can be dropped; an
# import's first assignments get their audit entries and event as they settle.
HIDDEN = HiddenRows(HiddenImport, [Assignment, Order, Receivable, Interaction, Client],
                    settled={Assignment: do_record_first_assignments})  # fmt: skip


class Writer:
    """Compares each batch with the database; writes only when ``write`` is true."""

    model: type[models.Model]
    simple: dict[str, str] = {}  # record field → model attname, copied as is
    batch_size: int | None = None  # None: the default (5,000)
    bulk = False  # True: rows go in through bulk.py (executemany / COPY), no objects back
    # True: on SQLite every row it writes goes through ``SqliteStage``, so the rows can be
    # staged while the file is read and written in the run's short final transaction.
    stageable = False
    # True: a stageable writer's new rows are written before the final transaction, hidden
    # until it commits (ADR 0024, ``HIDDEN``); else all in the final transaction.
    hides = False
    # True: a stageable writer's dry run on SQLite compares each batch in the stage's own
    # short transaction (``services._dry_run_staged``), with the one-transaction counts.
    dry_run_staged = True
    # True: with ``write`` false it only reads, so a dry run on SQLite need not hold the
    # write lock while it reads the file (``services._reading_only``).
    dry_run_reads_only = False
    # False once a bad row refuses a real import: later batches are checked, not counted.
    counting = True
    # The fields a file found valid by the column pass (``imports.columnar``) brings to
    # ``write_columns`` (SQLite, one file, staged): its rows inserted hidden straight from
    # the columns. Empty: the kind's rows always come as records, batch by batch.
    direct: tuple[str, ...] = ()

    def __init__(self, *, present: frozenset[str], label: Label, write: bool, actor=None,
                 deferred: bool = False):  # fmt: skip
        self.present = present
        self.label = label
        self.write = write
        self.actor = actor
        self.deferred = deferred  # stage now, ``apply_deferred`` in the final transaction
        self._copied = [(name, attname) for name, attname in self.simple.items()
                        if name in present]  # fmt: skip
        self._stage: SqliteStage | None = None

    def apply(self, records: Sequence[Record]) -> Outcome:
        raise NotImplementedError

    @staticmethod
    def client_ids(records: Sequence[Record]) -> dict[str, int]:
        """The id of each client the records name (``client_external_id``), by code."""
        codes = {r.client_external_id for r in records}
        return dict(Client.objects.filter(external_id__in=codes).values_list("external_id", "pk"))

    def finish(self) -> Outcome:
        if self._stage is not None:
            self._stage.close()
        return Outcome()

    def finish_unwritten(self) -> None:
        """A deferred writer's staged rows dropped: the run was refused."""
        if self._stage is not None:
            self._stage.close()

    @property
    def hidden(self) -> HiddenRows | None:
        return HIDDEN if self.hides else None

    def write_hidden(self, run_id: int) -> None:
        """Before the final transaction, outside any: the staged new rows written in short
        batches, hidden until ``apply_deferred(run_id)`` reveals them (``hides``)."""
        if not self.hides or self._stage is None:
            return
        HIDDEN.hide(run_id)
        self._stage.write_hidden(run_id)

    def write_columns(self, rows: pl.DataFrame, ids: dict[str, dict[str, int]], run_id: int,
                      progress: Callable[[int], None] | None) -> None:  # fmt: skip
        """Instead of ``apply`` then ``write_hidden`` (``direct``): every row of a file the
        column pass found valid, ``ids`` the id of each name they give, written hidden by
        ``run_id`` in short transactions; a row whose key is stored is kept for
        ``apply_deferred``, which compares and counts it as ``apply`` would have."""
        raise NotImplementedError

    def apply_deferred(self, run_id: int | None = None) -> Outcome:
        """Write what a deferred writer staged: the exact counts, taken in the caller's
        transaction; the rows ``write_hidden`` wrote revealed in it."""
        if self._stage is None:
            return Outcome()
        created, updated, unchanged = self._stage.apply_pending()
        if self.hides and run_id is not None:
            HIDDEN.reveal(run_id)
        return Outcome(created=created, updated=updated, unchanged=unchanged)

    def copied(self, record: Record) -> dict[str, object]:
        return {attname: getattr(record, name) for name, attname in self._copied}

    def client_of(self, record, clients: dict[str, int], outcome: Outcome) -> int | None:
        """A record's client id, or None with the "unknown client" error recorded."""
        client_id = clients.get(record.client_external_id)
        if client_id is None:
            outcome.errors.append(unknown(record.line, self.label("client_external_id"),
                                          record.client_external_id, "client"))  # fmt: skip
        return client_id

    def seller_of(self, record, sellers: dict[str, int], outcome: Outcome) -> tuple[bool, object]:
        """(ok, seller id or None) for a record's optional ``seller_external_id``."""
        key = record.seller_external_id
        if key and key not in sellers:
            outcome.errors.append(unknown(record.line, self.label("seller_external_id"), key,
                                          "seller"))  # fmt: skip
            return False, None
        return True, sellers.get(key) if key else None

    def stage(self, rows: list[Row], outcome: Outcome, key, *, defer: bool) -> None:
        """SQLite: the rows compared and written (or kept for the final transaction,
        ``defer``) by the writer's stage, made on first use with ``key``, a group of the
        same columns at a time; the counts added to ``outcome``."""
        self._stage = self._stage or SqliteStage(self.model, key)
        for group in same_columns(rows):
            created, updated, unchanged = self._stage.apply(group, write=self.write, defer=defer)
            outcome.created += created
            outcome.updated += updated
            outcome.unchanged += unchanged

    def upsert(self, rows: list[Row], outcome: Outcome, key: str | None = "external_id"):
        """Created objects are returned only by writers that need them (``bulk`` false)."""
        if not rows or not (self.write or self.counting):
            return []
        if self.bulk and self.write and key and connection.vendor == "postgresql":
            for group in same_columns(rows):
                created, updated = copy_upsert(self.model, group, key)
                outcome.created += created
                outcome.updated += updated
                outcome.unchanged += len(group) - created - updated
            return []
        if self.bulk and key and connection.vendor == "sqlite":  # dry runs too: counts only
            self.stage(rows, outcome, key, defer=self.deferred)
            return []
        names = {name for row in rows for name in row.values}
        existing = existing_by_key(self.model, rows, names) if key else {}
        new, changed = compare(rows, existing, outcome)
        if not self.write:
            return []
        update_rows(self.model, changed)
        if self.bulk:
            for group in same_columns(new):
                insert_rows(self.model, group, key)
            return []
        return create_rows(self.model, new, key)


class OrdersWriter(Writer):
    model = Order
    bulk = True
    stageable = True
    hides = True
    simple = {"date": "date", "amount": "amount", "margin": "margin", "status": "status"}
    direct = ("external_id", "client_external_id", "seller_external_id", *simple)

    def write_columns(self, rows, ids, run_id, progress):
        """The rows' values as columns — ids by one join each, dates and amounts as the
        driver gets them from records, a client's valid purchases summed for the credit
        alerts — then inserted hidden (``SqliteStage.insert_hidden``)."""
        client_ids = column_ids(rows.get_column("client_external_id"), ids["client"])
        given = {"client_id": client_ids}
        for name, attname in self._copied:
            given[attname] = driver_values(Order._meta.get_field(attname), rows.get_column(name))
        if "seller_external_id" in self.present:
            given["seller_id"] = column_ids(rows.get_column("seller_external_id"),
                                            ids.get("seller", {}))  # fmt: skip
        valid = (pl.col("status") == Order.Status.VALID) & (pl.col("amount") > 0)
        bought = (
            rows.select(client=client_ids, amount="amount", valid=valid)
            .filter("valid").group_by("client").agg(pl.col("amount").sum())
        )  # fmt: skip
        self.bought = dict(zip(bought.get_column("client").to_list(),
                               bought.get_column("amount").to_list(), strict=True))  # fmt: skip
        HIDDEN.hide(run_id)
        self._stage = SqliteStage(Order, "external_id")
        self._stage.insert_hidden(run_id, rows.get_column("external_id"), given,
                                  progress=progress)  # fmt: skip

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.bought: dict[int, Decimal] = {}  # client id → valid amounts in the file

    def finish(self) -> Outcome:
        """After the rows are written: the credit alerts of the clients that bought (in
        the run's transaction, so a refused run raises none)."""
        outcome = super().finish()
        if self.write and self.bought:
            do_credit_alerts(self.bought, today=today())
        return outcome

    def apply(self, records):
        outcome = Outcome()
        clients = ids_by_external_id(Client, (r.client_external_id for r in records))
        with_seller = "seller_external_id" in self.present
        sellers = ids_by_external_id(Seller, (r.seller_external_id for r in records))
        if not (self.write or self.counting):  # a refused file: only what it names is checked
            for record in records:
                if self.client_of(record, clients, outcome) is not None and with_seller:
                    self.seller_of(record, sellers, outcome)
            return outcome
        rows = []
        for record in records:
            client_id = self.client_of(record, clients, outcome)
            if client_id is None:
                continue
            values = {"client_id": client_id, **self.copied(record)}
            if with_seller:
                ok, values["seller_id"] = self.seller_of(record, sellers, outcome)
                if not ok:
                    continue
            rows.append(Row(record.line, record.external_id, prepare(Order, values)))
            if record.status == Order.Status.VALID and record.amount > 0:
                self.bought[client_id] = self.bought.get(client_id, Decimal(0)) + record.amount
        self.upsert(rows, outcome)
        return outcome


class ClientsWriter(Writer):
    """Deferred (SQLite, one file): the client rows are staged like orders; the sellers
    wanted by the file are kept by code and assigned in the final transaction, after the
    rows are in, through the same ``do_assign_clients_bulk``."""

    model = Client
    stageable = True
    hides = True
    dry_run_staged = False  # its staged counts leave a seller-only change to the final one
    dry_run_reads_only = True
    simple = {
        "name": "name", "trade_name": "trade_name", "document": "document",
        "segment": "segment", "city": "city", "state": "state", "postal_code": "postal_code",
        "latitude": "latitude", "longitude": "longitude", "phone": "phone", "email": "email",
        "created_at": "created_date",
    }  # fmt: skip

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._wanted: dict[str, int] = {}  # deferred: client code → seller id, whole file
        self._hidden_run: int | None = None  # ``write_hidden`` done for this run
        self._earlier: dict[str, str] = {}  # deferred: code → document of rows staged before

    def apply(self, records):
        outcome = Outcome()
        owners = self._document_owners(records)
        if self._earlier:  # a code staged earlier in the file with another document frees it
            owners = {doc: code for doc, code in owners.items()
                      if self._earlier.get(code, doc) == doc}  # fmt: skip
        sellers = ids_by_external_id(Seller, (r.seller_external_id for r in records))
        rows, wanted = [], {}
        for record in records:
            owner = owners.get(record.document or "")
            if owner is not None and owner != record.external_id:
                outcome.errors.append(self._document_taken(record, owner))
                continue
            ok, seller_id = self.seller_of(record, sellers, outcome)
            if not ok:
                continue
            if seller_id is not None:
                wanted[record.external_id] = seller_id
            rows.append(Row(record.line, record.external_id, prepare(Client, self.copied(record))))
        if self.deferred:
            self._stage_rows(rows, wanted, outcome)
        else:
            self._upsert_with_sellers(rows, wanted, outcome)
        return outcome

    def _stage_rows(self, rows: list[Row], wanted: dict[str, int], outcome: Outcome) -> None:
        """Deferred: the rows into the stage (counts there are provisional: the final
        transaction counts again, seller moves included)."""
        if not rows or not (self.write or self.counting):
            return
        self.stage(rows, outcome, "external_id", defer=True)
        self._wanted.update(wanted)
        if "document" in self.present:
            self._earlier.update((row.key, row.values["document"]) for row in rows)

    def write_hidden(self, run_id: int) -> None:
        """The new clients written hidden with their seller, then their first assignments,
        hidden too, a batch a transaction (their audit entries and event come as they
        settle: ``HIDDEN``)."""
        if self._stage is None:
            return
        HIDDEN.hide(run_id)
        with connection.cursor() as cursor:  # TEMP only: no lock on the live tables
            cursor.execute("BEGIN DEFERRED")
            cursor.execute(f"DROP TABLE IF EXISTS temp.{SELLERS}")
            cursor.execute(f"CREATE TEMP TABLE {SELLERS} (code TEXT PRIMARY KEY, seller INTEGER)")
            cursor.executemany(f"INSERT INTO temp.{SELLERS} VALUES (%s, %s)",  # noqa: S608
                               list(self._wanted.items()))  # fmt: skip
            cursor.execute("COMMIT")
        named = f"(SELECT w.seller FROM temp.{SELLERS} w WHERE w.code = s.external_id)"  # noqa: S608
        self._stage.write_hidden(run_id, computed={"seller_id": named})
        hidden = Client._base_manager.filter(hidden_by=run_id, seller__isnull=False)
        last = 0
        while True:
            with transaction.atomic():
                batch = list(hidden.filter(pk__gt=last).order_by("pk")
                             .values_list("pk", "seller_id")[:SETTLE_BATCH])  # fmt: skip
                do_assign_clients_bulk(dict(batch), on=today(), reason=IMPORT_REASON,
                                       by=self.actor, hidden_by=run_id)  # fmt: skip
            if len(batch) < SETTLE_BATCH:
                break
            last = batch[-1][0]
            time.sleep(PAUSE_SECONDS)
        self._hidden_run = run_id

    def apply_deferred(self, run_id: int | None = None) -> Outcome:
        """The staged clients written, then their sellers assigned (history, audit, one
        event): an existing client whose only change is its seller counts as updated.
        After ``write_hidden``: only the rows left to this transaction (stored, or meeting
        a unique value stored); the new clients and their first sellers are revealed."""
        if self._stage is None:
            return Outcome()
        wanted = self._wanted
        if self._hidden_run is not None:
            left = self._stage.left_keys()
            wanted = {code: seller for code, seller in wanted.items() if code in left}
        before = pk_and_value(Client, "seller_id", wanted)
        moved = [code for code, (_pk, seller) in before.items() if seller != wanted[code]]
        seller_only = self._stage.unchanged_among(moved)
        written = super().apply_deferred(run_id)
        written.updated += seller_only
        written.unchanged -= seller_only
        moves = {before[code][0]: wanted[code] for code in moved}
        new = pk_and_value(Client, "seller_id", (code for code in wanted if code not in before))
        moves.update((pk, wanted[code]) for code, (pk, _seller) in new.items())
        do_assign_clients_bulk(moves, on=today(), reason=IMPORT_REASON, by=self.actor)
        return written

    def _document_owners(self, records) -> dict[str, str]:
        documents = {r.document for r in records if r.document}
        if not documents:
            return {}
        found = Client.objects.filter(document__in=documents)
        return dict(found.values_list("document", "external_id"))

    def _document_taken(self, record, owner: str):
        message = _("CNPJ/CPF %(value)s already belongs to client %(other)s.") % {
            "value": record.document,
            "other": owner,
        }
        return row_error(record.line, self.label("document"), record.document, "document_taken",
                         message)  # fmt: skip

    def _upsert_with_sellers(self, rows: list[Row], wanted: dict[str, int], outcome: Outcome):
        """Like ``upsert``, but a new seller counts as a change and goes through the
        assignment history (``do_assign_clients_bulk``), never a bare ``seller_id``."""
        if not rows or not (self.write or self.counting):
            return
        names = {name for row in rows for name in row.values}
        existing = existing_by_key(Client, rows, {*names, "seller_id"})
        new, changed, moves = [], [], {}
        for row in rows:
            old = existing.get(row.key)
            seller_id = wanted.get(row.key)
            if old is None:
                new.append(row)
                continue
            fields_differ = any(old[n] != v for n, v in row.values.items())
            if seller_id is not None and old["seller_id"] != seller_id:
                moves[old["pk"]] = seller_id
            if fields_differ:
                changed.append((old["pk"], row.values))
            elif old["pk"] in moves:
                outcome.updated += 1
            else:
                outcome.unchanged += 1
        outcome.created += len(new)
        outcome.updated += len(changed)
        if not self.write:
            return
        for client in create_rows(Client, new):
            if client.external_id in wanted:
                moves[client.pk] = wanted[client.external_id]
        update_rows(Client, changed)
        do_assign_clients_bulk(moves, on=today(), reason=IMPORT_REASON, by=self.actor)


class SellersWriter(Writer):
    """Sellers files are small: one batch, so a manager may appear after its reports."""

    model = Seller
    simple = {"name": "name", "email": "email"}
    batch_size = 1_000_000

    def apply(self, records):
        outcome = Outcome()
        teams = self._teams(records)
        in_file = {r.external_id for r in records}
        managers = ids_by_external_id(Seller, (r.manager_external_id for r in records))
        rows, wanted = [], {}
        for record in records:
            manager = record.manager_external_id
            if manager and manager not in managers and manager not in in_file:
                outcome.errors.append(unknown(record.line, self.label("manager_external_id"),
                                              manager, "seller"))  # fmt: skip
                continue
            values = self.copied(record)
            if "team" in self.present:
                values["team_id"] = teams.get(record.team) if record.team else None
            if "active" in self.present and record.active is not None:
                values["active"] = record.active
            if "manager_external_id" in self.present:
                values["manager__external_id"] = manager
                wanted[record.external_id] = manager
            rows.append(Row(record.line, record.external_id, prepare_seller(values)))
        self._upsert_with_managers(rows, wanted, outcome)
        return outcome

    def _teams(self, records) -> dict[str, int]:
        names = {r.team for r in records if r.team} if "team" in self.present else set()
        teams = dict(Team.objects.filter(name__in=names).values_list("name", "pk"))
        missing = sorted(names - set(teams))
        if missing and self.write:
            Team.objects.bulk_create(Team(name=name) for name in missing)
            teams = dict(Team.objects.filter(name__in=names).values_list("name", "pk"))
        # A dry run counts a seller moving to a team still to be created as a change.
        teams.update({name: -n for n, name in enumerate(missing, start=1) if name not in teams})
        return teams

    def _upsert_with_managers(self, rows, wanted, outcome):
        if not rows:
            return
        names = {name for row in rows for name in row.values}
        existing = existing_by_key(Seller, rows, names)
        new, changed = compare(rows, existing, outcome)
        if not self.write:
            return
        strip = "manager__external_id"
        for row in new:
            row.values.pop(strip, None)
        create_rows(Seller, new)
        update_rows(Seller, [(pk, {k: v for k, v in vals.items() if k != strip})
                             for pk, vals in changed if set(vals) - {strip}])  # fmt: skip
        ids = ids_by_external_id(Seller, [*wanted, *wanted.values()])
        links = [
            (ids[seller], {"manager_id": ids.get(manager) if manager else None})
            for seller, manager in wanted.items()
        ]
        update_rows(Seller, links)


def prepare_seller(values: dict[str, object]) -> dict[str, object]:
    manager = values.pop("manager__external_id", "__absent__")
    prepared = prepare(Seller, values)
    if manager != "__absent__":
        prepared["manager__external_id"] = manager
    return prepared


class ContactsWriter(Writer):
    """Identified by code when the file has one, else by client + name (accents/case
    folded). Deferred (SQLite, one file): each batch is checked while the file is read
    (clients named, anonymised people) and kept; the final transaction compares and writes
    them all, batch by batch as the one-transaction path does — contacts have no hidden
    rows (ADR 0024), so only the file's reading leaves the write lock free."""

    model = Contact
    stageable = True
    dry_run_staged = False  # nothing is staged in SQL: a dry run reads (``dry_run_reads_only``)
    dry_run_reads_only = True
    simple = {"name": "name", "role": "role", "email": "email", "phone": "phone"}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._kept: list[tuple[list[Row], list[Row]]] = []  # deferred: (coded, named) a batch
        self._kept_unchanged = 0  # deferred: anonymised people the file names again

    def apply_deferred(self, run_id: int | None = None) -> Outcome:
        """The kept batches compared and written, in the caller's transaction."""
        outcome = Outcome(unchanged=self._kept_unchanged)
        for coded, named in self._kept:
            self._with_source(self.upsert(coded, outcome))
            self._upsert_named(named, outcome)
        return outcome

    def finish_unwritten(self) -> None:
        self._kept, self._kept_unchanged = [], 0
        super().finish_unwritten()

    def apply(self, records):
        outcome = Outcome()
        clients = ids_by_external_id(Client, (r.client_external_id for r in records))
        anonymised = _anonymised_codes(r.external_id for r in records if r.external_id)
        coded, named = [], []
        for record in records:
            if record.external_id in anonymised:  # LGPD: an anonymised person stays so
                outcome.unchanged += 1
                continue
            client_id = self.client_of(record, clients, outcome)
            if client_id is None:
                continue
            values = prepare(Contact, {"client_id": client_id, **self.copied(record)})
            if record.external_id:
                coded.append(Row(record.line, record.external_id, values))
            else:
                named.append(Row(record.line, f"{client_id}:{fold(record.name)}", values))
        if self.deferred:  # compared and written by ``apply_deferred``
            if self.write:
                self._kept.append((coded, named))
                self._kept_unchanged += outcome.unchanged
            return outcome
        self._with_source(self.upsert(coded, outcome))
        self._upsert_named(named, outcome)
        return outcome

    def _upsert_named(self, rows: list[Row], outcome: Outcome):
        if not rows:
            return
        names = {name for row in rows for name in row.values}
        found = Contact.objects.filter(
            client_id__in={row.values["client_id"] for row in rows}, external_id__isnull=True
        ).values("pk", *names)
        existing = {f"{item['client_id']}:{fold(item['name'])}": item for item in found}
        new, changed = compare(rows, existing, outcome)
        if self.write:
            self._with_source(create_rows(Contact, new, key=None))
            update_rows(Contact, changed)

    def _with_source(self, created):
        if created:
            Contact.objects.filter(pk__in=[c.pk for c in created]).update(source=IMPORT_REASON)


def _anonymised_codes(codes) -> set[str]:
    found = Contact.objects.filter(external_id__in=set(codes), anonymized_at__isnull=False)
    return set(found.values_list("external_id", flat=True))


class InteractionsWriter(Writer):
    """Upserted by code when the file has one; without a code, a line equal to an
    interaction already stored (same client, date, channel, result, seller, notes) is
    unchanged, so re-importing the same file adds nothing. On SQLite a one-file import
    stages both (the lines without a code in a stage of their own: each is new) and writes
    the new ones hidden until its final transaction, as orders (ADR 0024)."""

    model = Interaction
    bulk = True
    stageable = True
    hides = True
    simple = {"date": "date", "channel": "channel", "successful": "successful", "notes": "notes"}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._plain: SqliteStage | None = None  # deferred: the new lines without a code
        self._plain_unchanged = 0  # deferred: lines without a code equal to a stored one
        self._earlier: Counter[int] = Counter()  # deferred: those kept so far, by signature

    def apply(self, records):
        outcome = Outcome()
        clients = ids_by_external_id(Client, (r.client_external_id for r in records))
        sellers = ids_by_external_id(Seller, (r.seller_external_id for r in records))
        coded, plain = [], []
        for record in records:
            client_id = self.client_of(record, clients, outcome)
            if client_id is None:
                continue
            values = {"client_id": client_id, **self.copied(record)}
            if "seller_external_id" in self.present:
                ok, values["seller_id"] = self.seller_of(record, sellers, outcome)
                if not ok:
                    continue
            row = Row(record.line, record.external_id, prepare(Interaction, values))
            (coded if record.external_id else plain).append(row)
        self.upsert(coded, outcome)
        self._insert_new(plain, outcome)
        return outcome

    def _insert_new(self, rows: list[Row], outcome: Outcome):
        if not rows or not (self.write or self.counting):
            return
        names = sorted({name for row in rows for name in row.values})
        stored = Interaction.objects.filter(
            client_id__in={row.values["client_id"] for row in rows},
            date__in={row.values["date"] for row in rows},
            external_id__isnull=True,
        ).values_list(*names)
        available = Counter(stored)
        signatures = [tuple(row.values.get(name) for name in names) for row in rows]
        if self.deferred:  # the lines kept earlier in the file count as stored, as when
            for signature in set(signatures):  # they were written in the same transaction
                available[signature] += self._earlier[hash(signature)]
        new, kept = [], []
        for row, signature in zip(rows, signatures, strict=True):
            if available[signature] > 0:
                available[signature] -= 1
                outcome.unchanged += 1
            else:
                new.append(row)
                kept.append(hash(signature))
        outcome.created += len(new)
        if self.deferred:
            self._keep_plain(new, kept, len(rows) - len(new))
        elif self.write:
            for group in same_columns(new):
                insert_rows(Interaction, group, key=None)

    def _keep_plain(self, new: list[Row], signatures: list[int], unchanged: int) -> None:
        """Deferred: the new lines without a code kept for ``write_hidden`` (each one is
        new: nothing to compare in the final transaction), their signatures' hashes
        remembered for the next batches."""
        if not self.write:
            return
        self._plain_unchanged += unchanged
        self._earlier.update(signatures)
        self._plain = self._plain or SqliteStage(Interaction, (), name="_plain")
        for group in same_columns(new):
            self._plain.apply(group, write=True, defer=True)

    def write_hidden(self, run_id: int) -> None:
        super().write_hidden(run_id)
        if self._plain is not None:
            HIDDEN.hide(run_id)
            self._plain.write_hidden(run_id)

    def apply_deferred(self, run_id: int | None = None) -> Outcome:
        """The coded lines compared and written, the new lines without a code revealed
        (with the coded ones) in the final transaction."""
        written = super().apply_deferred(run_id)
        if self._plain is not None:
            created, _updated, _unchanged = self._plain.apply_pending()
            written.created += created
            if run_id is not None:
                HIDDEN.reveal(run_id)
        written.unchanged += self._plain_unchanged
        return written

    def finish(self) -> Outcome:
        if self._plain is not None:
            self._plain.close()
        return super().finish()

    def finish_unwritten(self) -> None:
        if self._plain is not None:
            self._plain.close()
        super().finish_unwritten()


class ReceivablesWriter(Writer):
    """Identified by invoice + instalment: a re-import updates the payment, never adds.
    On SQLite through the stage (``SqliteStage`` keyed by both columns), so a one-file
    import stages its rows and writes the new ones hidden, as orders (ADR 0024)."""

    model = Receivable
    stageable = True
    hides = True
    simple = {
        "issue_date": "issue_date", "due_date": "due_date", "amount": "amount",
        "paid_date": "paid_date", "paid_amount": "paid_amount",
    }  # fmt: skip
    KEY = ("invoice", "instalment")

    def apply(self, records):
        outcome = Outcome()
        clients = ids_by_external_id(Client, (r.client_external_id for r in records))
        rows = []
        for record in records:
            client_id = self.client_of(record, clients, outcome)
            if client_id is None:
                continue
            values = {"client_id": client_id, **self.copied(record)}
            key = f"{record.invoice}\x1f{record.instalment}"
            rows.append(Row(record.line, key, prepare(Receivable, values)))
        if connection.vendor == "sqlite":
            self._stage_instalments(rows, outcome)
        else:
            self._upsert_instalments(rows, records, outcome)
        return outcome

    def _stage_instalments(self, rows: list[Row], outcome: Outcome) -> None:
        """SQLite: compared and written (or kept for the final transaction, ``deferred``)
        by the stage, the key's two columns among the row's values."""
        if not rows or not (self.write or self.counting):
            return
        for row in rows:
            invoice, instalment = row.key.split("\x1f")
            row.values.update(invoice=invoice, instalment=int(instalment))
        written_before = outcome.created + outcome.updated
        self.stage(rows, outcome, self.KEY, defer=self.deferred)
        if self.write and not self.deferred and outcome.created + outcome.updated > written_before:
            receivables_changed()

    def apply_deferred(self, run_id: int | None = None) -> Outcome:
        """The staged instalments written (the hidden ones revealed) in the final
        transaction, and the credit figures' version bumped in it."""
        written = super().apply_deferred(run_id)
        if written.created or written.updated:
            receivables_changed()
        return written

    def _upsert_instalments(self, rows: list[Row], records, outcome: Outcome):
        if not rows:
            return
        names = {name for row in rows for name in row.values}
        found = Receivable.objects.filter(invoice__in={r.invoice for r in records})
        existing = {f"{item['invoice']}\x1f{item['instalment']}": item
                    for item in found.values("pk", "invoice", "instalment", *names)}  # fmt: skip
        new, changed = compare(rows, existing, outcome)
        if not self.write:
            return
        for row in new:
            invoice, instalment = row.key.split("\x1f")
            row.values.update(invoice=invoice, instalment=int(instalment))
        for group in same_columns(new):  # one executemany, no model objects
            insert_rows(Receivable, group, key=None)
        update_rows(Receivable, changed)
        if new or changed:
            receivables_changed()  # the cached credit figures (credit.ledger)


WRITERS: dict[str, type[Writer]] = {
    "sellers": SellersWriter,
    "clients": ClientsWriter,
    "contacts": ContactsWriter,
    "orders": OrdersWriter,
    "interactions": InteractionsWriter,
    "receivables": ReceivablesWriter,
}
