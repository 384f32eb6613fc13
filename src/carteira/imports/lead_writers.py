"""Writers of the ``leads`` and ``acquisition_spend`` kinds. Leads go through the leads
services (``do_create_lead``, ``do_move_lead``, ``do_update_lead``), so each new lead gets
its stage history and coordinates and a stage given by the file is a move. A lead whose
CNPJ/CPF, or name in the same city, is already a client's or another lead's is a bad row
(the dry run names them; ``--skip-invalid`` imports the others)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from carteira.imports.kinds import Writer
from carteira.imports.upsert import (
    Outcome,
    Row,
    compare,
    existing_by_key,
    ids_by_external_id,
    row_error,
    today,
)
from carteira.leads.icp import current_profile
from carteira.leads.imports import SIZES, duplicate_owners
from carteira.leads.models import AcquisitionSpend, Lead
from carteira.leads.services import do_create_lead, do_move_lead, do_update_lead
from carteira.leads.stages import (
    check_source,
    check_stage,
    funnel_stages,
    source_lookup,
    stage_lookup,
)
from carteira.organization.models import Seller
from carteira_core.ingest.values import fold

COPIED = {
    "name": "name",
    "document": "document",
    "segment": "segment",
    "city": "city",
    "state": "state",
    "contact_name": "contact_name",
    "phone": "phone",
    "email": "email",
    "created_at": "created_date",
}


class LeadsWriter(Writer):
    model = Lead
    simple = COPIED

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.stages, self.sources = stage_lookup(), source_lookup()
        self.first_stage = funnel_stages()[0].key
        self.profile = current_profile()  # once per file: the ICP of every new lead

    def apply(self, records):
        outcome = Outcome()
        sellers = ids_by_external_id(Seller, (r.seller_external_id for r in records))
        duplicates = duplicate_owners(records)
        own = (
            Seller.objects.filter(user=self.actor).values_list("pk", flat=True).first()
            if (self.actor is not None and getattr(self.actor, "is_authenticated", False))
            else None
        )
        rows = []
        for record in records:
            if record.line in duplicates:
                outcome.errors.append(
                    row_error(
                        record.line,
                        self.label("document" if record.document else "name"),
                        record.document or record.name,
                        "duplicate_lead",
                        duplicates[record.line],
                    )
                )
                continue
            values = self._values(record, sellers, own, outcome)
            if values is not None:
                rows.append(Row(record.line, record.external_id, values))
        self._upsert(rows, outcome)
        return outcome

    def _values(self, record, sellers, own, outcome) -> dict | None:
        values = {attname: getattr(record, name) or "" for name, attname in self._copied}
        if not record.created_at:
            values.pop("created_date", None)
        for column, check, lookup in (
            ("stage", check_stage, self.stages),
            ("source", check_source, self.sources),
        ):
            text = getattr(record, column)
            if column not in self.present or not text:
                continue
            try:
                values[column] = check(text, lookup)
            except ValueError as error:
                outcome.errors.append(
                    row_error(
                        record.line, self.label(column), text, f"unknown_{column}", str(error)
                    )
                )
                return None
        if "size" in self.present and record.size:
            size = SIZES.get(fold(record.size))
            if size is None:
                outcome.errors.append(
                    row_error(
                        record.line,
                        self.label("size"),
                        record.size,
                        "unknown_size",
                        _("Unknown size: %(value)s (micro, pequena, média, grande)")
                        % {"value": record.size},
                    )
                )
                return None
            values["size"] = size
        ok, seller_id = self.seller_of(record, sellers, outcome)
        if not ok:
            return None
        if seller_id is not None or "seller_external_id" in self.present:
            values["seller_id"] = seller_id
        elif own is not None:
            values["seller_id"] = own
        return values

    def _upsert(self, rows: list[Row], outcome: Outcome) -> None:
        if not rows:
            return
        names = {name for row in rows for name in row.values}
        existing = existing_by_key(Lead, rows, names)
        new, changed = compare(rows, existing, outcome)
        if not self.write:
            return
        for row in new:
            values = dict(row.values)
            values.setdefault("stage", self.first_stage)
            values.setdefault("source", "list")
            values.setdefault("created_date", today())
            lead = Lead(external_id=row.key, **values)
            do_create_lead(lead, by=self.actor, via="import", on=today(), profile=self.profile)
        for pk, values in changed:
            lead = Lead.objects.get(pk=pk)
            stage = values.pop("stage", None)
            for name, value in values.items():
                setattr(lead, name, value)
            if values:
                do_update_lead(lead, list(values), by=self.actor)
            if stage and stage != lead.stage:
                do_move_lead(lead, stage, by=self.actor, on=today(), loss_reason=lead.loss_reason)


class SpendWriter(Writer):
    """Identified by period start + channel + seller: a re-import updates the amount."""

    model = AcquisitionSpend

    def apply(self, records):
        outcome = Outcome()
        sellers = ids_by_external_id(Seller, (r.seller_external_id for r in records))
        sources = source_lookup()
        rows = []
        for record in records:
            try:
                channel = check_source(record.channel, sources)
            except ValueError as error:
                outcome.errors.append(
                    row_error(
                        record.line,
                        self.label("channel"),
                        record.channel,
                        "unknown_source",
                        str(error),
                    )
                )
                continue
            ok, seller_id = self.seller_of(record, sellers, outcome)
            if not ok:
                continue
            key = f"{record.period_start.isoformat()}|{channel}|{seller_id or ''}"
            values = {
                "period_start": record.period_start,
                "period_end": record.period_end,
                "channel": channel,
                "amount": record.amount,
                "seller_id": seller_id,
            }
            rows.append(Row(record.line, key, values))
        self._upsert(rows, records, outcome)
        return outcome

    def _upsert(self, rows, records, outcome):
        if not rows:
            return
        found = AcquisitionSpend.objects.filter(
            period_start__in={r.period_start for r in records}
        ).values("pk", "period_start", "period_end", "channel", "amount", "seller_id")
        existing = {
            f"{i['period_start'].isoformat()}|{i['channel']}|{i['seller_id'] or ''}": i
            for i in found
        }
        new, changed = compare(rows, existing, outcome)
        if not self.write:
            return
        AcquisitionSpend.objects.bulk_create(AcquisitionSpend(**row.values) for row in new)
        for pk, values in changed:
            AcquisitionSpend.objects.filter(pk=pk).update(**values)
