"""Issue 20: a computation that draws no groups says why, when it ran and from how many votes, in the
reader's language; and the map of a large consultation keeps the participants in no group.

Before, every computation without groups read "Not enough votes yet" with "N votes so far": also when
42 participants had voted on every proposal and only 2 of them disagreed (a group under the minimum
share), and "so far" gave the count of the last computation as if it were the current one."""

import random

import pytest
from django.urls import reverse
from django.utils.formats import date_format, time_format
from django.utils.timezone import localtime
from django.utils.translation import override

from analysis import presenters
from analysis.opinion import compute_and_save
from consultation.models import Vote
from tests.analysis.conftest import add_proposals
from tests.typography import visible_text

pytestmark = pytest.mark.django_db

FIRST_HALF = [1] * 6 + [-1] * 6  # agrees with the first six proposals, rejects the other six
SECOND_HALF = [-1] * 6 + [1] * 6


def _vote(consultation, camps: list[tuple[int, list[int]]], noise: float = 0.05) -> None:
    proposals = add_proposals(consultation, [f"Proposition numéro {i} à voter." for i in range(12)])
    rng, votes, person = random.Random(1), [], 0
    for size, stances in camps:
        for _ in range(size):
            person += 1
            for proposal, stance in zip(proposals, stances, strict=True):
                value = stance if rng.random() >= noise else rng.choice([1, -1, 0])
                votes.append(Vote(proposal=proposal, participant_key=f"voter{person}", value=value))
    Vote.objects.bulk_create(votes)


def _section(client, consultation, language: str) -> str:
    client.cookies["django_language"] = language
    page = client.get(reverse("analysis:report", args=[consultation.slug])).content.decode()
    return visible_text(page[page.index('id="opinion-title"') : page.index("</section>")])


def _when(run, language: str) -> tuple[str, str]:
    with override(language):
        at = localtime(run.computed_at)
        return date_format(at), time_format(at)


def test_a_group_under_the_minimum_share_is_said_so_not_not_enough_votes(consultation, client):
    _vote(consultation, [(40, FIRST_HALF), (2, SECOND_HALF)])  # 2 of 42: under 5 % and under 5 people
    run = compute_and_save(consultation.pk)
    assert run.status == "not_enough_votes"

    english = _section(client, consultation, "en")
    assert "Not enough votes yet" not in english
    assert (
        "The 42 participants who voted enough do not split into two groups of at least 5% of them and at "
        "least 5 people each: no groups are drawn." in english
    )
    date, time = _when(run, "en")
    assert f"Last computed on {date} at {time}, from 504 votes." in english
    assert 'id="opinion-map"' not in english

    french = _section(client, consultation, "fr")
    assert "Pas encore assez de votes" not in french
    assert "Les 42 participants ayant assez voté ne se répartissent pas en deux groupes" in french
    date, time = _when(run, "fr")
    assert f"Calculés le {date}\u00a0à\u00a0{time}, à partir de 504 votes." in french


def test_too_few_participants_say_how_many_and_when_not_so_far(consultation, client):
    _vote(consultation, [(5, FIRST_HALF), (4, SECOND_HALF)])  # 9 participants with 12 votes each
    run = compute_and_save(consultation.pk)
    # Votes that came after the computation are not in its figures: the page says when it ran.
    Vote.objects.create(proposal=consultation.proposals.first(), participant_key="late", value=1)

    english = _section(client, consultation, "en")
    date, time = _when(run, "en")
    assert "Not enough votes yet to find opinion groups." in english
    assert f"Last computed on {date} at {time}, from 108 votes." in english
    assert (
        "Groups are drawn once at least 10 participants have each voted on 7 proposals or more; 9 had then."
        in english
    )
    assert "so far" not in english

    french = _section(client, consultation, "fr")
    assert (
        "au moins 10 participants ont chacun voté sur 7 propositions ou plus\u00a0; 9 l’avaient fait"
        in french
    )


