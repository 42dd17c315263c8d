"""Draws recorded before reasons and progress had codes kept finished sentences (`Selection.error`, a
plain string among `reasons`, `Selection.progress_message`); pages read them through compatibility
branches. No deployment holds such rows, but any that exists is rewritten as codes first: a sentence of
a failed run becomes a reason of unknown code (shown as "The draw failed." with the sentence as it is),
an English progress sentence a note of the sortition library. Then the two columns go."""

from django.db import migrations


def rewrite_as_codes(apps, schema_editor):
    Selection = apps.get_model("deliberation", "Selection")
    for selection in Selection.objects.exclude(error="", progress_message="").iterator():
        reasons = [
            {"code": "sentence", "text": item} if isinstance(item, str) else item
            for item in (selection.reasons or [])
        ]
        if selection.error:
            reasons.insert(0, {"code": "sentence", "text": selection.error})
        selection.reasons = reasons
        if selection.progress_message and not selection.progress:
            selection.progress = {"code": "library", "text": selection.progress_message, "current": 0, "total": None}
        selection.save(update_fields=["reasons", "progress"])
    for selection in Selection.objects.filter(error="", progress_message="").iterator():
        if any(isinstance(item, str) for item in selection.reasons or []):
            selection.reasons = [{"code": "sentence", "text": i} if isinstance(i, str) else i for i in selection.reasons]
            selection.save(update_fields=["reasons"])


class Migration(migrations.Migration):
    dependencies = [("deliberation", "0012_selection_lottery")]

    operations = [
        migrations.RunPython(rewrite_as_codes, migrations.RunPython.noop),
        migrations.RemoveField(model_name="selection", name="error"),
        migrations.RemoveField(model_name="selection", name="progress_message"),
    ]
