"""Organisers edit a consultation's charter: a changed text is a new version that everyone accepts again
before their next contribution (the consent cache is keyed by version, on PostgreSQL + Redis here)."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from accounts import cached
from accounts.models import AuditEvent, ConsentRecord
from consultation import selectors, services
from consultation.models import Answer, Consultation, Proposal, Vote
from tests.conftest import with_totp
from tests.factories import UserFactory
from tests.helpers import make_consultation

pytestmark = pytest.mark.django_db

NEW_FR = "1. Respect. Je débats sans attaque personnelle.\n2. Sobriété. Je reste bref."
NEW_EN = "1. Respect. I debate without personal attacks.\n2. Sobriety. I keep it short."


def url(name, *args):
    return reverse(f"consultation:{name}", args=args)


def vote(client, consultation, proposal, value="agree"):
    return client.post(
        url("vote", consultation.slug, proposal.pk), {"value": value}, HTTP_ACCEPT="application/json"
    )


@pytest.fixture
def proposals(consultation):
    author = UserFactory()
    services.accept_charter(user=author, consultation=consultation)
    return [
        services.submit_proposal(user=author, consultation=consultation, text=text)
        for text in ("Héberger les données en Europe.", "Informer chaque patient.")
    ]


def test_organiser_edits_the_charter_and_the_citizen_accepts_it_again_before_voting(
    client, organiser, member, consultation, proposals
):
    first, second = proposals
    client.force_login(member)
    assert vote(client, consultation, first).status_code == 200  # accepted v1: the acceptance is cached

    with_totp(organiser)
    organiser_page = client.__class__()
    organiser_page.force_login(organiser)
    form = organiser_page.get(url("charter", consultation.slug))
    assert form.status_code == 200
    assert "Compréhension et maîtrise" in form.context["form"]["text_fr"].value()  # the default principles
    response = organiser_page.post(url("charter", consultation.slug), {"text_fr": NEW_FR, "text_en": NEW_EN})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.charter_version == 2
    event = AuditEvent.objects.get(action="consultation.charter_changed")
    assert event.details == {"from": 1, "to": 2} and event.actor_id == organiser.pk

    # The citizen is asked again: the next vote is refused with a clear message, the earlier one is kept.
    refused = vote(client, consultation, second)
    assert refused.status_code == 403 and "charte" in refused.json()["detail"].lower()
    assert list(Vote.objects.values_list("proposal_id", flat=True)) == [first.pk]
    single = consultation.questions.first()
    client.post(url("answer", consultation.slug), {f"q{single.pk}": single.choices.first().pk})
    assert not Answer.objects.exists()
    page = client.get(url("detail", consultation.slug)).content.decode()
    assert "Je débats sans attaque personnelle." in page and "Compréhension et maîtrise" not in page
    assert "La charte a changé depuis que vous l’avez acceptée" in page
    assert 'name="version" value="2"' in page  # the form carries the version read

    client.post(url("accept_charter", consultation.slug), {"accept": "on", "version": "2"})
    assert vote(client, consultation, second).status_code == 200
    assert Vote.objects.filter(user=member).count() == 2
    assert ConsentRecord.objects.filter(
        user=member, purpose="charter", version="test-consultation:v2"
    ).exists()

    client.cookies["django_language"] = "en"
    english = client.get(url("detail", consultation.slug), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "I debate without personal attacks." in english and "You have accepted the charter" in english


def test_an_acceptance_of_the_version_read_before_a_change_is_not_recorded(client, citizen, consultation):
    services.update_charter(actor=None, consultation=consultation, text_fr=NEW_FR)
    client.force_login(citizen)
    response = client.post(url("accept_charter", consultation.slug), {"accept": "on", "version": "1"})
    assert response.status_code == 409
    assert not ConsentRecord.objects.filter(user=citizen, purpose="charter").exists()
    # The page again, with the new text, the message under an unticked checkbox and the version now current.
    form = response.context["charter_form"]
    assert "La charte vient de changer" in form.errors["accept"][0]
    page = response.content.decode()
    assert "Je débats sans attaque personnelle." in page
    assert 'name="accept"' in page and "checked" not in page.split('name="accept"')[1].split(">")[0]
    assert form["version"].value() == 2


def test_the_cached_acceptance_of_an_old_version_never_lets_a_vote_through(
    member, consultation, proposals, organiser
):
    """Service level, with the consent cache filled for v1 (Redis under `make test`)."""
    services.cast_vote(user=member, proposal=proposals[0], value="agree")
    assert selectors.has_accepted_charter(member, consultation)  # from the cache now
    services.update_charter(actor=organiser, consultation=consultation, text_fr=NEW_FR, text_en=NEW_EN)
    proposal = Proposal.objects.select_related("consultation").get(pk=proposals[1].pk)
    with pytest.raises(services.CharterRequired) as refused:
        services.cast_vote(user=member, proposal=proposal, value="agree")
    assert "changed" in str(refused.value) or "changé" in str(refused.value)
    services.accept_charter(user=member, consultation=proposal.consultation)
    assert services.cast_vote(user=member, proposal=proposal, value="disagree").previous is None
    proposal.refresh_from_db()
    assert (proposal.agree_count, proposal.disagree_count) == (0, 1)


@pytest.mark.parametrize("fast", [True, False], ids=["fast path", "full path"])
def test_a_withdrawn_acceptance_stops_the_next_vote_of_a_signed_in_citizen(
    client, member, consultation, proposals, settings, fast
):
    """The signed-in user is cached with their consent decisions (accounts/backends.py): a decision
    recorded elsewhere (another device, an administrator) counts from the next request. The vote's fast
    path reads the decisions in its SQL statement (docs/decisions/0019): the same from the next vote."""
    settings.PACTE_FAST_VOTE = fast
    client.force_login(member)
    cache.delete(cached.user_key(member.pk))  # the sign-in's short-lived tombstone, as if it had expired
    assert vote(client, consultation, proposals[0]).status_code == 200  # fills the entry, acceptance in
    if not fast:  # the fast path reads no cached user
        assert cache.get(cached.user_key(member.pk))._pacte_consents
    assert vote(client, consultation, proposals[0], "pass").status_code == 200
    from accounts.services import record_consent

    record_consent(
        user=UserFactory._meta.model.objects.get(pk=member.pk),
        purpose=ConsentRecord.Purpose.CHARTER,
        version=consultation.charter_consent_version,
        granted=False,
    )
    refused = vote(client, consultation, proposals[1])
    assert refused.status_code == 403 and "charte" in refused.json()["detail"].lower()
    assert not Vote.objects.filter(user=member, proposal=proposals[1]).exists()


def test_an_unchanged_text_makes_no_new_version(organiser, consultation):
    assert services.update_charter(actor=organiser, consultation=consultation, text_fr=NEW_FR)
    assert not services.update_charter(actor=organiser, consultation=consultation, text_fr=NEW_FR + "\n  ")
    consultation.refresh_from_db()
    assert consultation.charter_version == 2
    assert AuditEvent.objects.filter(action="consultation.charter_changed").count() == 1


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_empty_text_is_a_clear_error_and_saves_nothing(organiser_client, consultation, language):
    organiser_client.cookies["django_language"] = language
    response = organiser_client.post(
        url("charter", consultation.slug),
        {"text_fr": "   ", "text_en": ""},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    assert response.status_code == 400
    # Either language is enough (an English-only consultation has an English-only charter): none is not.
    expected = {
        "fr": "Écrivez la charte\u00a0: en français, en anglais ou dans les deux langues.",
        "en": "Write the charter: in French, in English or in both.",
    }
    assert expected[language] in response.content.decode()
    assert Consultation.objects.get(pk=consultation.pk).charter_version == 1


def test_only_organisers_edit_the_charter(client, consultation, citizen, moderator):
    for person in (citizen, moderator):
        client.force_login(person)
        assert client.get(url("charter", consultation.slug)).status_code == 403
        assert client.post(url("charter", consultation.slug), {"text_fr": NEW_FR}).status_code == 403
    client.logout()
    assert client.post(url("charter", consultation.slug), {"text_fr": NEW_FR}).status_code == 302  # to login
    with pytest.raises(services.NotAllowed):
        services.update_charter(actor=citizen, consultation=consultation, text_fr=NEW_FR)
    assert Consultation.objects.get(pk=consultation.pk).charter_version == 1


def test_the_charter_cannot_change_after_closure(organiser_client, db):
    closed = make_consultation(phase="closed", slug="fermee")
    page = organiser_client.get(url("charter", closed.slug))
    assert page.status_code == 200 and "disabled" in page.content.decode()
    response = organiser_client.post(url("charter", closed.slug), {"text_fr": NEW_FR})
    assert response.status_code == 403
    assert "ne peut être modifiée que" in response.content.decode()
    assert Consultation.objects.get(pk=closed.pk).charter_version == 1


def test_vote_buttons_appear_only_once_the_charter_is_accepted(client, citizen, consultation, proposals):
    """Before, the buttons sat under "To vote, first accept the charter" and every click was refused."""
    client.force_login(citizen)
    pages = [url("proposals", consultation.slug), url("proposal", consultation.slug, proposals[0].pk)]
    vote_address = url("vote", consultation.slug, proposals[0].pk)
    for page in pages:
        html = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "To vote, first accept the charter" in html and vote_address not in html, page
    services.accept_charter(user=citizen, consultation=consultation)
    for page in pages:
        html = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
        assert "To vote, first accept the charter" not in html and vote_address in html, page
