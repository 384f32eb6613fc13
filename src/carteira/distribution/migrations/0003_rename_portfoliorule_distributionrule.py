# A distribution rule (carteirização: which seller gets which clients) was called
# PortfolioRule, next to the portfolio's rules (PortfolioRules: statuses, ABC, RFM). Renamed:
# the table and its rows stay (RenameModel renames, it does not recreate).

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("distribution", "0002_move_batches"),
        ("organization", "0001_initial"),
    ]

    operations = [
        migrations.RenameModel(old_name="PortfolioRule", new_name="DistributionRule"),
        migrations.AlterModelOptions(
            name="distributionrule",
            options={
                "ordering": ["priority", "pk"],
                "verbose_name": "distribution rule",
                "verbose_name_plural": "distribution rules",
            },
        ),
    ]
