"""Authors hear by e-mail when moderation publishes or hides their proposal, in the language they wrote in."""

import time

import pytest
from django.core import mail
from django.urls import reverse

from consultation import services
from consultation.models import Proposal
from tests.helpers import make_consultation


@pytest.fixture
def pre_moderated(db):
    return make_consultation(slug="pre", moderation="pre")


def _propose(client, consultation, user, text, language):
    """Write a proposal on the site's page in `language` (draft, then confirmation)."""
    services.accept_charter(user=user, consultation=consultation)
    client.force_login(user)
    client.cookies["django_language"] = language
    address = reverse("consultation:propose", args=[consultation.slug])
    client.post(address, {"text": text}, HTTP_ACCEPT_LANGUAGE=language)
    client.post(address, {"text": text, "step": "confirm"}, HTTP_ACCEPT_LANGUAGE=language)
    return Proposal.objects.get(text=text)


def _moderate(client, moderator, proposal, decision, reason=""):
    client.force_login(moderator)
    client.cookies["django_language"] = "fr"
    prefix = f"p{proposal.pk}"
    return client.post(
        reverse("consultation:moderate", args=[proposal.pk]),
        {f"{prefix}-decision": decision, f"{prefix}-reason": reason},
    )


def test_the_author_is_told_when_their_proposal_is_published_then_hidden(
    client, pre_moderated, citizen, moderator, django_capture_on_commit_callbacks, eager_celery
):
    proposal = _propose(client, pre_moderated, citizen, "Un registre des refus en ligne", "fr")
    assert proposal.status == "pending" and proposal.language == "fr"
    assert mail.outbox == []  # nothing to say yet

    with django_capture_on_commit_callbacks(execute=True):
        _moderate(client, moderator, proposal, "approve")
    (published,) = mail.outbox
    assert published.to == [citizen.email]
    assert published.subject == "Votre proposition est publiée — Consultation test"
    assert "Un registre des refus en ligne" in published.body
    assert f"/consultations/pre/propositions/#proposal-{proposal.pk}" in published.body

    with django_capture_on_commit_callbacks(execute=True):
        _moderate(client, moderator, proposal, "hide", "Hors sujet : <b>publicité</b>")
    hidden = mail.outbox[1]
    assert hidden.subject == "Votre proposition a été masquée — Consultation test"
    assert "Hors sujet : <b>publicité</b>" in hidden.body  # plain text: nothing escaped
    assert "/consultations/mes-contributions/" in hidden.body

    with django_capture_on_commit_callbacks(execute=True):
        _moderate(client, moderator, proposal, "hide", "Autre raison")  # already hidden: no news
    assert len(mail.outbox) == 2
    with django_capture_on_commit_callbacks(execute=True):  # published, then hidden before the worker ran
        _moderate(client, moderator, proposal, "approve")
        _moderate(client, moderator, proposal, "hide", "Finalement hors sujet")
    assert len(mail.outbox) == 3 and "Finalement hors sujet" in mail.outbox[2].body  # only the outcome


def test_the_notice_is_in_the_language_the_author_wrote_in(
    client, pre_moderated, citizen, moderator, django_capture_on_commit_callbacks, eager_celery
):
    proposal = _propose(client, pre_moderated, citizen, "An online opt-out registry", "en")
    with django_capture_on_commit_callbacks(execute=True):
        _moderate(client, moderator, proposal, "hide", "Off topic")
    (notice,) = mail.outbox
    assert notice.subject == "Your proposal was hidden — Test consultation"
    assert "A moderator hid your proposal" in notice.body and "Off topic" in notice.body


def test_nobody_is_written_to_for_dismissed_reports_or_imported_proposals(
    consultation, member, moderator, django_capture_on_commit_callbacks, eager_celery
):
    visible = services.submit_proposal(user=member, consultation=consultation, text="Informer chaque patient")
    imported = Proposal.objects.create(consultation=consultation, text="Registre papier", author_key="import")
    with django_capture_on_commit_callbacks(execute=True):
        services.moderate(actor=moderator, proposal=visible, decision="approve")  # reports dismissed
        services.moderate(actor=moderator, proposal=imported, decision="hide", reason="Doublon")
    assert mail.outbox == []


def test_a_citizen_turns_the_notices_off_and_on_from_their_account(
    client, pre_moderated, citizen, moderator, django_capture_on_commit_callbacks, eager_celery
):
    proposal = _propose(client, pre_moderated, citizen, "Un registre des refus en ligne", "fr")
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "M’écrire sur ce que deviennent mes contributions" in page
    assert 'name="email_notices" id="id_email_notices" checked' in page  # on by default
    response = client.post(reverse("accounts:email_notices"), {})  # the box unticked
    assert response.status_code == 302
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert 'id="id_email_notices">' in page and "Votre choix pour les courriels a été enregistré." in page
    with django_capture_on_commit_callbacks(execute=True):
        _moderate(client, moderator, proposal, "approve")
    assert mail.outbox == []

    client.force_login(citizen)
    client.post(reverse("accounts:email_notices"), {"email_notices": "on"})
    with django_capture_on_commit_callbacks(execute=True):
        _moderate(client, moderator, proposal, "hide", "Hors sujet")
    (notice,) = mail.outbox
    assert "/compte/" in notice.body  # where to turn them off again


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_sends_the_notice(celery_worker_process, moderator):
    """The task goes through Redis to a worker process, which writes the e-mail with the development
    backend (the console, i.e. the worker's log)."""
    from tests.conftest import ROOT
    from tests.factories import UserFactory

    consultation = make_consultation(slug="notice-worker", moderation="pre")
    author = UserFactory(roles=["citizen"])
    services.accept_charter(user=author, consultation=consultation)
    proposal = services.submit_proposal(
        user=author, consultation=consultation, text="Informer chaque patient", language="en"
    )
    services.moderate(actor=moderator, proposal=proposal, decision="hide", reason="Duplicate")
    log = ROOT / "var" / "test-celery-worker.log"
    deadline = time.monotonic() + 60
    while f"To: {author.email}" not in log.read_text(errors="replace") and time.monotonic() < deadline:
        time.sleep(0.2)
    sent = log.read_text(errors="replace").split(f"To: {author.email}", 1)[-1]
    assert "A moderator hid your proposal" in sent and "Duplicate" in sent
