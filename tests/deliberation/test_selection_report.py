"""The public report of a draw names each recorded step in the reader's language, not by its audit code."""

import re
from html import unescape

import pytest
from django.urls import reverse

STEPS = {
    "en": ("Draw started", "Panel drawn and seated", "system"),
    "fr": ("Tirage lancé", "Panel tiré au sort et installé", "système"),
}


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_audit_trail_is_worded_in_the_readers_language(client, drawn, organiser, language):
    html = client.get(
        reverse("deliberation:selection_report", args=[drawn.pk]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    trail = unescape(html[html.index("<caption>", html.index('id="audit-trail"')) :])
    rows = [re.sub(r"<[^>]+>", "|", row) for row in re.findall(r"<tr>(.*?)</tr>", trail, flags=re.S)][1:]
    started, drawn_step, system = STEPS[language]
    assert started in rows[0] and organiser.pseudonym in rows[0]
    assert drawn_step in rows[1] and f"|{system}|" in rows[1]
    assert "selection." not in trail
