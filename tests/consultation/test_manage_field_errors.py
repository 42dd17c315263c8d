"""A service's refusal of one value on the organisers' manage page is shown under that field, as DSFR asks
(the input marked aria-invalid and described by the error), not at the top of the form: a screen reader
reads it on the field to correct, and the sighted organiser sees which field it is about."""

import html

import pytest
from django.urls import reverse

from consultation.models import Consultation
from tests.conftest import with_totp
from tests.helpers import make_consultation
from tests.html_parts import elements

FORM = {"title_fr": "Consultation test", "moderation": "post", "max_proposal_length": "1000"}
PAST = {
    "fr": "La date et l’heure de clôture (1 mars 2020\u00a0à\u00a012:00) sont passées",
    "en": "The closing date and time (1 March 2020 at 12:00) has passed",
}


def _field_and_its_descriptions(page: str, input_id: str) -> tuple[dict, list[str]]:
    parts = elements(page)
    field = next(e for e in parts if e["tag"] == "input" and e["attrs"].get("id") == input_id)
    by_id = {e["attrs"]["id"]: e["text"] for e in parts if e["attrs"].get("id")}
    described_by = (field["attrs"].get("aria-describedby") or "").split()
    assert all(i in by_id for i in described_by), "aria-describedby names an element absent from the page"
    return field["attrs"], [html.unescape(by_id[i]) for i in described_by]


def _non_field_errors(page: str) -> str:
    """What the form says at its top: every text of the main content outside the fields' own groups."""
    main = next(e for e in elements(page) if e["tag"] == "main")
    groups = [e for e in elements(page) if "fr-input-group" in e["attrs"].get("class", "")]
    text = main["text"]
    for group in groups:
        text = text.replace(group["text"], "")
    return html.unescape(text)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_past_closing_time_is_refused_under_the_closing_date_field(client, organiser, language):
    consultation = make_consultation(phase="draft")
    client.force_login(with_totp(organiser))
    response = client.post(
        reverse("consultation:manage", args=[consultation.slug]),
        {**FORM, "closes_at": "2020-03-01T12:00"},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    page = response.content.decode()
    attrs, descriptions = _field_and_its_descriptions(page, "id_closes_at")
    assert attrs.get("aria-invalid") == "true"
    assert any(PAST[language] in d for d in descriptions), descriptions
    assert attrs.get("value") == "2020-03-01T12:00"  # what was typed is kept, to be corrected
    assert PAST[language] not in _non_field_errors(page)  # said once, on its field
    title, _ = _field_and_its_descriptions(page, "id_title_fr")
    assert "aria-invalid" not in title  # only the field refused is marked
    consultation.refresh_from_db()
    assert consultation.closes_at is None


def test_a_short_name_already_taken_is_refused_under_its_field(client, organiser):
    make_consultation(slug="deja-prise", phase="draft")
    client.force_login(with_totp(organiser))
    response = client.post(
        reverse("consultation:create"),
        {**FORM, "slug": "deja-prise"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    attrs, descriptions = _field_and_its_descriptions(response.content.decode(), "id_slug")
    assert attrs.get("aria-invalid") == "true"
    assert any("A consultation already uses the short name “deja-prise”." in d for d in descriptions)
    assert Consultation.objects.filter(slug="deja-prise").count() == 1
