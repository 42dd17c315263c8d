import re
import statistics
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation import selectors, services
from deliberation.models import Recommendation

from .conftest import adopt


def make_recommendations(panel, session, facilitator, n):
    return [
        services.create_recommendation(
            actor=facilitator, panel=panel, session=session, title=f"R{i}", text=f"Texte {i}"
        )
        for i in range(n)
    ]


def answer(organiser, recommendation, status, days_after_adoption, **extra):
    adopted_on = timezone.localdate(recommendation.decided_at)
    return services.record_response(
        actor=organiser,
        recommendation=recommendation,
        decision_maker="Ministre de la Santé",
        body="Ministère de la Santé",
        status=status,
        justification="Réponse motivée.",
        answered_on=adopted_on + timedelta(days=days_after_adoption),
        **extra,
    )


def test_answer_on_a_recommendation_not_adopted_is_refused(recommendation, organiser):
    for status in (Recommendation.Status.DRAFT, Recommendation.Status.REJECTED):
        recommendation.status = status
        recommendation.save()
        with pytest.raises(services.DeliberationError, match="adopted"):
            answer(organiser, recommendation, "adopted", 1)
    assert not recommendation.responses.exists()


def test_adoption_figures_follow_their_definition(panel, session, facilitator, organiser):
    recs = [adopt(r, days_ago=200) for r in make_recommendations(panel, session, facilitator, 7)]
    # (status of each answer in order, days after adoption); the latest answer is in force.
    plan = {
        0: [("adopted", 10)],
        1: [("under_study", 20), ("partly_adopted", 60)],
        2: [("rejected", 30)],
        3: [("pending", 5)],  # a "pending" answer is not an answer
        4: [("under_study", 40)],
        5: [],
        6: [("adopted", 100)],
    }
    for index, answers in plan.items():
        for status, days in answers:
            answer(organiser, recs[index], status, days)
    follow_ups, figures = selectors.accountability(panel)

    latest = {i: (a[-1][0] if a else "pending") for i, a in plan.items()}
    # A decision counts as answered; "pending" and "under study" (no decision yet) do not.
    decisions = ("adopted", "partly_adopted", "rejected")
    answered = [i for i, s in latest.items() if s in decisions]
    taken_up = [i for i in answered if latest[i] in ("adopted", "partly_adopted")]
    first_real = [
        next(d for s, d in a if s in decisions) for a in plan.values() if any(s in decisions for s, _ in a)
    ]
    assert figures.recommendations == 7
    assert figures.answered == len(answered) == 4
    assert (figures.under_study, figures.pending, figures.unanswered) == (1, 2, 3)
    assert figures.adoption_rate == pytest.approx(3 / 4)  # "under study" (index 4) is not in the rate
    assert figures.median_answer_delay_days == 45  # first decisions: 10, 60 (not 20), 30, 100
    assert figures.adoption_rate == pytest.approx(len(taken_up) / len(answered))
    assert figures.unanswered_share == pytest.approx((7 - len(answered)) / 7)
    assert figures.median_answer_delay_days == statistics.median(first_real)
    assert {f.recommendation.pk: f.status for f in follow_ups} == {recs[i].pk: s for i, s in latest.items()}


def test_overdue_flags(panel, session, facilitator, organiser):
    old, recent, late_measure, done_measure = [
        adopt(r, days_ago=d)
        for r, d in zip(
            make_recommendations(panel, session, facilitator, 4), [120, 10, 200, 200], strict=True
        )
    ]
    today = timezone.localdate()
    answer(organiser, late_measure, "adopted", 5, implementation_deadline=today - timedelta(days=1))
    answer(
        organiser,
        done_measure,
        "adopted",
        5,
        implementation_deadline=today - timedelta(days=1),
        implemented_on=today - timedelta(days=3),
    )
    follow_ups, figures = selectors.accountability(panel, overdue_days=90)
    flags = {f.recommendation.pk: f.overdue_reason for f in follow_ups}
    assert flags == {old.pk: "no_answer", recent.pk: "", late_measure.pk: "deadline", done_measure.pk: ""}
    assert figures.overdue == 2
    # The number of days is configurable: with a 200-day allowance the old one is no longer overdue.
    _f, relaxed = selectors.accountability(panel, overdue_days=200)
    assert relaxed.overdue == 1


