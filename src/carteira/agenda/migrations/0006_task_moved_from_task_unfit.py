from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0005_renewals"),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="moved_from",
            field=models.DateField(blank=True, null=True, verbose_name="moved from"),
        ),
        migrations.AddField(
            model_name="task",
            name="unfit",
            field=models.BooleanField(default=False, verbose_name="does not fit the route"),
        ),
    ]
