"""My account's texts: the privacy banner asks a first acceptance of someone who never gave one and says
"changed" only to someone who accepted an earlier version; help texts follow the page's language; the
e-mail preference is worded for everyone."""

from django.urls import reverse

from accounts import services
from accounts.models import ConsentRecord


def _dashboard(client, user, language="fr"):
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(reverse("accounts:dashboard")).content.decode()


def test_never_accepted_is_asked_to_accept_not_told_it_changed(client, citizen, settings):
    page = _dashboard(client, citizen)
    assert "Veuillez accepter la politique de confidentialité" in page
    assert "a changé" not in page
    client.post(reverse("accounts:accept_privacy"))
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "Veuillez accepter la politique de confidentialité" not in page and "a changé" not in page


def test_accepted_an_earlier_version_is_told_it_changed(client, citizen, settings):
    services.record_consent(
        user=citizen, purpose=ConsentRecord.Purpose.PRIVACY_NOTICE, version="2020-01", granted=True
    )
    page = _dashboard(client, citizen)
    assert "La politique de confidentialité a changé" in page
    assert "Veuillez accepter la politique de confidentialité" not in page


def test_profile_help_text_follows_the_page_language(client, citizen):
    client.force_login(citizen)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "We derive your region from it. Optional. Used only to draw representative" in page
    assert "Nous en déduisons" not in page and "Facultatif" not in page
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("accounts:profile")).content.decode()
    assert "Nous en déduisons votre région. Facultatif." in page


def test_email_preference_is_worded_for_everyone(client, citizen):
    page = _dashboard(client, citizen)
    assert "un panel pour lequel je suis volontaire" in page
    assert "porté volontaire" not in page
