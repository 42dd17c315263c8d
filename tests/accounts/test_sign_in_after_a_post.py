"""A visitor whose session ended while a form was open sends it, is asked to sign in, and after signing in
comes back to the page of the form, not to the address the form was sent to. That address answers only
POST: signing in led to a blank "405 Method Not Allowed" page (seen on the demo with a facilitator's
"New draft recommendation" form). The page the form was on is the Referer when it is this site's; with
none (or another site's) the visitor lands on the home page."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

LOGIN = reverse("account_login")


@pytest.fixture
def post_only(organiser):
    from deliberation import services

    panel = services.create_panel(actor=organiser, title="Assises", size=30)
    return (
        reverse("deliberation:create_recommendation", args=[panel.pk]),
        reverse("deliberation:facilitate", args=[panel.pk]),
    )


def test_a_form_sent_signed_out_brings_the_visitor_back_to_the_form_after_sign_in(client, post_only):
    action, form_page = post_only
    response = client.post(action, {"title": "Registre"}, HTTP_REFERER=f"http://testserver{form_page}")
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={form_page}"


@pytest.mark.parametrize("referer", [None, "https://ailleurs.example/panels/1/animation/"])
def test_without_a_page_of_this_site_to_return_to_the_visitor_lands_home(client, post_only, referer):
    action, _form_page = post_only
    headers = {"HTTP_REFERER": referer} if referer else {}
    response = client.post(action, {"title": "Registre"}, **headers)
    assert response["Location"] == f"{LOGIN}?next=/"


def test_a_page_asked_for_signed_out_is_still_the_one_shown_after_sign_in(client, post_only):
    _action, form_page = post_only
    assert client.get(form_page)["Location"] == f"{LOGIN}?next={form_page}"