def test_a_large_map_still_draws_the_participants_in_no_group(monkeypatch):
    monkeypatch.setattr(presenters, "OPINION_MAP_LIMIT", 1000)
    grouped = [{"x": float(i % 97), "y": float(i % 89), "group": i % 2} for i in range(4000)]
    unplaced = [{"x": 200.0 + i, "y": 200.0, "group": None} for i in range(100)]  # about 2.4 %
    with override("en"):
        points = presenters.opinion_map(grouped, unplaced)
    labels = [p["label"] for p in points]
    grey = labels.count("Participant not placed in a group")
    assert len(points) <= 1000 + 3
    assert grey == 100 * 1000 // 4100  # their share of the map, not none
    assert (
        labels.count("Participant in group 1")
        == labels.count("Participant in group 2")
        == 2000 * 1000 // 4100
    )


def test_the_page_promises_recomputation_only_where_votes_trigger_it(consultation, client, settings):
    """In the embedded runtime (tasks in-process) a vote does not recompute the groups: only the
    `compute_opinion_groups` command does. "Keep voting: the groups are recomputed automatically" was a
    promise that runtime never kept."""
    _vote(consultation, [(5, FIRST_HALF), (4, SECOND_HALF)])
    compute_and_save(consultation.pk)
    assert settings.CELERY_TASK_ALWAYS_EAGER  # the unit tests' runtime: the embedded one
    embedded = _section(client, consultation, "en")
    assert "Not enough votes yet to find opinion groups." in embedded
    assert "recomputed automatically" not in embedded
    assert "recalculés automatiquement" not in _section(client, consultation, "fr")

    settings.CELERY_TASK_ALWAYS_EAGER = False  # with workers, as in production
    assert "Keep voting: the groups are recomputed automatically as votes arrive." in _section(
        client, consultation, "en"
    )


def test_an_erased_voter_leaves_the_map_not_the_counts_the_figures_rest_on(consultation, client):
    """Erasing a person's data takes their point off the map (services.erase_opinion_positions) but
    not their votes out of the computation's shares: the page counted the people behind the group
    columns and the consensus from the points left, one fewer than the figures rest on."""
    from analysis import services
    from tests.factories import UserFactory

    person = UserFactory()
    _vote(consultation, [(30, FIRST_HALF), (30, SECOND_HALF)])
    Vote.objects.filter(participant_key="voter1").update(participant_key=f"u{person.pk}", user=person)
    run = compute_and_save(consultation.pk)
    sizes = [g["size"] for g in run.result["groups"]]
    assert sum(sizes) == 60

    services.erase_opinion_positions(person, keep_pseudonymous=False)
    english = _section(client, consultation, "en")
    assert "The consensus table counts all 60 voters" in english
    assert "the group columns count only the 60 participants placed in a group" in english


def test_the_groups_map_is_drawn_before_any_synthesis_is_published(consultation, client):
    """Groups come from votes, often before the synthesis is published; the map's drawing box came
    only with a published version, so its SVG read viewBox="0 0  " and showed two grey dots of 63
    participants."""
    _vote(consultation, [(30, FIRST_HALF), (30, SECOND_HALF)])
    assert compute_and_save(consultation.pk).status == "ok"
    client.cookies["django_language"] = "en"
    page = client.get(reverse("analysis:report", args=[consultation.slug])).content.decode()
    assert "No synthesis has been published for this consultation yet." in page
    box = f'viewBox="0 0 {presenters.MAP_WIDTH} {presenters.MAP_HEIGHT}"'
    assert f'<svg id="opinion-map" class="pacte-map__svg" {box}' in page


def test_a_saved_consensus_is_shown_only_if_it_passes_the_one_claim_rule(consultation, client):
    """The report re-checks saved computations (older ones held statements the rules now refuse) with
    the stage's own rule, ``claimable``. It checked a consensus statement's vote floor only: 4 of 6
    (one-proportion z 0.76, under 1.2816) was shown as "most voters agree"."""
    _vote(consultation, [(30, FIRST_HALF), (30, SECOND_HALF)])
    run = compute_and_save(consultation.pk)
    proposal = consultation.proposals.order_by("pk").first()
    weak = {"proposal": proposal.pk, "direction": "agree", "n_success": 4, "n_trials": 6}
    run.result["consensus_agree"] = [{**weak, "p_success": 0.625, "p_test": 0.76}]
    run.save(update_fields=["result"])
    english = _section(client, consultation, "en")
    assert "67% (4 of 6" not in english and "No consensus statement yet." in english
