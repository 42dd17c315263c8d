"""A consultation's closing becomes a date and time that the beat acts on (`closes_at`), instead of a
planned date only shown (`ends_on`): a planned day becomes the end of that day, Paris time."""

import datetime as dt
from zoneinfo import ZoneInfo

from django.db import migrations, models

PARIS = ZoneInfo("Europe/Paris")


def dates_to_times(apps, schema_editor):
    Consultation = apps.get_model("consultation", "Consultation")
    for c in Consultation.objects.exclude(ends_on=None).only("pk", "ends_on"):
        closes_at = dt.datetime.combine(c.ends_on, dt.time(23, 59), tzinfo=PARIS)
        Consultation.objects.filter(pk=c.pk).update(closes_at=closes_at)


def times_to_dates(apps, schema_editor):
    Consultation = apps.get_model("consultation", "Consultation")
    for c in Consultation.objects.exclude(closes_at=None).only("pk", "closes_at"):
        Consultation.objects.filter(pk=c.pk).update(ends_on=c.closes_at.astimezone(PARIS).date())


class Migration(migrations.Migration):
    dependencies = [
        ("consultation", "0015_forms_choice_exclusive"),
    ]

    operations = [
        migrations.AddField(
            model_name="consultation",
            name="closes_at",
            field=models.DateTimeField(blank=True, null=True, verbose_name="closing date and time"),
        ),
        migrations.RunPython(dates_to_times, times_to_dates),
        migrations.RemoveField(model_name="consultation", name="ends_on"),
    ]
