""" "My contributions" gives each answer to the questionnaire as a question, the answer, then what became
of it, one below the other: a three-column table cut its last column, "what became of it", on a phone."""

import html

import pytest
from django.urls import reverse

from consultation import services
from consultation.models import Question
from tests.helpers import make_consultation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("language", "mine"), [("fr", "Ma réponse\u00a0:"), ("en", "My answer:")])
def test_each_answer_reads_question_answer_then_what_became_of_it(client, citizen, language, mine):
    consultation = make_consultation()
    services.accept_charter(user=citizen, consultation=consultation)
    single = consultation.questions.get(kind=Question.Kind.SINGLE)
    choice = single.choices.first()
    services.save_answers(user=citizen, consultation=consultation, answers={single.pk: [choice.pk]})
    client.force_login(citizen)
    client.cookies["django_language"] = language
    page = html.unescape(client.get(reverse("consultation:mine")).content.decode())
    answers = page[page.index(single.text) - 200 :]
    answers = answers[: answers.index("</li>")]
    assert "<table" not in answers and "<h4" in answers
    assert answers.index(single.text) < answers.index(mine) < answers.index(choice.label)
    counted = {
        "fr": "Comptée dans les résultats de la question.",
        "en": "Counted in the results of the question.",
    }
    assert counted[language] in answers
