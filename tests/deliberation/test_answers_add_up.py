"""Answers that add up (issue 19): a decision-maker's answer is not dated in the future, its deadline and
its implementation come after it, and every status says whether it counts as answered, next to the rate."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from deliberation import selectors, services
from deliberation.models import DecisionMakerResponse
from tests.conftest import with_totp

from .conftest import adopt


@pytest.fixture
def adopted(recommendation):
    return adopt(recommendation, days_ago=30)


def _post(client, recommendation, **dates):
    today = timezone.localdate()
    data = {
        "decision_maker": "Ministre de la Santé",
        "body": "Ministère de la Santé",
        "status": "adopted",
        "justification": "Reprise dans le projet de loi.",
        "answered_on": today.isoformat(),
        **{k: v.isoformat() for k, v in dates.items()},
    }
    return client.post(
        reverse("deliberation:record_response", args=[recommendation.pk]), data, HTTP_ACCEPT_LANGUAGE="en"
    )


def _error_under(html: str, field: str) -> str:
    match = re.search(rf'<div id="id_{field}-desc-error">(.*?)</div>', html, flags=re.S)
    return re.sub(r"<[^>]+>", "", match.group(1)).strip() if match else ""


@pytest.mark.parametrize(
    ("dates", "field", "error"),
    [
        (
            {"answered_on": timedelta(days=400)},
            "answered_on",
            "The answer cannot be dated in the future: it is recorded once given.",
        ),
        (
            {"implementation_deadline": -timedelta(days=1)},
            "implementation_deadline",
            "The implementation deadline cannot come before the answer.",
        ),
        (
            {"implemented_on": -timedelta(days=2)},
            "implemented_on",
            "The measure cannot be implemented before the answer.",
        ),
        (
            {"answered_on": -timedelta(days=5), "implemented_on": timedelta(days=3)},
            "implemented_on",
            "The implementation date cannot be in the future: record it once done.",
        ),
    ],
)
def test_dates_that_do_not_add_up_are_refused_under_their_field_and_nothing_is_lost(
    client, organiser, adopted, dates, field, error
):
    client.force_login(with_totp(organiser))
    today = timezone.localdate()
    response = _post(client, adopted, **{name: today + delta for name, delta in dates.items()})
    html = response.content.decode()
    assert response.status_code == 200
    assert _error_under(html, field) == error
    assert "Reprise dans le projet de loi." in html  # what was typed is still there
    assert not DecisionMakerResponse.objects.exists()


def test_dates_that_add_up_are_recorded(client, organiser, adopted):
    client.force_login(with_totp(organiser))
    today = timezone.localdate()
    response = _post(
        client, adopted, answered_on=today - timedelta(days=10),
        implementation_deadline=today + timedelta(days=60), implemented_on=today - timedelta(days=1),
    )  # fmt: skip
    assert response.status_code == 302
    assert DecisionMakerResponse.objects.get().implemented_on == today - timedelta(days=1)


def test_the_service_refuses_the_same_dates_for_any_caller(organiser, adopted):
    with pytest.raises(services.DeliberationError, match="cannot be dated in the future"):
        services.record_response(
            actor=organiser, recommendation=adopted, decision_maker="M", body="B", status="adopted",
            justification="J", answered_on=timezone.localdate() + timedelta(days=1),
        )  # fmt: skip


def test_under_study_is_not_counted_as_answered_and_the_page_says_so(
    client, organiser, panel, session, facilitator, adopted
):
    second = adopt(
        services.create_recommendation(actor=facilitator, panel=panel, session=session, title="R2", text="T"),
        days_ago=30,
    )
    for recommendation, status in ((adopted, "adopted"), (second, "under_study")):
        services.record_response(
            actor=organiser, recommendation=recommendation, decision_maker="M", body="B", status=status,
            justification="J", answered_on=timezone.localdate(),
        )  # fmt: skip
    _f, figures = selectors.accountability(panel)
    # One decision (adopted) among one answered: under study waits for its answer.
    assert (figures.answered, figures.adoption_rate, figures.unanswered) == (1, 1.0, 1)
    for language, under_study, no in (("en", "Under study", "No"), ("fr", "À l’étude", "Non")):
        html = client.get(
            reverse("deliberation:accountability"), HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
        table = html[html.index('id="answer-statuses"') :].split("</table>")[0]
        row = next(r for r in table.split("</tr>") if f'<th scope="row">{under_study}</th>' in r)
        cells = re.findall(r"<td>(.*?)</td>", row)
        assert cells[1:] == [no, no], language  # neither answered nor adopted
        assert len(cells[0]) > 40  # a definition in words
