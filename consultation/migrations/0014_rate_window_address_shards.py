"""An address's vote window split into shards (consultation/vote_limit.py, PACTE_VOTE_ADDRESS_SHARDS):
one row per address made every vote from it wait for the previous one's commit. Existing rows become
shard 0.

Backwards, an address's shards are merged into one row first: the unique key without the shard would
refuse the second row of any address that voted from two shards."""

import datetime as dt

from django.db import migrations, models
from django.utils import timezone


def merge_shards(apps, schema_editor):
    """One row per (action, scope, key) again: the hits of its shards whose window is still open, in a
    window ending with the first of them (an expired shard counts nothing, as the sharded limit did)."""
    RateWindow = apps.get_model("consultation", "RateWindow")
    now = timezone.now()
    keys = RateWindow.objects.exclude(shard=0).values_list("action", "scope", "key").distinct().order_by()
    for action, scope, key in list(keys):
        rows = list(RateWindow.objects.filter(action=action, scope=scope, key=key).order_by("shard"))
        open_rows = [r for r in rows if r.started_at + dt.timedelta(seconds=r.seconds) > now] or rows[:1]
        kept = open_rows[0]
        RateWindow.objects.filter(pk__in=[r.pk for r in rows if r.pk != kept.pk]).delete()
        RateWindow.objects.filter(pk=kept.pk).update(
            shard=0,
            hits=sum(r.hits for r in open_rows),
            started_at=min(r.started_at for r in open_rows),
        )


class Migration(migrations.Migration):
    dependencies = [
        ("consultation", "0013_a11ymap_import_language_column"),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name="ratewindow",
            name="rate_window_key",
        ),
        migrations.AddField(
            model_name="ratewindow",
            name="shard",
            field=models.SmallIntegerField(default=0),
        ),
        migrations.AddConstraint(
            model_name="ratewindow",
            constraint=models.UniqueConstraint(
                fields=("action", "scope", "key", "shard"), name="rate_window_shard_key"
            ),
        ),
        # Last, so that backwards it runs first, while the shards are still there.
        migrations.RunPython(migrations.RunPython.noop, merge_shards),
    ]
