"""A facilitator's or organiser's form that fails comes back as it was sent: what was typed is still in
the fields, each error is under its field (DSFR error styling), nothing is saved, and no banner."""

from html import unescape

from django.urls import reverse

from deliberation import services
from deliberation.models import AgendaItem, Amendment, Recommendation, Session
from tests.conftest import with_totp

from .conftest import messages_of, seat


def _page(response) -> str:
    assert response.status_code == 200
    return unescape(response.content.decode())


def test_a_session_with_a_bad_date_keeps_what_was_typed(client, facilitator, panel):
    client.force_login(with_totp(facilitator))
    response = client.post(
        reverse("deliberation:schedule_session", args=[panel.pk]),
        {"title": "Audition des experts", "starts_at": "31/02/2027 25:00", "place": "Salle Condorcet, Lyon"},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    page = _page(response)
    assert messages_of(response) == []
    assert 'value="Audition des experts"' in page and 'value="Salle Condorcet, Lyon"' in page
    assert "Saisissez une date et une heure valides." in page and "fr-input-group--error" in page
    assert not Session.objects.filter(title="Audition des experts").exists()


def test_a_draft_without_title_keeps_its_long_text(client, facilitator, panel, session):
    long_text = "Un registre national des refus, accessible en ligne et au guichet. " * 20
    client.force_login(with_totp(facilitator))
    response = client.post(
        reverse("deliberation:create_recommendation", args=[panel.pk]),
        {"title": "", "text": long_text, "rationale": "Simplicité", "session": session.pk},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    page = _page(response)
    assert messages_of(response) == []
    assert long_text.strip() in page and "Simplicité" in page
    assert "Ce champ est obligatoire." in page and "Titre:" not in page
    assert f'<option value="{session.pk}" selected>' in page
    assert not Recommendation.objects.exists()


def test_a_document_without_file_keeps_its_title(client, facilitator, panel):
    client.force_login(with_totp(facilitator))
    response = client.post(
        reverse("deliberation:upload_document", args=[panel.pk]),
        {"title": "Rapport du CCNE", "description": "Avis 143"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = _page(response)
    assert 'value="Rapport du CCNE"' in page and "Avis 143" in page and "This field is required." in page


def test_console_forms_keep_their_input(client, facilitator, session):
    client.force_login(with_totp(facilitator))
    response = client.post(
        reverse("deliberation:add_agenda_item", args=[session.pk]),
        {"title": "Tour de table", "kind": "plenary", "duration_minutes": "0"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = _page(response)
    assert 'value="Tour de table"' in page and "greater than or equal to 1" in page
    assert not AgendaItem.objects.exists()


def test_an_amendment_decision_keeps_the_reason(client, facilitator, panel, recommendation):
    member = seat(panel)
    amendment = services.propose_amendment(
        user=member.volunteer.user, recommendation=recommendation, text="Un registre papier aussi."
    )
    client.force_login(with_totp(facilitator))
    response = client.post(
        reverse("deliberation:decide_amendment", args=[amendment.pk]),
        {"reason": "Déjà prévu par le texte."},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    page = _page(response)
    assert "Déjà prévu par le texte." in page and "This field is required." in page
    assert Amendment.objects.get().status == Amendment.Status.PROPOSED


def test_an_error_is_a_message_only_when_the_form_is_gone(client, facilitator, panel, recommendation):
    """An error stays next to its form while the page still offers the form; once the form is gone (the
    vote opened meanwhile), the refusal is a message on the page."""
    client.force_login(with_totp(facilitator))
    url = reverse("deliberation:open_vote", args=[recommendation.pk])
    response = client.post(url, {"session": "999999"}, HTTP_ACCEPT_LANGUAGE="en")
    page = _page(response)
    assert "Select a valid choice" in page and messages_of(response) == []
    services.open_vote(actor=facilitator, recommendation=recommendation, session=recommendation.session)
    again = client.post(url, {"session": recommendation.session_id}, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 200 and len(messages_of(again)) == 1  # the form is gone: said as a message


def test_quotas_with_a_bad_line_keep_the_text_typed(client, organiser, panel):
    client.force_login(with_totp(organiser))
    typed = "gender, female, 1, 2\ngender, male, un, 2"
    response = client.post(
        reverse("deliberation:save_quotas", args=[panel.pk]), {"quotas": typed}, HTTP_ACCEPT_LANGUAGE="en"
    )
    page = _page(response)
    assert typed in page and "Line 2: write category, value, minimum, maximum." in page
    assert messages_of(response) == [] and not panel.quotas.exists()
