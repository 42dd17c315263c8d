"""The ``unaccent`` extension, for the accent-insensitive proposal search (consultation/search.py).
Creating an extension needs a superuser (or a trusted-extension owner): without the right, the migration
goes on and the search stays case-insensitive only; a database administrator can run
``CREATE EXTENSION unaccent`` later (the search picks it up at the next start). Nothing on SQLite."""

from django.db import DatabaseError, migrations, transaction


def create_extension(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    except DatabaseError:
        pass


class Migration(migrations.Migration):
    dependencies = [("consultation", "0008_answers_proposal_answer_policy")]

    operations = [migrations.RunPython(create_extension, migrations.RunPython.noop)]
