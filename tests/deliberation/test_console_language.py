"""The facilitators' session console marks the session's and the agenda items' titles with the panel's
language, as the panel's other pages do (WCAG 3.1.2): on the English interface the demo's console read
"Console: Séance 3 : amendements et votes" and its agenda ("Relecture des amendements") with an English
voice (seen by tester3). The console's own words stay in the page's language."""

import pytest
from django.urls import reverse

from deliberation import services
from deliberation.models import Panel
from tests.conftest import with_totp
from tests.html_parts import language_of_text

pytestmark = pytest.mark.django_db


def _body(page: str) -> str:
    return '<html lang="en">' + page[page.index("<body") :]


def test_the_english_console_marks_a_french_sessions_titles(client, facilitator, panel, session):
    Panel.objects.filter(pk=panel.pk).update(language="fr")
    for title in ("Relecture des amendements", "Vote des recommandations"):
        services.add_agenda_item(
            actor=facilitator, session=session, title=title, kind="plenary", duration_minutes=30
        )
    client.force_login(with_totp(facilitator))
    client.cookies["django_language"] = "en"
    page = _body(client.get(reverse("deliberation:console", args=[session.pk])).content.decode())
    assert (
        language_of_text(page, "Séance 1") == "fr"
    )  # the heading "Console: <span lang="fr">Séance 1</span>"
    assert language_of_text(page, "Console:") == "en"
    assert language_of_text(page, "Relecture des amendements") == "fr"  # its row, its Edit, Move, Remove
    assert language_of_text(page, "Vote des recommandations") == "fr"
