import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0006_task_moved_from_task_unfit"),
        ("clients", "0003_hidden_imports"),
    ]

    operations = [
        migrations.CreateModel(
            name="SellOut",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False,
                                           verbose_name="ID")),  # fmt: skip
                ("date", models.DateField(verbose_name="date")),
                ("product", models.CharField(blank=True, max_length=80, verbose_name="product")),
                ("quantity", models.DecimalField(blank=True, decimal_places=2, max_digits=16,
                                                 null=True, verbose_name="quantity sold")),  # fmt: skip
                ("value", models.DecimalField(blank=True, decimal_places=2, max_digits=16,
                                              null=True, verbose_name="value sold")),  # fmt: skip
                ("stock", models.DecimalField(blank=True, decimal_places=2, max_digits=16,
                                              null=True, verbose_name="stock on hand")),  # fmt: skip
                ("client", models.ForeignKey(on_delete=django.db.models.deletion.CASCADE,
                                             related_name="sell_out", to="clients.client")),  # fmt: skip
            ],
            options={
                "verbose_name": "sell-out",
                "verbose_name_plural": "sell-out",
                "ordering": ["date", "product"],
                "constraints": [
                    models.UniqueConstraint(fields=("client", "date", "product"),
                                            name="one_sell_out_per_client_day_product")  # fmt: skip
                ],
            },
        ),
    ]
