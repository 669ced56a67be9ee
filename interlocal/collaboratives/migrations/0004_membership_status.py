from django.db import migrations, models


def accept_existing(apps, schema_editor):  # type: ignore[no-untyped-def]
    # Memberships recorded before consent existed were agreed to off-line; they stay in force.
    apps.get_model("collaboratives", "Membership").objects.update(status="accepted")


class Migration(migrations.Migration):
    dependencies = [
        ("collaboratives", "0003_lock_version"),
    ]

    operations = [
        migrations.AddField(
            model_name="membership",
            name="status",
            field=models.CharField(
                choices=[("proposed", "Proposed"), ("accepted", "Accepted"), ("declined", "Declined")],
                default="proposed",
                help_text="Proposed by the coordinator; only accepted by the joining government does it grant anything.",
                max_length=16,
            ),
        ),
        migrations.RunPython(accept_existing, migrations.RunPython.noop),
    ]
