"""Date fields on French pages show their date. The browser's date picker reads only ISO values
(2027-01-15); Django wrote the French format (15/01/2027), which the browser drops: a French organiser
saw an empty opening date on the settings page, and saving the settings as shown erased it; the
decision-maker's answer came up without today's date."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from consultation.answer_forms import AnswerForm, MilestoneChangeForm, MilestoneDoneForm
from tests.conftest import with_totp
from tests.helpers import make_consultation

pytestmark = pytest.mark.django_db

JAN_15 = dt.date(2030, 1, 15)


def _value(html: str, name: str) -> str:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*>', html).group(0)
    match = re.search(r'value="([^"]*)"', tag)
    return match.group(1) if match else ""


def _settings_form(html: str) -> dict:
    """The settings form's fields as the page shows them, as a browser would send them back."""
    form = {name: _value(html, name) for name in ("title_fr", "title_en", "starts_on", "closes_at")}
    form.update(
        moderation="post", proposals_allowed="on", max_proposal_length=_value(html, "max_proposal_length")
    )
    return form


def test_the_settings_page_in_french_shows_the_opening_date_and_keeps_it(client, organiser):
    consultation = make_consultation(phase="draft", starts_on=JAN_15)
    client.force_login(with_totp(organiser))
    address = reverse("consultation:manage", args=[consultation.slug])
    page = client.get(address, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert '<html lang="fr"' in page
    assert _value(page, "starts_on") == "2030-01-15"
    response = client.post(address, _settings_form(page), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.starts_on == JAN_15


class _Milestone:
    pk, title, due_on = 7, "Décret publié", JAN_15


@pytest.mark.parametrize("language", ["fr", "en"])
def test_answer_and_milestone_dates_are_written_as_the_browser_reads_them(language):
    with translation.override(language):
        answer = AnswerForm(initial={"implementation_deadline": JAN_15}).as_div()
        changed = MilestoneChangeForm(milestone=_Milestone(), initial={"due_on": JAN_15}).as_div()
        done = MilestoneDoneForm(milestone=_Milestone(), initial={"done_on": JAN_15}).as_div()

    assert _value(answer, "answered_on") == timezone.localdate().isoformat()
    assert _value(answer, "implementation_deadline") == "2030-01-15"
    assert 'value="2030-01-15"' in changed
    assert 'value="2030-01-15"' in done
