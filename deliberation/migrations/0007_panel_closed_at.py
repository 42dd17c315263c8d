"""Panel.closed_at: when a panel was closed, from which its pool's retention time runs
(PACTE_POOL_RETENTION_DAYS). Panels already closed get the date of their last "closed" status event in the
audit log, or, when the log has none, the date of this migration (their retention time starts now)."""

from django.db import migrations, models
from django.utils import timezone


def date_closed_panels(apps, schema_editor):
    Panel = apps.get_model("deliberation", "Panel")
    AuditEvent = apps.get_model("accounts", "AuditEvent")
    now = timezone.now()
    for panel in Panel.objects.filter(status="closed", closed_at__isnull=True):
        event = (
            AuditEvent.objects.filter(
                action="panel.status", object_type="deliberation.panel", object_id=str(panel.pk)
            )
            .order_by("-id")
            .first()
        )
        closed = event is not None and (event.details or {}).get("to") == "closed"
        panel.closed_at = event.created_at if closed else now
        panel.save(update_fields=["closed_at"])


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("deliberation", "0006_volunteer_told_not_drawn"),
    ]

    operations = [
        migrations.AddField(
            model_name="panel",
            name="closed_at",
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name="closed on"),
        ),
        migrations.RunPython(date_closed_panels, migrations.RunPython.noop),
    ]
