"""A panel may deliberate for a consultation: each page links to the other."""

import re

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from deliberation import services
from deliberation.models import Panel
from tests import helpers
from tests.conftest import with_totp
from tests.typography import visible_text


def make_consultation(slug="don-donnees", phase="open"):
    return helpers.make_consultation(
        slug,
        phase=phase,
        title_fr="Don de données de santé",
        title_en="Health-data donation",
        questions=False,
    )


@pytest.fixture
def consultation(db):
    return make_consultation()


def test_organiser_creates_a_panel_for_a_consultation(client, organiser, consultation):
    client.force_login(with_totp(organiser))
    form = client.get(reverse("deliberation:panel_create"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Health-data donation" in form  # offered in the list of consultations
    client.post(
        reverse("deliberation:panel_create"),
        {"title": "Panel santé", "size": 30, "threshold": "majority", "consultation": consultation.pk},
    )
    panel = Panel.objects.get(title="Panel santé")
    assert panel.consultation == consultation
    assert AuditEvent.objects.get(action="panel.created").details["consultation"] == consultation.pk


def test_each_page_links_to_the_other(client, panel, organiser, consultation):
    services.link_consultation(actor=organiser, panel=panel, consultation=consultation)
    detail = reverse("deliberation:panel_detail", args=[panel.pk])
    consultation_page = reverse("consultation:detail", args=[consultation.slug])
    # While the panel is a draft, the consultation's page does not show it to the public.
    assert detail not in client.get(consultation_page).content.decode()
    services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.RECRUITING)
    html = client.get(detail, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "deliberates for the national consultation" in html and consultation_page in html
    assert "Health-data donation" in html
    html = client.get(consultation_page, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert f'href="{detail}"' in html and f"Panel citoyen\u00a0: {panel.title}" in html


def test_draft_panel_is_listed_on_the_consultation_only_for_those_who_run_it(
    client, panel, organiser, facilitator, citizen, consultation
):
    services.link_consultation(actor=organiser, panel=panel, consultation=consultation)
    detail = reverse("deliberation:panel_detail", args=[panel.pk])
    consultation_page = reverse("consultation:detail", args=[consultation.slug])
    for person, shown in [(citizen, False), (with_totp(facilitator), True), (with_totp(organiser), True)]:
        client.force_login(person)
        assert (detail in client.get(consultation_page).content.decode()) is shown, person


def test_a_draft_consultation_is_not_linked_from_the_public_panel_page(client, panel, organiser):
    draft = make_consultation(slug="brouillon", phase="draft")
    services.link_consultation(actor=organiser, panel=panel, consultation=draft)
    services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.RECRUITING)
    html = client.get(reverse("deliberation:panel_detail", args=[panel.pk])).content.decode()
    assert reverse("consultation:detail", args=["brouillon"]) not in html


def test_organiser_changes_the_link_from_the_management_page(
    client, panel, organiser, facilitator, consultation
):
    url = reverse("deliberation:link_consultation", args=[panel.pk])
    client.force_login(with_totp(facilitator))
    assert client.post(url, {"consultation": consultation.pk}).status_code == 403
    client.force_login(with_totp(organiser))
    response = client.post(url, {"consultation": consultation.pk}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "Consultation link saved." in response.content.decode()
    panel.refresh_from_db()
    assert panel.consultation == consultation
    response = client.post(url, {"consultation": "999999"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    client.post(url, {"consultation": ""})
    panel.refresh_from_db()
    assert panel.consultation is None
    events = AuditEvent.objects.filter(action="panel.consultation_linked").order_by("id")
    assert [e.details for e in events] == [
        {"from": None, "to": consultation.pk},
        {"from": consultation.pk, "to": None},
    ]


def test_deleting_the_consultation_keeps_the_panel(panel, organiser, consultation):
    services.link_consultation(actor=organiser, panel=panel, consultation=consultation)
    consultation.delete()
    panel.refresh_from_db()
    assert panel.consultation is None


def _sentence_naming_the_consultation(page: str) -> str:
    """The text of the paragraph that names the panel's consultation."""
    paragraph = re.search(r"<p>(This panel deliberates|Ce panel délibère).*?</p>", page, re.S).group(0)
    return visible_text(paragraph).strip()


@pytest.mark.parametrize(
    "language,title,sentence",
    [
        (
            "fr",
            "Don de données\u00a0: qu’en pensez-vous\u00a0?",
            "Ce panel délibère pour la consultation nationale Don de données\u00a0: qu’en pensez-vous\u00a0?",
        ),
        (
            "en",
            "Data donation: what do you think?",
            "This panel deliberates for the national consultation Data donation: what do you think?",
        ),
    ],
)
def test_a_consultation_title_ending_a_sentence_gets_no_second_full_stop(
    client, panel, organiser, language, title, sentence
):
    """The panel's page read "… la consultation nationale Don de données : qu’en pensez-vous ?.": a title
    that already ends with ? or ! ends the sentence; any other title is followed by the full stop."""
    consultation = make_consultation(slug="question")  # open: the panel's page names it
    consultation.title_fr = consultation.title_en = title
    consultation.save()
    services.link_consultation(actor=organiser, panel=panel, consultation=consultation)
    services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.RECRUITING)
    client.cookies["django_language"] = language
    detail = client.get(reverse("deliberation:panel_detail", args=[panel.pk])).content.decode()
    assert _sentence_naming_the_consultation(detail) == sentence
    client.force_login(with_totp(organiser))
    manage = client.get(reverse("deliberation:manage", args=[panel.pk])).content.decode()
    assert _sentence_naming_the_consultation(manage).endswith(title)

    consultation.title_fr = consultation.title_en = "Don de données de santé"
    consultation.save()
    detail = client.get(reverse("deliberation:panel_detail", args=[panel.pk])).content.decode()
    assert _sentence_naming_the_consultation(detail).endswith("Don de données de santé.")
    manage = client.get(reverse("deliberation:manage", args=[panel.pk])).content.decode()
    assert _sentence_naming_the_consultation(manage).endswith("Don de données de santé.")
