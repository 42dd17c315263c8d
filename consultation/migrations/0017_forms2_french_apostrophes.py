"""The French text the platform itself writes into the database uses the typographic apostrophe ’, as
the interface does: the five levels of a scale question ("Pas du tout d’accord", written by
``services.add_question``) and the demo consultation loaded from ``consultation/content.py``. Rows written
before keep a straight ' (l'accès) beside new ones written with ’: this brings them in line. Only the
scale levels exactly as the platform wrote them, and the French text of the demo consultation, are
touched; an organiser's own questions are theirs.

Not reversed, on purpose: migrating back runs nothing (``RunPython.noop``) and leaves the ’ in place. The
code before it reads either apostrophe alike (nothing matches these texts by their letters), and undoing
it would mean guessing which ’ were once a straight '."""

import re

from django.db import migrations

DEMO_SLUG = "data-donation"
SCALE_LEVELS = [
    "Pas du tout d'accord",
    "Plutôt pas d'accord",
    "Ni d'accord ni pas d'accord",
    "Plutôt d'accord",
    "Tout à fait d'accord",
]
# A straight apostrophe between two letters (l'été), the rule of scripts/fr_typography.py.
ELISION = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")


def typographic(text: str) -> str:
    return ELISION.sub("\u2019", text)


def _fix(rows, *fields) -> None:
    for row in rows:
        changed = [f for f in fields if typographic(getattr(row, f)) != getattr(row, f)]
        for field in changed:
            setattr(row, field, typographic(getattr(row, field)))
        if changed:
            row.save(update_fields=changed)


def forward(apps, schema_editor):
    Consultation = apps.get_model("consultation", "Consultation")
    Question = apps.get_model("consultation", "Question")
    Choice = apps.get_model("consultation", "Choice")
    for label in SCALE_LEVELS:
        Choice.objects.filter(question__kind="scale", label_fr=label).update(label_fr=typographic(label))
    _fix(Consultation.objects.filter(slug=DEMO_SLUG), "title_fr", "context_fr")
    _fix(Question.objects.filter(consultation__slug=DEMO_SLUG), "text_fr")
    _fix(Choice.objects.filter(question__consultation__slug=DEMO_SLUG), "label_fr")


class Migration(migrations.Migration):
    dependencies = [
        ("consultation", "0016_closing_closes_at"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
