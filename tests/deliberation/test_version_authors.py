"""A recommendation's versions name who wrote them by role on the page the public and the panel's
members read, in the reader's language, never by pseudonym; the panel's team still reads the account."""

import re
from html import unescape

import pytest
from django.urls import reverse

from deliberation import services
from deliberation.models import RecommendationVersion
from tests.conftest import with_totp
from tests.deliberation.conftest import adopt

ORGANISERS = {"en": "The organisers", "fr": "Les organisateurs"}
FACILITATION = {"en": "The facilitation team", "fr": "L’équipe d’animation"}
PARTICIPANT = {"en": "A participant", "fr": "Un·e participant·e"}
TEAM = {"en": "The panel's team", "fr": "L’équipe du panel"}


def version_rows(client, recommendation, language) -> tuple[str, list[str]]:
    """The page's HTML and the rows of its versions table as text, cells separated by "|"."""
    html = unescape(
        client.get(
            reverse("deliberation:recommendation", args=[recommendation.pk]), HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
    )
    table = html[html.rindex("<table>") :]
    rows = [re.sub(r"<[^>]+>", "|", row) for row in re.findall(r"<tr>(.*?)</tr>", table, flags=re.S)][1:]
    return html, rows


@pytest.fixture
def amended(recommendation, members, facilitator):
    """Drafted by the facilitator, amended by a seated member, adopted: a page anyone may read."""
    amendment = services.propose_amendment(
        user=members[0].volunteer.user, recommendation=recommendation, text="Un registre en ligne et papier."
    )
    services.accept_amendment(actor=facilitator, amendment=amendment)
    return adopt(recommendation)


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_public_reads_each_versions_author_by_role(client, amended, facilitator, members, language):
    html, rows = version_rows(client, amended, language)
    assert len(rows) == 2
    assert f"|{FACILITATION[language]}|" in rows[0] and f"|{PARTICIPANT[language]}|" in rows[1]
    assert facilitator.pseudonym not in html and members[0].volunteer.user.pseudonym not in html


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_panel_member_reads_roles_too(client, amended, facilitator, members, language):
    client.force_login(members[1].volunteer.user)
    html, rows = version_rows(client, amended, language)
    assert f"|{FACILITATION[language]}|" in rows[0] and facilitator.pseudonym not in html


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_version_drafted_by_an_organiser_reads_as_the_organisers(
    client, panel, session, organiser, language
):
    recommendation = services.create_recommendation(
        actor=organiser, panel=panel, session=session, title="Registre", text="Un registre des refus."
    )
    html, rows = version_rows(client, adopt(recommendation), language)
    assert f"|{ORGANISERS[language]}|" in rows[0] and organiser.pseudonym not in html


def test_a_version_recorded_before_roles_reads_as_the_panels_team(client, panel, session, facilitator):
    """A recommendation whose creation was recorded before audit events stored the actor's role."""
    from accounts.audit import record_event
    from deliberation.models import Recommendation

    recommendation = Recommendation.objects.create(
        panel=panel, session=session, title="Ancien", text="Texte."
    )
    RecommendationVersion.objects.create(
        recommendation=recommendation, number=1, title="Ancien", text="Texte.", author=facilitator
    )
    record_event(actor=facilitator, action="recommendation.created", obj=recommendation)
    html, rows = version_rows(client, adopt(recommendation), "fr")
    assert f"|{TEAM['fr']}|" in rows[0] and facilitator.pseudonym not in html


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_panels_team_reads_the_role_and_the_account(client, amended, facilitator, members, language):
    """The facilitator who drafted it reads as the facilitation team with their pseudonym in brackets (as
    every back-office page names staff, `accounts.roles.acted_by`), never as a citizen's pseudonym alone;
    the member whose amendment made the second version, by their pseudonym."""
    with_totp(facilitator)
    client.force_login(facilitator)
    _html, rows = version_rows(client, amended, language)
    assert f"|{FACILITATION[language]} ({facilitator.pseudonym})|" in rows[0]
    assert f"|{members[0].volunteer.user.pseudonym}|" in rows[1]
    assert RecommendationVersion.objects.filter(recommendation=amended).count() == 2
