"""An address's vote window split into shards (consultation/vote_limit.py, PACTE_VOTE_ADDRESS_SHARDS): one row per
address made every vote from it wait for the previous one's commit. Existing rows become shard 0."""

from django.db import migrations, models


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
    ]
