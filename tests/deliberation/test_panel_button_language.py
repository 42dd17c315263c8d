"""On a consultation's page, the button to its citizen panel quotes the panel's title in the language the
title is written in (``Panel.language``): an English title on the French page is read with an English
voice, and the sentence around it in the page's (WCAG 3.1.2, RGAA 8.7). The rule is
``consultation.languages.in_its_language``, applied by ``deliberation.links``."""

import pytest
from django.urls import reverse

from deliberation import services
from deliberation.models import Panel
from tests import helpers
from tests.html_parts import elements, language_of_text

pytestmark = pytest.mark.django_db


def _page_with_panel(client, organiser, *, title: str, panel_language: str, page_language: str) -> str:
    consultation = helpers.make_consultation("don", title_fr="Don de données", title_en="Data donation")
    panel = services.create_panel(
        actor=organiser, title=title, size=30, consultation=consultation, language=panel_language
    )
    Panel.objects.filter(pk=panel.pk).update(status=Panel.Status.RECRUITING)
    client.cookies["django_language"] = page_language
    return client.get(reverse("consultation:detail", args=[consultation.slug])).content.decode()


def _button(page: str, title: str) -> dict:
    return next(e for e in elements(page) if e["tag"] == "a" and title in e["text"])


@pytest.mark.parametrize(
    "page_language,panel_language,title,sentence",
    [
        ("fr", "en", "Health-data assembly", "Panel citoyen"),
        ("en", "fr", "Assises du don de données", "Citizen panel"),
        ("fr", "fr", "Assises du don de données", "Panel citoyen"),
        ("en", "en", "Health-data assembly", "Citizen panel"),
    ],
)
def test_the_panel_button_reads_the_title_in_its_language(
    client, organiser, page_language, panel_language, title, sentence
):
    page = _page_with_panel(
        client, organiser, title=title, panel_language=panel_language, page_language=page_language
    )

    button = _button(page, title)
    assert button["text"].startswith(sentence)
    assert language_of_text(page, title) == panel_language  # the title, in the button
    assert language_of_text(page, sentence) == page_language  # the words around it: the page's


def test_a_title_of_unknown_language_is_read_in_the_pages(client, organiser):
    page = _page_with_panel(client, organiser, title="Assises", panel_language="", page_language="en")

    assert language_of_text(page, "Assises") == "en"
