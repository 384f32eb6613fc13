# Check-ins verified within a radius (issue 16); the seller's position is no longer kept:
# the existing check-ins get their verdict from the distance and accuracy they recorded,
# then the positions are dropped (LGPD: only what the check needs).

from django.conf import settings
from django.db import migrations, models


def verdicts(apps, schema_editor):
    CheckIn = apps.get_model("field", "CheckIn")
    radius = settings.CARTEIRA_CHECKIN_RADIUS_M
    for check_in in CheckIn.objects.all().iterator():
        if check_in.latitude is None:
            reason = "no_position"
        elif check_in.distance_m is None:
            reason = "no_client_location"
        elif check_in.distance_m > radius:
            reason = "far"
        elif check_in.accuracy_m is not None and check_in.accuracy_m > radius:
            reason = "imprecise"
        else:
            reason = ""
        CheckIn.objects.filter(pk=check_in.pk).update(
            verified=not reason, unverified_reason=reason, radius_m=radius
        )


class Migration(migrations.Migration):
    dependencies = [
        ("field", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="checkin",
            name="radius_m",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="radius (m)"),
        ),
        migrations.AddField(
            model_name="checkin",
            name="unverified_reason",
            field=models.CharField(
                blank=True,
                choices=[
                    ("far", "too far from the client"),
                    ("imprecise", "position too imprecise"),
                    ("no_client_location", "the client has no coordinates"),
                    ("position_denied", "location not allowed on the phone"),
                    ("no_position", "no position from the phone"),
                ],
                max_length=24,
                verbose_name="why not verified",
            ),
        ),
        migrations.AddField(
            model_name="checkin",
            name="verified",
            field=models.BooleanField(default=False, verbose_name="verified"),
        ),
        migrations.RunPython(verdicts, migrations.RunPython.noop),
        migrations.RemoveField(model_name="checkin", name="latitude"),
        migrations.RemoveField(model_name="checkin", name="longitude"),
    ]
