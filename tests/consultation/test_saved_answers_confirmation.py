"""Saving the questionnaire (sent from far down the consultation page) comes back at the confirmation,
not at the questionnaire again with "answers saved" out of sight above it: the page opens at the
messages block, which takes the focus so that a screen reader reads it."""

import pytest
from django.urls import reverse

from tests.consultation.test_take_back_answers import (  # noqa: F401 (fixtures)
    _choice,
    _page,
    _questions,
    _sent_by_browser,
    consultation,
    member,
)
from tests.html_parts import elements

pytestmark = pytest.mark.django_db


def test_saving_answers_opens_the_page_at_the_confirmation(client, member, consultation):  # noqa: F811
    q = _questions(consultation)
    data = _sent_by_browser(_page(client, consultation))
    data[f"q{q['single'].pk}"] = [_choice(q["single"], "Yes")]
    response = client.post(reverse("consultation:answer", args=[consultation.slug]), data)

    assert response.status_code == 302
    path, fragment = response["Location"].split("#")
    assert fragment == "messages"
    page = client.get(path).content.decode()
    target = next(e for e in elements(page) if e["attrs"].get("id") == fragment)
    assert target["attrs"]["tabindex"] == "-1" and target["attrs"]["role"] == "status"
    assert target["text"].startswith("1 réponse enregistrée.")
