"""Open-data archives built before every published text went through one exit (consultation.publish)
hold answers and proposals as typed (phone numbers, NIR, health disclosures): withdraw them, files
included. A new archive is built, scrubbed, the next time one is asked for."""

from django.db import migrations


def withdraw(apps, schema_editor):
    OpenDataExport = apps.get_model("consultation", "OpenDataExport")
    for export in OpenDataExport.objects.exclude(file=""):
        export.file.storage.delete(export.file.name)
    OpenDataExport.objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("consultation", "0006_proposal_text_search")]

    operations = [migrations.RunPython(withdraw, migrations.RunPython.noop)]
