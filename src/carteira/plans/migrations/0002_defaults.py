from django.db import migrations

from carteira.plans.defaults import DEFAULT_CELLS, INACTIVITY_REASONS, cell_fields


def load(apps, schema_editor):
    Cell = apps.get_model("plans", "ActionPlanCell")
    Reason = apps.get_model("interactions", "InactivityReason")
    for row in DEFAULT_CELLS:
        fields = cell_fields(row)
        key = {name: fields.pop(name) for name in ("abc", "status", "segment")}
        Cell.objects.get_or_create(**key, defaults=fields)
    for code, label in INACTIVITY_REASONS:
        Reason.objects.get_or_create(code=code, defaults={"label": label})


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0001_initial"),
        ("interactions", "0001_initial"),
    ]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
