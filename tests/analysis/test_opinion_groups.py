"""Opinion groups (issue 6) on a real Pol.is conversation imported with the consultation command."""

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.formats import date_format, number_format, time_format
from django.utils.timezone import localtime
from django.utils.translation import override

from analysis import services, tasks
from analysis.models import OpinionRun
from analysis.opinion import bridging_order, consultations_needing_groups
from consultation.models import Proposal, Vote
from tests.analysis.conftest import add_proposals
from tests.helpers import DATA
from tests.typography import misplaced_separators, visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def polis_consultation():
    folder = DATA / "polis" / "london.youth.policing"
    call_command("import_polis", str(folder), consultation="london-youth-policing")
    from consultation.models import Consultation

    return Consultation.objects.get(slug="london-youth-policing")


@pytest.mark.model
def test_groups_of_an_imported_polis_conversation_show_on_the_report(
    polis_consultation, client, django_capture_on_commit_callbacks
):
    result = tasks.compute_opinion_groups.delay(polis_consultation.pk).get()
    run = OpinionRun.objects.get(pk=result)
    assert (
        run.status == "ok"
        and run.vote_count == Vote.objects.filter(proposal__consultation=polis_consultation).count()
    )
    groups = run.result["groups"]
    assert len(groups) >= 2 and all(g["representative"] for g in groups)
    # Themes of the same conversation, published, give the themes x groups table.
    with django_capture_on_commit_callbacks(execute=True):
        theme_run = services.start_run(consultation=polis_consultation, k=3)
    theme_run.refresh_from_db()
    services.publish_version(actor=None, version=theme_run.versions.get())

    client.cookies["django_language"] = "en"
    page = client.get(reverse("analysis:report", args=[polis_consultation.slug])).content.decode()
    assert "Opinion groups: size and representative statements" in page
    assert "Group 2" in page and 'id="opinion-map"' in page
    assert "Themes and opinion groups" in page
    assert not misplaced_separators(visible_text(page), "en")  # "Agrees: … (83%)", not "(83 %)"
    statement = Proposal.objects.get(pk=groups[0]["representative"][0]["proposal"]).text
    assert statement[:40] in page.replace("&#x27;", "'").replace("&quot;", '"')

    order = bridging_order(polis_consultation)
    assert sorted(order) == sorted(int(b["proposal"]) for b in run.result["bridging"]) and order


def test_few_votes_show_a_not_enough_votes_state(consultation, client):
    proposals = add_proposals(consultation, ["Plus de transparence.", "Un registre de refus simple."])
    Vote.objects.create(proposal=proposals[0], participant_key="u1", value=1)
    Vote.objects.create(proposal=proposals[1], participant_key="u2", value=-1)
    tasks.compute_opinion_groups.delay(consultation.pk)
    assert OpinionRun.objects.get().status == "not_enough_votes"
    client.cookies["django_language"] = "en"
    page = client.get(reverse("analysis:report", args=[consultation.slug])).content.decode()
    assert "Not enough votes yet to find opinion groups" in page
    assert (
        "Groups are drawn once at least 10 participants have each voted on 2 proposals or more; 0 had then."
        in page
    )


def test_recomputation_is_debounced_and_triggered_by_new_votes(
    consultation, settings, django_capture_on_commit_callbacks
):
    settings.PACTE_OPINION_MIN_NEW_VOTES = 3
    proposal = add_proposals(consultation, ["Un texte à voter."])[0]
    for i in range(2):
        Vote.objects.create(proposal=proposal, participant_key=f"u{i}", value=1)
    assert consultation.pk not in consultations_needing_groups()
    Vote.objects.create(proposal=proposal, participant_key="u3", value=-1)
    assert consultations_needing_groups() == [consultation.pk]
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.schedule_opinion_groups(consultation.pk) is True
        assert tasks.schedule_opinion_groups(consultation.pk) is False  # one pending computation at most
    assert OpinionRun.objects.filter(consultation=consultation).count() == 1
    assert consultation.pk not in consultations_needing_groups()  # counted up to date


def test_the_command_reports_the_groups(polis_consultation, capsys):
    with override("fr"):
        call_command("compute_opinion_groups", polis_consultation.slug)
    assert "groupes d’opinion à partir de" in capsys.readouterr().out


def test_proposal_list_offers_the_bridging_order(polis_consultation, client):
    tasks.compute_opinion_groups.delay(polis_consultation.pk).get()
    top = bridging_order(polis_consultation)[0]
    client.cookies["django_language"] = "en"
    page = client.get(reverse("consultation:proposals", args=[polis_consultation.slug]) + "?order=bridging")
    html = page.content.decode()
    assert page.status_code == 200 and "Bridging (agreed across opinion groups)" in html
    first_text = Proposal.objects.get(pk=top).text[:40]
    other_texts = [p.text[:40] for p in polis_consultation.proposals.exclude(pk=top)]
    decoded = html.replace("&#x27;", "'").replace("&quot;", '"')
    position = decoded.find(first_text)
    assert position != -1 and all(decoded.find(t) == -1 or decoded.find(t) > position for t in other_texts)


