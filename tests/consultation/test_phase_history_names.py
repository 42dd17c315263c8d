"""The manage page's phase history names each phase in the organiser's language, not by its code."""

import pytest
from django.urls import reverse

from tests.conftest import with_totp
from tests.helpers import make_consultation
from tests.html_parts import elements


@pytest.mark.parametrize(
    ("language", "draft", "opened"), [("fr", "Brouillon", "Ouverte"), ("en", "Draft", "Open")]
)
def test_the_phase_history_names_the_phases(client, organiser, language, draft, opened):
    consultation = make_consultation(phase="open")
    client.force_login(with_totp(organiser))
    page = client.get(
        reverse("consultation:manage", args=[consultation.slug]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    rows = [e["text"] for e in elements(page) if e["tag"] == "tr"]
    history = [row for row in rows if draft in row and opened in row]
    assert history, rows
    assert not any(">draft<" in row or " draft " in f" {row} " for row in rows)
