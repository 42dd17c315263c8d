"""The recommendation page says what is overdue, once, where it is: "No answer after 90 days" under the
answers' heading; a missed implementation deadline beside that deadline, or only the late milestone's own
badge when a milestone of the answer is late (not a bare "Overdue" floating above the answer button)."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from .conftest import adopt
from .test_adoption import answer, make_recommendations


def badges(client, recommendation, language):
    html = client.get(
        reverse("deliberation:recommendation", args=[recommendation.pk]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    found = re.findall(r'class="fr-badge fr-badge--(?:sm fr-badge--)?(?:error|warning)">([^<]*)<', html)
    return found, html


def test_each_overdue_thing_has_one_badge_that_says_what_it_is(
    client, settings, panel, session, facilitator, organiser
):
    settings.PACTE_ANSWER_OVERDUE_DAYS = 90
    unanswered, late_measure, late_decree = [
        adopt(r, days_ago=120) for r in make_recommendations(panel, session, facilitator, 3)
    ]
    yesterday = timezone.localdate() - timedelta(days=1)
    answer(organiser, late_measure, "adopted", 5, implementation_deadline=yesterday)
    answer(
        organiser, late_decree, "adopted", 5, implementation_deadline=yesterday,
        milestones=[("Décret d'application", yesterday)],
    )  # fmt: skip

    found, html = badges(client, unanswered, "fr")
    assert found == ["Sans réponse après 90 jours"]
    assert html.index(found[0]) > html.index("Réponses des décideurs")
    found, _html = badges(client, unanswered, "en")
    assert found == ["No answer after 90 days"]

    found, html = badges(client, late_measure, "en")
    assert found == ["Deadline passed, not implemented"]
    assert html.index("Implementation deadline:") < html.index(found[0])
    assert ">Overdue<" not in html

    found, _html = badges(client, late_decree, "en")  # the decree's own badge says it, once
    assert found == ["Late"]