def test_votes_schedule_one_debounced_recomputation_on_the_workers(
    consultation, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from consultation import services as consultation_services
    from tests.factories import UserFactory

    settings.CELERY_TASK_ALWAYS_EAGER = False  # as in production: the request only schedules
    scheduled = []
    monkeypatch.setattr(
        tasks.compute_opinion_groups, "apply_async", lambda args, countdown: scheduled.append(args)
    )
    proposal = add_proposals(consultation, ["Un registre national des refus simple d'accès."])[0]
    for _ in range(3):
        voter = UserFactory()
        consultation_services.accept_charter(user=voter, consultation=consultation)
        with django_capture_on_commit_callbacks(execute=True):
            consultation_services.cast_vote(user=voter, proposal=proposal, value="agree")
    assert scheduled == [(consultation.pk,)]  # three votes, one computation within the debounce window


@pytest.mark.model
def test_consultation_page_links_to_its_published_synthesis(
    polis_consultation, client, django_capture_on_commit_callbacks
):
    url = reverse("analysis:report", args=[polis_consultation.slug])
    detail = reverse("consultation:detail", args=[polis_consultation.slug])
    assert f'href="{url}"' not in client.get(detail).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_run(consultation=polis_consultation, k=3)
    run.refresh_from_db()
    services.publish_version(actor=None, version=run.versions.get())
    assert url in client.get(detail).content.decode()


def _opinion_section(page: str) -> str:
    start = page.index('id="opinion-title"')
    return page[start : page.index("</section>", start)]


@pytest.mark.model
def test_the_report_makes_no_claim_resting_on_fewer_votes_than_the_floor(
    polis_consultation, client, django_capture_on_commit_callbacks
):
    import re

    run = OpinionRun.objects.get(pk=tasks.compute_opinion_groups.delay(polis_consultation.pk).get())
    floor = run.result["parameters"]["min_claim_votes"]
    with django_capture_on_commit_callbacks(execute=True):
        theme_run = services.start_run(consultation=polis_consultation, k=3)
    theme_run.refresh_from_db()
    services.publish_version(actor=None, version=theme_run.versions.get())
    client.cookies["django_language"] = "en"
    section = _opinion_section(
        client.get(reverse("analysis:report", args=[polis_consultation.slug])).content.decode()
    )

    # Every share shown ("83% (5 of 6)", "80%, 4 of the 5 members who voted on it") rests on the floor.
    bases = [int(n) for n in re.findall(r"of (?:the )?(\d+)(?:\)| members? who voted)", section)]
    assert bases and min(bases) >= floor
    assert f"at least {floor} of the people concerned voted on it" in section
    # London's two groups of 3 (under 5 members) are not groups: their members are on the map, in grey.
    unplaced = sum(1 for p in run.result["participants"] if p["clustered"] and p["group"] is None)
    assert unplaced == 6 and len(run.result["groups"]) == 2
    assert "6 participants are on the map, in grey, without a group." in section
    assert "Not placed in a group" in section and "Participant not placed in a group" in section
    # A verdict needs every group's votes and a significant difference; "Too few votes" otherwise.
    assert "a verdict needs at least 5 votes from every group" in section
    # When and on how many votes, written as the rest of the page writes figures and dates.
    with override("en"):
        at = localtime(run.computed_at)
        when = f"computed on {date_format(at)} at {time_format(at)}"
        votes = number_format(run.vote_count, force_grouping=True)
    assert f"({votes} votes, {when})" in section


def test_a_recomputation_keeps_the_number_of_each_group(polis_consultation):
    first = OpinionRun.objects.get(pk=tasks.compute_opinion_groups.delay(polis_consultation.pk).get())
    # Number the groups the other way round, as an earlier computation might have.
    swap = {0: 1, 1: 0}
    for p in first.result["participants"]:
        if p["group"] is not None:
            p["group"] = swap[p["group"]]
    first.save()
    members = {p["participant"]: p["group"] for p in first.result["participants"] if p["group"] is not None}

    second = OpinionRun.objects.get(pk=tasks.compute_opinion_groups.delay(polis_consultation.pk).get())
    again = {p["participant"]: p["group"] for p in second.result["participants"] if p["group"] is not None}
    assert again == members


@pytest.mark.parametrize(
    ("cells", "verdict"),
    [
        ([[9, 1, 0], [8, 1, 1]], "unites"),  # 90 % and 80 % agree, both clearly over half
        ([[4, 0, 0], [4, 0, 0]], "unknown"),  # 100 % agree, but 4 votes per group: under the floor
        ([[5, 0, 0], [1, 4, 0]], "divides"),  # 100 % vs 20 %, z 2.4
        ([[3, 2, 0], [1, 4, 0]], "mixed"),  # 60 % vs 20 %: 40 points apart, yet z 1.15 only
        ([[1, 9, 0], [0, 10, 0]], "unites"),  # both reject it
    ],
)
def test_a_theme_unites_or_divides_the_groups_only_with_enough_votes_and_significance(cells, verdict):
    from analysis.opinion import theme_verdict

    assert theme_verdict(cells, floor=5, z=1.2816) == verdict


def test_the_other_row_gets_shares_but_no_verdict():
    """ "Other" holds what no theme holds: the groups' shares on it are shown, but "the groups agree on
    Other" would be a claim about a topic that does not exist."""
    from types import SimpleNamespace

    from analysis.opinion import themes_by_groups

    everyone_agrees = [[12, 0, 0], [12, 0, 0]]
    run = SimpleNamespace(
        result={"groups": [{}, {}], "proposal_groups": {"1": everyone_agrees, "2": everyone_agrees}}
    )
    themes = [{"key": "a", "other": False}, {"key": "o", "other": True}]
    rows = themes_by_groups(run, themes, {1: "a", 2: "o"})
    assert [(row["theme"]["key"], row["verdict"]) for row in rows] == [("a", "unites"), ("o", "other")]
    assert [share["percent"] for share in rows[1]["shares"]] == [100, 100]
