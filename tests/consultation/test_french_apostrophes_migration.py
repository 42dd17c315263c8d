"""Migration 0017 writes the typographic apostrophe into the French text the platform wrote before with a
straight one: the levels of every scale question, the demo consultation's French text exactly as
consultation/content.py wrote it. Anything an organiser wrote keeps what they typed, even in a
consultation of their own that has the demo's slug; the English is left alone.

The demo's rows are built from the migration's own frozen copy of the texts (imported with importlib: a
module name cannot start with a digit), not from content.py: editing a demo text there must not break
this test while the migration is still right about the texts it was written for."""

import importlib

import pytest

from tests.helpers import migrate_to, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("consultation", "0016_closing_closes_at")]
AFTER = [("consultation", "0017_forms2_french_apostrophes")]
FROZEN = importlib.import_module("consultation.migrations.0017_forms2_french_apostrophes")


def curly(text: str) -> str:
    """What a frozen demo text reads once migrated (each of their straight apostrophes is an elision)."""
    return text.replace("'", "’")


def _frozen_question(start: str) -> str:
    """The demo's French question, as the platform wrote it before 0017, that starts with `start`."""
    return next(q for q in FROZEN.DEMO_QUESTIONS if q.startswith(start))


def test_the_scale_levels_and_the_demo_text_get_the_typographic_apostrophe():
    question_fr = _frozen_question("Par quels moyens")  # s'inscrire
    open_fr = _frozen_question("Qu'est-ce qui")
    demo_choice = next(c for c in FROZEN.DEMO_CHOICES if c.startswith("Dans un accueil"))
    old = migrate_to(BEFORE)
    try:
        Consultation = old.get_model("consultation", "Consultation")
        Question = old.get_model("consultation", "Question")
        Choice = old.get_model("consultation", "Choice")
        own = Consultation.objects.create(slug="la-mienne", title_fr="L'avis d'un organisateur")
        scale = Question.objects.create(consultation=own, kind="scale", text_fr="D'accord ?")
        Choice.objects.create(
            question=scale, position=0, label_fr="Pas du tout d'accord", label_en="Strongly disagree"
        )
        single = Question.objects.create(consultation=own, kind="single", text_fr="Qu'en dites-vous ?")
        Choice.objects.create(question=single, position=0, label_fr="Plutôt d'accord", label_en="I'd agree")
        demo = Consultation.objects.create(
            slug="data-donation", title_fr=FROZEN.DEMO_TITLES[0], context_fr=FROZEN.DEMO_CONTEXTS[0]
        )
        question = Question.objects.create(consultation=demo, kind="multiple", text_fr=question_fr)
        Choice.objects.create(question=question, position=0, label_fr=demo_choice, label_en="At a desk")
        Choice.objects.create(question=question, position=1, label_fr="En ligne", label_en="Online")
        # as the first version of content.py wrote it (28 November): an ordinary space before "?"
        Question.objects.create(consultation=demo, kind="open", text_fr=open_fr.replace("\u00a0", " "))

        new = migrate_to(AFTER)
        Consultation = new.get_model("consultation", "Consultation")
        Choice = new.get_model("consultation", "Choice")
        Question = new.get_model("consultation", "Question")
        own_labels = Choice.objects.filter(question__consultation__slug="la-mienne")
        assert set(own_labels.values_list("label_fr", "label_en")) == {
            ("Pas du tout d’accord", "Strongly disagree"),  # a scale level, as the platform writes it
            ("Plutôt d'accord", "I'd agree"),  # an organiser's own choice, as they typed it
        }
        rows = Choice.objects.filter(question=question.pk).order_by("position")
        assert list(rows.values_list("label_fr", flat=True)) == [
            "Dans un accueil de l’Assurance maladie ou une maison France services",
            "En ligne",
        ]
        assert set(Question.objects.values_list("text_fr", flat=True)) == {
            "D'accord ?",
            "Qu'en dites-vous ?",
            "Par quels moyens devrait-on pouvoir s’inscrire sur le registre des refus\u00a0?",
            curly(open_fr).replace("\u00a0", " "),
        }
        demo = Consultation.objects.get(slug="data-donation")
        assert demo.title_fr == "Don de données de santé par défaut\u00a0: qu’en pensez-vous\u00a0?"
        assert demo.context_fr == curly(FROZEN.DEMO_CONTEXTS[0])
        assert "'" not in demo.context_fr
        assert Consultation.objects.get(slug="la-mienne").title_fr == "L'avis d'un organisateur"
    finally:
        migrate_to_latest("consultation")


def test_an_organisers_own_data_donation_consultation_keeps_its_text():
    """Their own consultation under the demo's slug, and a demo text they edited: left as typed."""
    edited = _frozen_question("Qui devrait décider").replace("décider", "trancher")
    old = migrate_to(BEFORE)
    try:
        Consultation = old.get_model("consultation", "Consultation")
        Question = old.get_model("consultation", "Question")
        Choice = old.get_model("consultation", "Choice")
        mine = Consultation.objects.create(
            slug="data-donation",
            title_fr="Le don d'organes : qu'en pense l'équipe ?",
            context_fr="Consultation interne de l'association.",
        )
        question = Question.objects.create(consultation=mine, kind="single", text_fr=edited)
        Choice.objects.create(question=question, position=0, label_fr="L'État", label_en="The State")
        Choice.objects.create(
            question=question, position=1, label_fr="Agences sanitaires de l'État (ARS)", label_en="ARS"
        )
        scale = Question.objects.create(consultation=mine, kind="scale", text_fr="Êtes-vous d'accord ?")
        Choice.objects.create(question=scale, position=0, label_fr="Plutôt d'accord", label_en="Agree")

        new = migrate_to(AFTER)
        Consultation = new.get_model("consultation", "Consultation")
        Question = new.get_model("consultation", "Question")
        Choice = new.get_model("consultation", "Choice")
        mine = Consultation.objects.get(slug="data-donation")
        assert (mine.title_fr, mine.context_fr) == (
            "Le don d'organes : qu'en pense l'équipe ?",
            "Consultation interne de l'association.",
        )
        assert set(Question.objects.values_list("text_fr", flat=True)) == {edited, "Êtes-vous d'accord ?"}
        assert set(Choice.objects.values_list("label_fr", flat=True)) == {
            "L'État",
            "Agences sanitaires de l'État (ARS)",
            "Plutôt d’accord",  # the scale's level is the platform's, whoever's the consultation
        }
    finally:
        migrate_to_latest("consultation")
