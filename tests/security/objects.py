"""One object of every kind a URL takes by id, belonging to a given seller (or, for
company-wide objects, created by a manager)."""

import datetime as dt

from django.apps import apps
from django.db.models import Count, Max

from carteira.agenda.models import Task, TaskBatch
from carteira.api.tokens import do_create_token
from carteira.clients.models import Contact
from carteira.complaints.models import Complaint
from carteira.exports.models import ExportJob
from carteira.imports.models import ImportRun
from carteira.interactions.models import Interaction, Photo
from carteira.leads.models import Lead

DAY = dt.date(2026, 11, 2)
# Volatile bookkeeping that a refused request may legitimately write.
NOT_CHECKSUMMED = {"audit.auditevent", "sessions.session", "accounts.loginfailure",
                   "accounts.usersession", "django_tasks_db.dbtaskresult"}  # fmt: skip


def owned_objects(seller, client) -> dict[str, int]:
    """Ids of the seller's own objects, by the url kwarg that takes them."""
    user = seller.user
    contact = Contact.objects.create(client=client, name=f"Contato {client.external_id}",
                                     email=f"c{client.pk}@exemplo.com.br")  # fmt: skip
    task = Task.objects.create(client=client, seller=seller, assignee_user=user,
                               title=f"Ligar {client.external_id}", due_date=DAY,
                               origin=Task.Origin.PLAN)  # fmt: skip
    run = ImportRun.objects.create(kind="contacts", file_name="c.csv", sha256="0" * 64,
                                   created_by=user, status="uploaded")  # fmt: skip
    token, _ = do_create_token(user=user, name="erp", scope="write")
    job = ExportJob.objects.create(owner=user, kind="orders", fmt="csv", status="done",
                                   file_name="pedidos.csv")  # fmt: skip
    lead = Lead.objects.create(name=f"Lead {client.external_id}", seller=seller, source="list",
                               created_date=DAY)  # fmt: skip
    complaint = Complaint.objects.create(client=client, seller=seller, opened_on=DAY,
                                         category="Atendimento")  # fmt: skip
    visit = Interaction.objects.create(client=client, seller=seller, date=DAY, channel="visit",
                                       successful=True)  # fmt: skip
    photo = Photo.objects.create(interaction=visit, image=f"photos/{client.pk}.jpg", width=1,
                                 height=1, size=1)  # fmt: skip
    return {"complaint_id": complaint.pk, "client_id": client.pk, "contact_id": contact.pk,
            "photo_id": photo.pk,
            "task_id": task.pk,
            "run_id": run.pk, "token_id": token.pk, "job_id": job.pk,
            "lead_id": lead.pk}  # fmt: skip


def company_objects(manager, seller) -> dict[str, int]:
    """Company-wide objects (plans, rules, proposals, decisions) a seller must not touch."""
    ids = {}
    ids["batch_id"] = TaskBatch.objects.create(title="Campanha", deadline=DAY,
                                               created_by=manager).pk  # fmt: skip
    cell_model = apps.get_model("plans", "ActionPlanCell")
    ids["cell_id"] = cell_model.objects.create(status="active", objective="retain").pk
    rule_model = apps.get_model("distribution", "DistributionRule")
    ids["rule_id"] = rule_model.objects.create(name="Sul", seller=seller).pk
    ids["proposal_id"] = (
        apps.get_model("distribution", "Proposal").objects.create(reason="teste").pk
    )
    ids["move_id"] = (
        apps.get_model("distribution", "MoveBatch")
        .objects.create(kind="bulk", reason="teste", on=DAY)
        .pk
    )
    ids["decision_id"] = (
        apps.get_model("review", "Decision")
        .objects.create(period_start=DAY, period_end=DAY, text="Decisão")
        .pk
    )
    ids["request_id"] = (
        apps.get_model("privacy", "DataSubjectRequest")
        .objects.create(kind="access", received_at=dt.datetime(2026, 11, 2, tzinfo=dt.UTC))
        .pk
    )
    return ids


def checksum() -> dict[str, tuple]:
    """Row count and latest change of every table that a refused request must not touch."""
    sums = {}
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in NOT_CHECKSUMMED:
            continue
        fields = {f.name for f in model._meta.concrete_fields}
        stamp = next((f for f in ("updated_at", "version", "at") if f in fields), None)
        found = model.objects.aggregate(n=Count("pk"), **({"m": Max(stamp)} if stamp else {}))
        sums[label] = (found["n"], found.get("m"))
    return sums
