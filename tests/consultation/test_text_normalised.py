"""Text comes in normalised by every way in: the proposal form, the questionnaire, a CSV import, a
moderator's public reason. Stored without control or bidirectional override characters, in NFC."""

import pytest
from django.urls import reverse

from consultation import services
from consultation.models import Answer, Proposal

TYPED = "Mon avis\u202e : de\u0301ja\u0300 vu\x1b[31m, sans\u2066 détour\u200f."
STORED = "Mon avis : déjà vu[31m, sans détour."


def test_a_proposal_sent_through_the_form_is_stored_normalised(client, member, consultation):
    client.force_login(member)
    client.post(reverse("consultation:propose", args=[consultation.slug]), {"text": TYPED, "step": "confirm"})
    assert list(Proposal.objects.values_list("text", flat=True)) == [STORED]


def test_an_answer_sent_through_the_questionnaire_is_stored_normalised(client, member, consultation):
    question = consultation.questions.get(kind="open")
    client.force_login(member)
    client.post(reverse("consultation:answer", args=[consultation.slug]), {f"q{question.pk}": TYPED})
    assert Answer.objects.get(question=question).text == STORED


def test_an_imported_contribution_is_stored_normalised(tmp_path, consultation):
    from django.core.management import call_command

    path = tmp_path / "contributions.csv"
    path.write_text(f'id,texte\n1,"{TYPED}"\n', encoding="utf-8")
    call_command("import_contributions", str(path), consultation=consultation.slug, text_column="texte")
    assert list(Proposal.objects.values_list("text", flat=True)) == [STORED]


def test_a_moderators_public_reason_is_stored_normalised(citizen, moderator, consultation):
    services.accept_charter(user=citizen, consultation=consultation)
    proposal = services.submit_proposal(user=citizen, consultation=consultation, text="Une idée.")
    services.moderate(actor=moderator, proposal=proposal, decision="hide", reason=TYPED)
    proposal.refresh_from_db()
    assert proposal.hide_reason == STORED


@pytest.mark.parametrize("text", ["\u202e", "\x00\x07", "\u200f\u200e"])
def test_a_proposal_of_invisible_characters_only_is_refused_as_empty(member, consultation, text):
    with pytest.raises(services.ConsultationError):
        services.submit_proposal(user=member, consultation=consultation, text=text)


def test_a_questions_choices_and_help_typed_in_the_editor_are_stored_normalised(organiser_client):
    """The choice labels come as a list and the help as help_fr/help_en: normalised like the question's
    text, and a choice of invisible characters only is no choice (the question then has too few)."""
    from consultation.models import Question
    from tests.helpers import make_consultation

    draft = make_consultation("choix-normalises", phase="draft", questions=False)
    url = reverse("consultation:questions", args=[draft.slug])
    organiser_client.post(
        url, {"kind": "single", "text_fr": "Mode ?", "choices": f"{TYPED} | Yes\nNon | No\n\u202e | \u200b"}
    )
    question = Question.objects.get(consultation=draft)
    assert [(c.label_fr, c.label_en) for c in question.choices.all()] == [(STORED, "Yes"), ("Non", "No")]
    services.add_question(
        actor=None, consultation=draft, kind="open", text_fr="Pourquoi ?", help_fr=TYPED, help_en=TYPED
    )
    assert Question.objects.filter(help_fr=STORED, help_en=STORED).count() == 1
