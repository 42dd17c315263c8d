"""Labels, figures and percentages on the panel pages are spaced the way of the page's language:
"Current item: Vote" and "67%" in English, "Point en cours : Vote" and "67 %" with a no-break
space in French (see tests/typography.py)."""

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation import services
from deliberation.models import Panel
from tests.conftest import with_totp
from tests.typography import misplaced_separators, visible_text

# A count is published from one ballot here: the floor is tested in test_vote_count_threshold.py.
pytestmark = pytest.mark.usefixtures("counts_published_from_one_ballot")

EXPECTED = {
    "en": ["Panel size: 4 members", "Status: Deliberating", "Current item: Vote", "Seed: test",
           "67%", "33%", "100%"],
    "fr": ["Taille du panel\u00a0: 4 membres", "Statut\u00a0: En délibération", "Point en cours\u00a0: Vote",
           "Graine\u00a0: test", "67\u00a0%", "33\u00a0%", "100\u00a0%"],
}  # fmt: skip


@pytest.mark.parametrize("language", ["en", "fr"])
def test_panel_pages_space_labels_and_percentages_the_way_of_their_language(
    client, language, organiser, facilitator, panel, session, members, recommendation
):
    services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.DELIBERATING)
    services.add_agenda_item(
        actor=facilitator, session=session, title="Vote", kind="vote", duration_minutes=15
    )
    services.move_agenda(actor=facilitator, session=session, forward=True)
    services.open_vote(actor=facilitator, recommendation=recommendation, session=session)
    for member, choice in zip(members, ["for", "for", "against"], strict=True):
        services.cast_ballot(user=member.volunteer.user, recommendation=recommendation, choice=choice)
    recommendation = services.close_vote(actor=facilitator, recommendation=recommendation)  # 2 of 3: adopted
    services.record_response(
        actor=organiser, recommendation=recommendation, decision_maker="Ministre de la Santé",
        body="Ministère de la Santé", status="adopted", justification="Registre prévu en 2027.",
        answered_on=timezone.localdate(),
    )  # fmt: skip
    client.force_login(with_totp(facilitator))
    pages = [
        reverse("deliberation:panel_detail", args=[panel.pk]),
        reverse("deliberation:recommendation", args=[recommendation.pk]),
        reverse("deliberation:accountability"),
        reverse("deliberation:selection_report", args=[panel.pk]),
        reverse("deliberation:console", args=[session.pk]),
    ]
    seen = ""
    for url in pages:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        text = visible_text(response.content.decode())
        assert not misplaced_separators(text, language), (url, misplaced_separators(text, language))
        seen += text
    for expected in EXPECTED[language]:
        assert expected in seen
