"""A citizen opening the volunteer page of a panel that no longer takes volunteers is told why (the
panel's stage) and given a way on, where the page said only "Ce panel n'est pas ouvert aux volontaires."
and ended there."""

import pytest
from django.urls import reverse

from deliberation import services
from deliberation.models import Panel

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "why", "back"),
    [
        (
            "fr",
            "Ce panel ne prend plus de volontaires\u00a0: il en est à l’étape «\u00a0En délibération\u00a0».",
            "Voir la page du panel",
        ),
        (
            "en",
            "This panel is not taking volunteers: it is at the stage “Deliberating”.",
            "See the panel’s page",
        ),
    ],
)
def test_a_panel_past_recruiting_says_why_and_where_to_go(client, citizen, organiser, language, why, back):
    panel = services.create_panel(actor=organiser, title="Assises", size=30)
    Panel.objects.filter(pk=panel.pk).update(status=Panel.Status.DELIBERATING)  # drawn earlier
    client.force_login(citizen)
    client.cookies["django_language"] = language
    page = client.get(reverse("deliberation:volunteer", args=[panel.pk])).content.decode()
    assert why in page
    assert f'<a href="{reverse("deliberation:panel_detail", args=[panel.pk])}">{back}</a>' in page
