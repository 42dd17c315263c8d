"""What a facilitator reads on the panel's facilitation page and a session's console: a session to choose
is asked for in words (not Django's "---------"), the long page (30 members and a reserve list of a
hundred people above the recommendations) has a summary to jump to each part, and the attendance says
out of how many members ("28 of 30 members present"), not a bare count."""

import pytest
from django.urls import reverse

from deliberation import services
from tests.conftest import with_totp
from tests.deliberation.conftest import seat

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "choose", "summary"),
    [
        ("fr", "Choisir une séance", ["Séances", "Membres", "Bibliothèque de ressources", "Recommandations"]),
        ("en", "Choose a session", ["Sessions", "Members", "Evidence library", "Recommendations"]),
    ],
)
def test_the_facilitation_page_names_its_choices_and_has_a_summary(
    client, facilitator, panel, session, language, choose, summary
):
    seat(panel)
    client.force_login(with_totp(facilitator))
    client.cookies["django_language"] = language
    page = client.get(reverse("deliberation:facilitate", args=[panel.pk])).content.decode()
    assert "---------" not in page
    assert f'<option value="" selected>{choose}</option>' in page
    start = page.index('class="fr-summary')
    nav = page[start : page.index("</nav>", start)]
    for anchor, title in zip(("sessions", "members", "documents", "recommendations"), summary, strict=True):
        assert f'href="#{anchor}">{title}</a>' in nav
        assert f'id="{anchor}"' in page


@pytest.mark.parametrize(
    ("language", "present"),
    [("fr", "1 membre présent sur 3."), ("en", "1 of 3 members present.")],
)
def test_the_console_counts_the_present_members_out_of_the_panel(
    client, facilitator, panel, session, language, present
):
    first, *_others = [seat(panel) for _ in range(3)]
    services.check_in(actor=facilitator, session=session, member=first)
    client.force_login(with_totp(facilitator))
    client.cookies["django_language"] = language
    page = client.get(reverse("deliberation:console", args=[session.pk])).content.decode()
    assert present in page
