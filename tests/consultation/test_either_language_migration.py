"""Migration 0020 lets a bilingual text be French, English or both, and the database refuse neither. A row
written before with neither gets a visible stand-in first (the consultation its short name, a question
"—"), so the constraint can be added on any database; texts in one language stay as they were."""

import pytest

from tests.helpers import migrate_to, migrate_to_latest

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("consultation", "0019_forms3_question_required")]
AFTER = [("consultation", "0020_lang3_either_language")]


def test_rows_with_neither_language_get_a_stand_in_and_the_others_keep_theirs():
    old = migrate_to(BEFORE)
    try:
        Consultation = old.get_model("consultation", "Consultation")
        Question = old.get_model("consultation", "Question")
        untitled = Consultation.objects.create(slug="sans-titre", title_fr="", title_en="")
        english = Consultation.objects.create(slug="london", title_fr="", title_en="Youth policing")
        Question.objects.create(consultation=untitled, kind="open", text_fr="", text_en="")

        new = migrate_to(AFTER)
        Consultation = new.get_model("consultation", "Consultation")
        titles = dict(Consultation.objects.values_list("slug", "title_fr"))
        assert titles == {"sans-titre": "sans-titre", "london": ""}
        assert Consultation.objects.get(pk=english.pk).title_en == "Youth policing"
        assert new.get_model("consultation", "Question").objects.get().text_fr == "—"
    finally:
        migrate_to_latest("consultation")