def test_figures_across_panels_pool_every_panel(panel, session, facilitator, organiser):
    first = adopt(make_recommendations(panel, session, facilitator, 1)[0], days_ago=30)
    answer(organiser, first, "adopted", 3)
    other = services.create_panel(actor=organiser, title="Autre panel", size=4)
    services.assign_facilitator(actor=organiser, panel=other, user=facilitator)
    other_session = services.schedule_session(
        actor=facilitator, panel=other, title="S", starts_at=timezone.now(), place="Lille"
    )
    second = adopt(make_recommendations(other, other_session, facilitator, 1)[0], days_ago=30)
    answer(organiser, second, "rejected", 7)
    _f, overall = selectors.accountability()
    assert overall.recommendations == 2 and overall.adoption_rate == pytest.approx(0.5)
    assert overall.median_answer_delay_days == 5


def test_a_missed_deadline_is_not_counted_as_a_late_answer(client, panel, session, facilitator, organiser):
    """The public page counts answers that never came apart from answers given whose promised measure is
    late: an answered recommendation is never a late answer."""
    never_answered, answered_late_measure = [
        adopt(r, days_ago=120) for r in make_recommendations(panel, session, facilitator, 2)
    ]
    answer(
        organiser, answered_late_measure, "adopted", 5,
        implementation_deadline=timezone.localdate() - timedelta(days=1),
    )  # fmt: skip
    _f, figures = selectors.accountability(panel, overdue_days=90)
    assert (figures.late_answers, figures.missed_deadlines, figures.overdue) == (1, 1, 2)
    html = client.get(reverse("deliberation:accountability"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    tiles = {
        desc: title
        for title, desc in re.findall(
            r'fr-tile__title">([^<]*)</p><p class="fr-tile__desc">([^<]*)</p>', html
        )
    }
    assert tiles["Réponses en retard"] == "1" and tiles["Échéances de mise en œuvre dépassées"] == "1"


def test_the_public_page_gives_each_rate_with_its_counts_written_as_everywhere_else(
    client, panel, session, facilitator, organiser
):
    """2 of 3 decisions taken up reads "67 %" (whole per cent: one decimal from 3 items is a precision the
    count does not have; the one rule of consultation.answers.percent_of, as on the consultations'
    follow-up page), with the counts it is made of; the share still unanswered likewise, counted among the
    recommendations adopted *by the panel* (not by the decision-maker, whose rate is beside it)."""
    recs = [adopt(r, days_ago=30) for r in make_recommendations(panel, session, facilitator, 4)]
    for recommendation, status in zip(recs, ("adopted", "partly_adopted", "rejected"), strict=False):
        answer(organiser, recommendation, status, 5)
    html = client.get(reverse("deliberation:accountability"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    tiles = {
        desc: (title, detail)
        for title, desc, detail in re.findall(
            r'fr-tile__title">([^<]*)</p><p class="fr-tile__desc">([^<]*)</p>'
            r'<p class="fr-tile__detail">([^<]*)',
            html,
        )
    }
    assert tiles["Taux d’adoption"] == ("67\u00a0%", "2 sur 3 recommandations ayant reçu une décision")
    assert tiles["Encore sans réponse"] == ("25\u00a0%", "1 sur 4 recommandations adoptées par le panel")
    by_panel = html[html.index("Chiffres d’adoption de chaque panel") :]
    assert "67\u00a0% (2 sur 3)" in by_panel and "25\u00a0% (1 sur 4)" in by_panel
    english = client.get(reverse("deliberation:accountability"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 of 4 recommendations adopted by the panel" in english and "67% (2 of 3)" in english
