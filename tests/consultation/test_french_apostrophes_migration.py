"""Migration 0017 writes the typographic apostrophe into the French text the platform wrote before with a
straight one: the levels of every scale question, the demo consultation's French text. An organiser's
own question keeps what they typed; the English is left alone."""

import pytest

from tests.helpers import migrate_to, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("consultation", "0016_closing_closes_at")]
AFTER = [("consultation", "0017_forms2_french_apostrophes")]


def test_the_scale_levels_and_the_demo_text_get_the_typographic_apostrophe():
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
            slug="data-donation", title_fr="Par défaut : qu'en pensez-vous ?", context_fr="Le don d'organes."
        )
        question = Question.objects.create(
            consultation=demo, kind="single", text_fr="Qui décide de l'accès ?"
        )
        Choice.objects.create(question=question, label_fr="Agences de l'État", label_en="Don't know")

        new = migrate_to(AFTER)
        Consultation = new.get_model("consultation", "Consultation")
        Choice = new.get_model("consultation", "Choice")
        Question = new.get_model("consultation", "Question")
        labels = dict(Choice.objects.values_list("label_fr", "label_en"))
        assert labels == {
            "Pas du tout d’accord": "Strongly disagree",  # a scale level, as the platform writes it
            "Plutôt d'accord": "I'd agree",  # an organiser's own choice, as they typed it
            "Agences de l’État": "Don't know",  # the demo's French
        }
        assert set(Question.objects.values_list("text_fr", flat=True)) == {
            "D'accord ?",
            "Qu'en dites-vous ?",
            "Qui décide de l’accès ?",
        }
        assert dict(Consultation.objects.values_list("slug", "title_fr")) == {
            "la-mienne": "L'avis d'un organisateur",
            "data-donation": "Par défaut : qu’en pensez-vous ?",
        }
        assert Consultation.objects.get(slug="data-donation").context_fr == "Le don d’organes."
    finally:
        migrate_to_latest("consultation")
