"""The e-mail settings of *My account*: their addresses answer a GET by going back to the e-mail section
(the tester got a bare 405), and the weekly choice is explained once."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("name", ["accounts:email_notices", "accounts:digest_preference"])
def test_a_get_of_the_email_settings_goes_to_the_email_section(client, citizen, name):
    client.force_login(citizen)
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:dashboard") + "#emails"
    page = client.get(response["Location"]).content.decode()
    assert 'id="emails"' in page
    # Signed out: the sign-in page, as before.
    client.logout()
    assert client.get(reverse(name))["Location"].startswith(reverse("account_login"))


def test_the_weekly_choice_says_it_once(client, citizen):
    client.force_login(citizen)
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "un seul courriel par semaine" not in page
    assert "les nouvelles de la semaine réunies en un seul courriel" in page
