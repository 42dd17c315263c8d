"""A full-text index of the proposals' text, for the similar-proposal preview's prefilter (PostgreSQL only:
the embedded SQLite runtime compares with the proposals containing one of the draft's words)."""

from django.contrib.postgres.indexes import GinIndex
from django.db import migrations

INDEX_NAME = "proposal_text_search"


def _index():
    from consultation.models import PROPOSAL_SEARCH_VECTOR

    return GinIndex(PROPOSAL_SEARCH_VECTOR, name=INDEX_NAME)


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.add_index(apps.get_model("consultation", "Proposal"), _index())


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.remove_index(apps.get_model("consultation", "Proposal"), _index())


class Migration(migrations.Migration):
    dependencies = [("consultation", "0005_proposal_language")]

    operations = [migrations.RunPython(create_index, drop_index)]
