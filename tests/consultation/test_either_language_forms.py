"""An organiser's bilingual text needs French, English or both, not French always: a consultation imported
in English only (``import_polis --language en``) is edited without inventing a French title, and so are
its questions, choices and charter. Both empty: a translated error under the French field, every other
value typed kept, nothing saved."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from consultation.models import Consultation
from tests.html_parts import elements

pytestmark = pytest.mark.django_db

SETTINGS = {
    "moderation": "post",
    "max_proposal_length": "800",
    "context_en": "Young Londoners and the police.",
}
NO_TITLE = {
    "fr": "Donnez un titre à la consultation : en français, en anglais ou dans les deux langues.",
    "en": "Give the consultation a title: in French, in English or in both.",
}


def _english_only(test_data) -> Consultation:
    folder = test_data / "polis" / "london.youth.policing"
    call_command("import_polis", str(folder), consultation="londres", language="en", stdout=StringIO())
    consultation = Consultation.objects.get(slug="londres")
    assert consultation.title_en and not consultation.title_fr
    return consultation


def _field(page: str, input_id: str) -> dict:
    return next(e for e in elements(page) if e["attrs"].get("id") == input_id)


def _text(page: str) -> str:
    return page.replace("\u00a0", " ").replace("&#x27;", "'").replace("&#39;", "'")


def test_an_english_only_import_is_saved_without_a_french_title(organiser_client, test_data):
    consultation = _english_only(test_data)
    url = reverse("consultation:manage", args=[consultation.slug])
    form = organiser_client.get(url).content.decode()
    assert _field(form, "id_title_fr")["attrs"].get("required") is None  # the browser refuses nothing
    response = organiser_client.post(url, {**SETTINGS, "title_fr": "", "title_en": consultation.title_en})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.title_fr == "" and consultation.max_proposal_length == 800


@pytest.mark.parametrize("language", ["fr", "en"])
def test_both_titles_empty_is_refused_under_the_french_title_and_nothing_typed_is_lost(
    organiser_client, test_data, language
):
    consultation = _english_only(test_data)
    url = reverse("consultation:manage", args=[consultation.slug])
    response = organiser_client.post(
        url, {**SETTINGS, "title_fr": " ", "title_en": ""}, HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 400
    page = response.content.decode()
    title = _field(page, "id_title_fr")
    assert title["attrs"].get("aria-invalid") == "true"
    error = _field(page, title["attrs"]["aria-describedby"].split()[0])
    assert NO_TITLE[language] in _text(error["text"])
    assert "Young Londoners and the police." in page and 'value="800"' in page  # what was typed stays
    consultation.refresh_from_db()
    assert consultation.title_en and consultation.max_proposal_length != 800  # nothing saved


def test_a_new_consultation_with_an_english_title_only_is_created(organiser_client):
    response = organiser_client.post(
        reverse("consultation:create"), {**SETTINGS, "slug": "london", "title_en": "Youth policing"}
    )
    assert response.status_code == 302
    assert Consultation.objects.get(slug="london").title == "Youth policing"


def test_a_question_and_its_choices_may_be_written_in_english_only(organiser_client):
    consultation = Consultation.objects.create(slug="london", title_en="Youth policing")
    url = reverse("consultation:questions", args=[consultation.slug])
    response = organiser_client.post(
        url,
        {
            "kind": "multiple",
            "text_en": "Who should you be able to call?",
            "choices": "| A youth worker\nParent | A parent\n| Nobody",
            "exclusive_choices": "Nobody",
        },
    )
    assert response.status_code == 302
    question = consultation.questions.get()
    assert (question.text_fr, question.text_en) == ("", "Who should you be able to call?")
    labels = [(c.label_fr, c.label_en, c.exclusive) for c in question.choices.all()]
    assert labels == [("", "A youth worker", False), ("Parent", "A parent", False), ("", "Nobody", True)]
    page = organiser_client.get(url, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<span lang="en">A youth worker</span>' in page and '<span lang="fr"></span>' not in page


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_question_with_no_text_is_refused_and_its_choices_are_kept(organiser_client, language):
    consultation = Consultation.objects.create(slug="london", title_en="Youth policing")
    response = organiser_client.post(
        reverse("consultation:questions", args=[consultation.slug]),
        {"kind": "single", "text_fr": "", "text_en": "", "choices": "| Yes\n| No"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    page = _text(response.content.decode())
    expected = {
        "fr": "Écrivez la question : en français, en anglais ou dans les deux langues.",
        "en": "Write the question: in French, in English or in both.",
    }[language]
    assert expected in page and "| Yes\n| No" in page
    assert not consultation.questions.exists()


def test_a_charter_may_be_written_in_english_only_and_not_in_neither(organiser_client):
    consultation = Consultation.objects.create(slug="london", title_en="Youth policing")
    url = reverse("consultation:charter", args=[consultation.slug])
    refused = organiser_client.post(url, {"text_fr": "", "text_en": ""}, HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 400
    assert "Write the charter: in French, in English or in both." in _text(refused.content.decode())
    assert organiser_client.post(url, {"text_fr": "", "text_en": "Be kind."}).status_code == 302
    consultation.refresh_from_db()
    assert consultation.charter_version == 2


def test_the_database_refuses_a_consultation_with_no_title_at_all():
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Consultation.objects.create(slug="nothing", title_fr="", title_en="")
