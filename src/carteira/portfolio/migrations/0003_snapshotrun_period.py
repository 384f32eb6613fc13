"""Runs name the window their period figures cover (ADR 12); window runs."""

import datetime as dt

from django.db import migrations, models


def fill_period_start(apps, schema_editor):
    """Runs stored so far covered the rules' rolling window."""
    SnapshotRun = apps.get_model("portfolio", "SnapshotRun")
    for run in SnapshotRun.objects.only("pk", "as_of", "rules").iterator():
        days = int(run.rules.get("lifecycle", {}).get("period_days", 30))
        run.period_start = run.as_of - dt.timedelta(days=days - 1)
        run.save(update_fields=["period_start"])


class Migration(migrations.Migration):
    dependencies = [("portfolio", "0002_figures_cache_table")]

    operations = [
        migrations.AddField(
            model_name="snapshotrun",
            name="period_start",
            field=models.DateField(null=True, verbose_name="period from"),
        ),
        migrations.RunPython(fill_period_start, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="snapshotrun",
            name="period_start",
            field=models.DateField(verbose_name="period from"),
        ),
        migrations.AlterField(
            model_name="snapshotrun",
            name="kind",
            field=models.CharField(
                choices=[("official", "Official"), ("what_if", "What-if"), ("window", "Period")],
                default="official",
                max_length=10,
            ),
        ),
        migrations.AddConstraint(
            model_name="snapshotrun",
            constraint=models.UniqueConstraint(
                condition=models.Q(("kind", "window")),
                fields=("as_of", "period_start", "rules_version"),
                name="one_window_run_per_period_and_rules",
            ),
        ),
    ]
