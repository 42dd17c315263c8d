"""The vote's rate windows are counters of the last minutes, like the Redis keys they replace (which this
deployment's Redis keeps nowhere on disk): on PostgreSQL the table is UNLOGGED, so counting a vote writes
no WAL (docs/decisions/0019-vote-without-redis.md). A crash empties it; a window then opens again at 1."""

from django.db import migrations


def _set(logged: bool):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            table = apps.get_model("consultation", "RateWindow")._meta.db_table
            schema_editor.execute(f"ALTER TABLE {table} SET {'LOGGED' if logged else 'UNLOGGED'}")

    return run


class Migration(migrations.Migration):
    dependencies = [("consultation", "0011_fastvote_rate_windows")]

    operations = [migrations.RunPython(_set(logged=False), _set(logged=True))]
