import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    """The single-column indexes of the per-reading value tables duplicate the leading
    column of the unique (fit, client) / (run, client) and the (client, fit) / (client, run)
    indexes; each one costs every reading's 100k-row insert (issue 25)."""

    dependencies = [
        ("clients", "0002_client_shown_name_indexes"),
        ("portfolio", "0004_readings_without_redundant_indexes"),
        ("value", "0002_client_potential"),
    ]

    operations = [
        migrations.AlterField(
            model_name="clientvalue",
            name="client",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="predicted_values",
                to="clients.client",
            ),
        ),
        migrations.AlterField(
            model_name="clientvalue",
            name="fit",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="clients",
                to="value.valuefit",
            ),
        ),
        migrations.AlterField(
            model_name="clientpotential",
            name="client",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="potentials",
                to="clients.client",
            ),
        ),
        migrations.AlterField(
            model_name="clientpotential",
            name="run",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="potentials",
                to="portfolio.snapshotrun",
            ),
        ),
    ]
