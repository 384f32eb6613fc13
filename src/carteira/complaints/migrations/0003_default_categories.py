"""The managed list starts with the categories a distributor meets most, each with the
default SLA (working hours: first response, resolution) per severity."""

from django.db import migrations

CATEGORIES = (
    "Atraso na entrega",
    "Produto avariado",
    "Cobrança indevida",
    "Falta de produto",
    "Atendimento",
)
HOURS = {"high": (4, 16), "medium": (8, 40), "low": (16, 80)}


def seed(apps, schema_editor):
    category_model = apps.get_model("complaints", "ComplaintCategory")
    target_model = apps.get_model("complaints", "SlaTarget")
    for name in CATEGORIES:
        category, _created = category_model.objects.get_or_create(name=name)
        for severity, (first, resolution) in HOURS.items():
            target_model.objects.get_or_create(
                category=category,
                severity=severity,
                defaults={"first_response_hours": first, "resolution_hours": resolution},
            )


def backfill_opened_at(apps, schema_editor):
    """Complaints from before the steps: opened at the start of their day."""
    import datetime as dt

    from django.utils import timezone

    complaint_model = apps.get_model("complaints", "Complaint")
    zone = timezone.get_default_timezone()
    for complaint in complaint_model.objects.filter(opened_at__isnull=True).iterator():
        complaint.opened_at = dt.datetime.combine(complaint.opened_on, dt.time(8), zone)
        if complaint.closed_on and complaint.closed_at is None:
            complaint.closed_at = dt.datetime.combine(complaint.closed_on, dt.time(17), zone)
        complaint.save(update_fields=["opened_at", "closed_at"])


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_steps_sla_categories")]

    operations = [
        migrations.RunPython(seed, migrations.RunPython.noop),
        migrations.RunPython(backfill_opened_at, migrations.RunPython.noop),
    ]
