# The readings' single-column seller index: every lookup of readings names the run, which
# the (run, seller) index serves; a run's 100k rows written in client order cost one
# scattered write of that index per row (issue 25).

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("organization", "0001_initial"),
        ("portfolio", "0004_readings_without_redundant_indexes"),
    ]

    operations = [
        migrations.AlterField(
            model_name="clientsnapshot",
            name="seller",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                to="organization.seller",
            ),
        ),
    ]
