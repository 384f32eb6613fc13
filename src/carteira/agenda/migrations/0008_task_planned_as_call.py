from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("agenda", "0007_sellout"),
    ]

    operations = [
        migrations.AddField(
            model_name="task",
            name="planned_as_call",
            field=models.BooleanField(default=False, verbose_name="planned as a call"),
        ),
    ]
