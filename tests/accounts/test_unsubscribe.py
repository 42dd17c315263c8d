"""The unsubscribe link of the digest works without signing in: a GET asks to confirm (mail scanners follow
links), a POST unsubscribes; an altered link, one made for another purpose, or one whose account is gone
is refused with a page that says why."""

import pytest
from django.core import signing
from django.urls import reverse

from accounts.models import AuditEvent, NoticePreference
from accounts.notification_preferences import (
    UNSUBSCRIBE_SALT,
    digest_frequency,
    set_preference,
    unsubscribe_token,
)
from accounts.services import erase_account
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _link(user) -> str:
    return reverse("accounts:unsubscribe", args=[unsubscribe_token(user)])


def test_the_link_asks_to_confirm_then_unsubscribes_without_signing_in(client, citizen):
    client.cookies["django_language"] = "en"
    page = client.get(_link(citizen))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Stop the e-mails telling" in text and "Unsubscribe" in text
    assert citizen.email not in text  # whoever holds the link does not learn the address
    assert citizen.email[0] + "•••@example.org" in text
    assert digest_frequency(citizen) == "weekly"  # a GET (a mail scanner) changes nothing

    done = client.post(_link(citizen))
    assert done.status_code == 200
    assert "You are unsubscribed" in done.content.decode()
    assert NoticePreference.objects.get(user=citizen).digest == "none"
    assert AuditEvent.objects.filter(action="account.digest_unsubscribed", actor_id=citizen.pk).count() == 1
    # Again: nothing changes, the page says it is already off.
    assert "already off" in client.get(_link(citizen)).content.decode()


def test_the_page_is_in_french_by_default(client, citizen):
    text = client.get(_link(citizen)).content.decode()
    assert "Me désabonner" in text


def test_a_signed_in_person_following_someone_elses_link_changes_only_that_account(client, citizen):
    other = UserFactory(roles=["citizen"])
    set_preference(user=citizen, digest="immediate", language="")
    client.force_login(citizen)
    client.post(_link(other))
    assert digest_frequency(other) == "none"
    assert digest_frequency(citizen) == "immediate"  # the signed-in account is untouched


def test_an_altered_link_is_refused_with_a_clear_page(client, citizen):
    other = UserFactory(roles=["citizen"])
    token = unsubscribe_token(citizen)
    payload, rest = token.split(":", 1)
    forged_payload = signing.b64_encode(f'{{"u":{other.pk},"a":"0"}}'.encode()).decode()
    client.cookies["django_language"] = "en"
    for bad in (forged_payload + ":" + rest, token[:-3] + "abc", "nimporte-quoi"):
        for method in (client.get, client.post):
            response = method(reverse("accounts:unsubscribe", args=[bad]))
            assert response.status_code == 400
            text = response.content.decode()
            assert "This link cannot be used" in text and "not valid" in text
    assert not NoticePreference.objects.exists()


def test_a_signed_value_made_for_another_purpose_is_refused(client, citizen):
    token = signing.dumps({"u": citizen.pk, "a": "x"}, salt="pacte.another.purpose")
    response = client.post(reverse("accounts:unsubscribe", args=[token]))
    assert response.status_code == 400
    assert digest_frequency(citizen) == "weekly"


def test_a_link_of_an_erased_account_or_an_old_address_is_refused(client, citizen):
    client.cookies["django_language"] = "en"
    old_link = _link(citizen)
    citizen.email = "nouvelle.adresse@example.org"
    citizen.save()
    response = client.post(old_link)
    assert response.status_code == 400 and "no longer matches an account" in response.content.decode()

    link = _link(citizen)
    erase_account(user=citizen, keep_contributions=False)
    response = client.get(link)
    assert response.status_code == 400 and "no longer matches an account" in response.content.decode()


def test_the_token_is_signed_with_its_own_salt(citizen):
    payload = signing.loads(unsubscribe_token(citizen), salt=UNSUBSCRIBE_SALT)
    assert payload["u"] == citizen.pk and citizen.email not in str(payload)
