"""The French text the platform itself writes into the database uses the typographic apostrophe ’, as
the interface does: the five levels of a scale question ("Pas du tout d’accord", written by
``services.add_question``) and the demo consultation loaded from ``consultation/content.py``. Rows written
before keep a straight ' (l'accès) beside new ones written with ’: this brings them in line.

Only a value exactly as the platform wrote it is touched: a scale level equal to one of the five labels
below, and a French title, context, question or choice of the consultation with the demo's slug equal to
one of the demo's texts frozen below (``consultation/content.py`` before commit 43a13e3, and its first
version of 28 November, which had ordinary spaces before : ? %). The slug alone proves nothing: an
organiser may have made their own "data-donation", and anything they wrote, or edited, is theirs and
stays as typed. (A deployment that ran an earlier version of this migration, which rewrote every French
text of that slug, is not affected by this edit.)

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
# The demo's French texts that had a straight apostrophe, frozen as consultation/content.py wrote them
# (the others need no change). Not imported from content.py: that file moves on, a migration must not.
DEMO_TITLES = ["Don de données de santé par défaut\u00a0: qu'en pensez-vous\u00a0?"]
DEMO_CONTEXTS = [
    "Les données de santé (consultations, hospitalisations, remboursements, analyses) servent déjà "
    "la recherche, l'innovation et le pilotage de la politique de santé. Mais 67\u00a0% des Français "
    "s'estiment insuffisamment informés sur leur usage, et 58\u00a0% voudraient en savoir plus (baromètre"
    " Health Data Hub, 2025).\n\n"
    "Une proposition est sur la table\u00a0: faire du don de données de santé la règle par défaut, comme "
    "pour le don d'organes. Chacun resterait libre de refuser en s'inscrivant sur un registre "
    "national des refus, simple d'accès. Cette consultation vous demande à quelles conditions ce "
    "principe serait acceptable\u00a0: quels usages (recherche publique, entreprises privées, acteurs "
    "étrangers, entraînement d'intelligences artificielles), quel consentement (global ou modulable "
    "par usage), quelle information, quel hébergement (souverain, certifié) et quelle place pour les"
    " citoyens dans la gouvernance des accès.\n\n"
    "Vos réponses et vos propositions seront analysées publiquement\u00a0; un panel de citoyens tirés au "
    "sort en débattra lors d'assises, et chaque recommandation recevra une réponse publique des "
    "décideurs."
]
DEMO_QUESTIONS = [
    "Par quels moyens devrait-on pouvoir s'inscrire sur le registre des refus\u00a0?",
    "Qui devrait décider de l'accès des projets aux données\u00a0?",
    "Par quels canaux souhaiteriez-vous être informé de l'usage de vos données\u00a0?",
    "Qu'est-ce qui vous donnerait confiance, ou au contraire vous ferait refuser, "
    "le don de vos données\u00a0?",
    "Quelles informations attendez-vous avant et après l'utilisation de vos données\u00a0?",
]
DEMO_CHOICES = [
    "Dans un accueil de l'Assurance maladie ou une maison France services",
    "Agences sanitaires de l'État",
    "Entreprises ou organismes hors d'Europe",
    "Développeurs d'intelligence artificielle",
    "Campagnes nationales d'information",
]
# A straight apostrophe between two letters (l'été), the rule of scripts/fr_typography.py.
ELISION = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")


def typographic(text: str) -> str:
    return ELISION.sub("\u2019", text)


def as_first_written(texts: list[str]) -> list[str]:
    """The same texts and their first version (28 November: ordinary spaces where no-break ones are)."""
    return sorted({*texts, *(t.replace("\u00a0", " ") for t in texts)})


def _rewrite(rows, field: str, texts: list[str]) -> None:
    """Each exact demo text of `field` becomes its typographic version; any other value is left alone."""
    for text in as_first_written(texts):
        rows.filter(**{field: text}).update(**{field: typographic(text)})


def forward(apps, schema_editor):
    Consultation = apps.get_model("consultation", "Consultation")
    Question = apps.get_model("consultation", "Question")
    Choice = apps.get_model("consultation", "Choice")
    for label in SCALE_LEVELS:
        Choice.objects.filter(question__kind="scale", label_fr=label).update(label_fr=typographic(label))
    demo = Consultation.objects.filter(slug=DEMO_SLUG)
    _rewrite(demo, "title_fr", DEMO_TITLES)
    _rewrite(demo, "context_fr", DEMO_CONTEXTS)
    _rewrite(Question.objects.filter(consultation__slug=DEMO_SLUG), "text_fr", DEMO_QUESTIONS)
    _rewrite(Choice.objects.filter(question__consultation__slug=DEMO_SLUG), "label_fr", DEMO_CHOICES)


class Migration(migrations.Migration):
    dependencies = [
        ("consultation", "0016_closing_closes_at"),
    ]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
