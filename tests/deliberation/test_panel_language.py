"""A panel's texts (its title, topic, description, sessions and recommendations) are written in one
language, recorded when the panel is created (by default the interface's, as for a citizen's proposal),
and every page marks them with it (WCAG 3.1.2, RGAA 8.7): a French panel on the English interface is
read with a French voice, its title inside an English sentence too ("Follow-up: <span lang="fr">…")."""

import pytest
from django.urls import reverse

from deliberation import services
from deliberation.models import Panel
from tests.conftest import with_totp
from tests.deliberation.conftest import adopt
from tests.helpers import make_consultation
from tests.html_parts import language_of_text, languages_of_text

pytestmark = pytest.mark.django_db

TITLE = "Don de données par défaut"  # the panel fixture's
RECOMMENDATION = "Registre des refus en ligne"
TEXT = "Créer un registre national des refus accessible en ligne."


@pytest.mark.parametrize("interface", ["en", "fr"])
def test_the_creation_form_records_the_language_chosen_by_default_the_interfaces(
    client, organiser, interface
):
    client.force_login(with_totp(organiser))
    client.cookies["django_language"] = interface
    address = reverse("deliberation:panel_create")
    form = client.get(address).content.decode()
    assert f'<option value="{interface}" selected>' in form  # the interface's, unless changed
    fields = {"title": "Assises", "size": 30, "threshold": Panel.Threshold.MAJORITY, "household_rule": "on"}
    client.post(address, {**fields, "language": "fr"})
    assert Panel.objects.get(title="Assises").language == "fr"
    client.post(address, {**fields, "title": "Sans langue dite"})  # not sent: the interface's
    assert Panel.objects.get(title="Sans langue dite").language == interface


def _body(page: str) -> str:
    """The page from <body> on, as under <html lang="en">: its <title> (the browser tab's) is the page's
    own, and takes no part of another language."""
    return '<html lang="en">' + page[page.index("<body") :]


def test_the_english_interface_marks_a_french_panel_and_its_recommendations(
    client, organiser, panel, recommendation
):
    Panel.objects.filter(pk=panel.pk).update(language="fr")
    consultation = make_consultation(slug="don")
    services.link_consultation(actor=organiser, panel=panel, consultation=consultation)
    adopt(recommendation)
    client.cookies["django_language"] = "en"
    pages = {
        "list": reverse("deliberation:panel_list"),
        "panel": reverse("deliberation:panel_detail", args=[panel.pk]),
        "recommendation": reverse("deliberation:recommendation", args=[recommendation.pk]),
        "follow-up": reverse("deliberation:accountability"),
        "panel follow-up": reverse("deliberation:panel_accountability", args=[panel.pk]),
        "consultation": reverse("consultation:detail", args=[consultation.slug]),
    }
    for name, address in pages.items():
        page = client.get(address).content.decode()
        assert '<html lang="en"' in page, name
        found = languages_of_text(_body(page), TITLE)
        assert found and set(found) == {"fr"}, (name, found)
    panel_page = _body(client.get(pages["panel"]).content.decode())
    assert language_of_text(panel_page, RECOMMENDATION) == "fr"  # the recommendations voted
    assert language_of_text(panel_page, "Séance 1") == "fr"  # its sessions
    recommendation_page = _body(client.get(pages["recommendation"]).content.decode())
    assert language_of_text(recommendation_page, RECOMMENDATION) == "fr"
    assert language_of_text(recommendation_page, TEXT) == "fr"
    # The page's own words around the title stay English: "Follow-up: <span lang="fr">…</span>".
    follow_up = _body(client.get(pages["panel follow-up"]).content.decode())
    assert language_of_text(follow_up, "Follow-up:") == "en"
    assert language_of_text(follow_up, RECOMMENDATION) == "fr"


def test_a_panel_whose_language_is_not_known_is_read_in_the_pages(client, panel):
    assert Panel.objects.get(pk=panel.pk).language == ""  # created by a service call that did not say
    Panel.objects.filter(pk=panel.pk).update(status=Panel.Status.RECRUITING)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("deliberation:panel_detail", args=[panel.pk])).content.decode()
    assert languages_of_text(page, TITLE) == ["en", "en"]  # the <title> and the <h1>: not guessed


def test_the_demo_panel_is_french(db):
    from io import StringIO

    from django.core.management import call_command

    call_command("create_demo_accounts", stdout=StringIO())
    call_command("load_panel_demo", stdout=StringIO())
    panel = Panel.objects.get()
    assert panel.language == "fr"
    Panel.objects.update(language="")  # a demo database made before panels recorded their language
    call_command("load_panel_demo", stdout=StringIO())
    assert Panel.objects.get().language == "fr"


def test_a_withheld_title_reads_in_the_pages_language_not_the_panels(client, panel, recommendation):
    """A title that reveals someone's health is replaced by "Recommendation no. N" in the reader's
    language: that note is not marked French."""
    from deliberation.models import Recommendation

    Panel.objects.filter(pk=panel.pk).update(language="fr")
    adopt(recommendation)
    Recommendation.objects.filter(pk=recommendation.pk).update(title="Je suis diabétique depuis 2010.")
    client.cookies["django_language"] = "en"
    address = reverse("deliberation:recommendation", args=[recommendation.pk])
    page = _body(client.get(address).content.decode())
    assert language_of_text(page, f"Recommendation no. {recommendation.pk}") == "en"
