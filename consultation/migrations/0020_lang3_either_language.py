"""A consultation's title, a question's text, a choice's label and a charter's text need French, English or
both, no longer French always (consultation/either_language.py): a consultation imported in English only
is edited without inventing a French translation. The database refuses a row with neither.

A row written before with neither (the code always asked for the French text, but a script or the shell
could skip it) would stop the constraint from being added: it gets a visible stand-in first, the
consultation its short name, a question, a choice or a charter "—" (as an empty Pol.is statement), for
the organisers to rewrite. Not reversed: going back leaves them (the older code reads them alike)."""

from django.conf import settings
from django.db import migrations, models


def _fill_empty_pairs(apps, schema_editor):
    from django.db.models import F, Value

    Consultation = apps.get_model("consultation", "Consultation")
    Consultation.objects.filter(title_fr="", title_en="").update(title_fr=F("slug"))
    for model, field in (("Question", "text"), ("Choice", "label"), ("CharterVersion", "text")):
        rows = apps.get_model("consultation", model).objects.filter(**{f"{field}_fr": "", f"{field}_en": ""})
        rows.update(**{f"{field}_fr": Value("—")})


class Migration(migrations.Migration):

    dependencies = [
        ('consultation', '0019_forms3_question_required'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name='charterversion',
            name='text_fr',
            field=models.TextField(blank=True, verbose_name='charter (French)'),
        ),
        migrations.AlterField(
            model_name='choice',
            name='label_fr',
            field=models.CharField(blank=True, max_length=200, verbose_name='label (French)'),
        ),
        migrations.AlterField(
            model_name='consultation',
            name='title_fr',
            field=models.CharField(blank=True, max_length=200, verbose_name='title (French)'),
        ),
        migrations.AlterField(
            model_name='question',
            name='text_fr',
            field=models.CharField(blank=True, max_length=500, verbose_name='question (French)'),
        ),
        migrations.RunPython(_fill_empty_pairs, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name='charterversion',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('text_fr', ''), _negated=True), models.Q(('text_en', ''), _negated=True), _connector='OR'), name='charter_has_a_text', violation_error_message='Write the charter: in French, in English or in both.'),
        ),
        migrations.AddConstraint(
            model_name='choice',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('label_fr', ''), _negated=True), models.Q(('label_en', ''), _negated=True), _connector='OR'), name='choice_has_a_label', violation_error_message='Give the choice a label: in French, in English or in both.'),
        ),
        migrations.AddConstraint(
            model_name='consultation',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('title_fr', ''), _negated=True), models.Q(('title_en', ''), _negated=True), _connector='OR'), name='consultation_has_a_title', violation_error_message='Give the consultation a title: in French, in English or in both.'),
        ),
        migrations.AddConstraint(
            model_name='question',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('text_fr', ''), _negated=True), models.Q(('text_en', ''), _negated=True), _connector='OR'), name='question_has_a_text', violation_error_message='Write the question: in French, in English or in both.'),
        ),
    ]
