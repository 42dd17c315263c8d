"""A closing time the organiser cannot set is refused under the closing time field, marked in error, with a
summary at the top of the settings form that links to it. Before, the refusal sat above the whole form
while the field, far below, looked fine and kept no mark."""

import html
import re

import pytest
from django.urls import reverse

from tests.conftest import with_totp
from tests.helpers import make_consultation

pytestmark = pytest.mark.django_db

FORM = {"title_fr": "Consultation test", "moderation": "post", "max_proposal_length": "1000"}


def _closing_group(page: str) -> str:
    """The closing time field's group: from its opening <div> to the next field's label."""
    start = page.rindex("<div", 0, page.index('for="id_closes_at"'))
    return page[start : page.index('for="id_moderation', start)]


@pytest.mark.parametrize(
    ("posted", "message"),
    [
        (
            {"closes_at": "2020-03-01T12:00"},
            "La date et l’heure de clôture (1 mars 2020 à 12:00) sont passées",
        ),
        (
            {"starts_on": "2030-02-01", "closes_at": "2030-01-15T23:59"},
            "La date de clôture doit suivre la date d’ouverture.",
        ),
    ],
)
def test_a_refused_closing_time_is_said_under_its_field(client, organiser, posted, message):
    consultation = make_consultation(phase="draft")
    client.force_login(with_totp(organiser))
    response = client.post(
        reverse("consultation:manage", args=[consultation.slug]),
        {**FORM, **posted},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    page = html.unescape(response.content.decode()).replace("\xa0", " ")
    group = _closing_group(page)
    assert "fr-input-group--error" in group
    assert message in group
    # Under the field, and in the site's error summary at the top, as a link to the field.
    assert page.count(message) == 2
    summary = re.search(r'<section[^>]*id="error-summary".*?</section>', page, re.S).group(0)
    assert "Le formulaire contient 1 erreur" in summary
    assert '<a href="#id_closes_at">Date et heure de clôture : ' + message in summary
    consultation.refresh_from_db()
    assert consultation.closes_at is None


def test_a_form_that_saves_shows_no_summary(client, organiser):
    consultation = make_consultation(phase="draft")
    client.force_login(with_totp(organiser))
    address = reverse("consultation:manage", args=[consultation.slug])
    response = client.post(address, {**FORM, "closes_at": "2030-01-15T23:59"}, follow=True)
    assert response.status_code == 200
    assert 'id="settings-errors"' not in response.content.decode()
