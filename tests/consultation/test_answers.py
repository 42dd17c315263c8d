"""Decision-makers' answers to a consultation's own proposals and themes: organisers record them, the
consultation's rule says which must be answered and by when, the follow-up page and ``adoption_report``
give the adoption rate per source (recommendations, proposals, themes) and overall, and a citizen sees the
answers on their trace and on the proposal's page.

The fixture's figures, by hand (the rule: 60 % agree with at least 10 votes; themes from 40 %):
- proposals: p0 (8/10 agree, required) adopted, p1 (6/10, required) rejected, p5 (12/20, required) not
  answered and past the due date (late), p4 (no vote, not required) partly adopted; p2 (5/10) and p3
  (9 votes) neither required nor answered. 4 items, 3 answered, 2 taken up: 66.7 %; 1 late.
- themes (50 % each, both required): "Alimentation" adopted, "Logement" under study (late). 2 items,
  1 answered, 1 taken up: 100 %; 1 late.
- recommendations of the consultation's panel: adopted, rejected, none yet (adopted 3 days ago: not
  late). 3 items, 2 answered, 1 taken up: 50 %.
- overall: 9 items, 6 answered, 4 taken up: 66.7 %; 2 late."""

import datetime as dt
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from analysis.models import PipelineRun, Theme, ThemeAnswer
from consultation import answers
from consultation.adoption import adoption_by_source, counts_as_answered, counts_as_taken_up
from consultation.models import AnswerPolicy, Proposal, ProposalAnswer
from deliberation import rules as deliberation_rules
from deliberation import services as panel_services
from deliberation.models import DecisionMakerResponse, Panel, Recommendation
from tests.analysis.conftest import published_report
from tests.conftest import with_totp
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

VOTES = {0: (8, 2, 0), 1: (6, 4, 0), 2: (5, 5, 0), 3: (9, 0, 0), 4: (0, 0, 0), 5: (12, 0, 8)}


def answer_fields(status: str, justification: str = "Mesure reprise dans le projet de loi.") -> dict:
    return {
        "decision_maker": "Ministre de la santé",
        "body": "DGS",
        "status": status,
        "justification": justification,
        "answered_on": timezone.localdate().isoformat(),
    }


def themes_of(consultation) -> dict[str, Theme]:
    run = PipelineRun.objects.get(consultation=consultation)
    return {t.label: t for t in run.themes.filter(parent=None)}


def recommendation(organiser, panel, session, title, answer_status=None):
    rec = panel_services.create_recommendation(
        actor=organiser, panel=panel, session=session, title=title, text="Texte."
    )
    Recommendation.objects.filter(pk=rec.pk).update(
        status=Recommendation.Status.ADOPTED, decided_at=timezone.now() - dt.timedelta(days=3)
    )
    rec.refresh_from_db()
    if answer_status:
        panel_services.record_response(
            actor=organiser, recommendation=rec, decision_maker="Ministre", body="Ministère",
            status=answer_status, justification="Réponse.", answered_on=timezone.localdate(),
        )  # fmt: skip
    return rec


@pytest.fixture
def world(organiser, citizen, client):
    """The consultation of the module's docstring, answered by the organiser through the pages."""
    consultation = published_report("suivi-reponses", 6)
    proposals = list(Proposal.objects.filter(consultation=consultation).order_by("id"))
    for i, (agree, disagree, passed) in VOTES.items():
        Proposal.objects.filter(pk=proposals[i].pk).update(
            agree_count=agree, disagree_count=disagree, pass_count=passed
        )
    Proposal.objects.filter(pk=proposals[0].pk).update(author=citizen, author_key=f"u{citizen.pk}")
    client.force_login(with_totp(organiser))
    client.cookies["django_language"] = "en"
    response = client.post(
        reverse("consultation:answer_policy", args=[consultation.slug]),
        {
            "proposals_required": "on",
            "proposal_min_agree_percent": "60",
            "proposal_min_votes": "10",
            "themes_required": "on",
            "theme_min_percent": "40",
            "answers_due_on": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert response.status_code == 302
    for i, status in ((0, "adopted"), (1, "rejected"), (4, "partly_adopted")):
        url = reverse("consultation:answer_proposal", args=[consultation.slug, proposals[i].pk])
        fields = answer_fields(status)
        if i == 0:
            fields["milestones"] = "Décret d'application; 2030-01-15"
        response = client.post(url, fields)
        assert response.status_code == 302, response.content.decode()[:2000]
    themes = themes_of(consultation)
    for label, status in (("Alimentation", "adopted"), ("Logement", "under_study")):
        fields = answer_fields(status, f"Le thème {label} est pris en compte.")
        response = client.post(reverse("analysis:answer_theme", args=[themes[label].pk]), fields)
        assert response.status_code == 302, response.content.decode()[:2000]
    client.logout()
    panel = panel_services.create_panel(actor=organiser, title="Assises", consultation=consultation)
    Panel.objects.filter(pk=panel.pk).update(status=Panel.Status.DELIBERATING)  # a public panel
    session = panel_services.schedule_session(
        actor=organiser, panel=panel, title="Séance", starts_at=timezone.now(), place="Lyon"
    )
    recommendation(organiser, panel, session, "Registre des refus", "adopted")
    recommendation(organiser, panel, session, "Consentement explicite", "rejected")
    recommendation(organiser, panel, session, "Information annuelle")
    return consultation, proposals, themes


def test_an_organiser_answers_a_proposal_and_a_theme(world):
    consultation, proposals, themes = world
    answer = ProposalAnswer.objects.get(proposal=proposals[0])
    assert (answer.status, answer.decision_maker, answer.body) == ("adopted", "Ministre de la santé", "DGS")
    assert answer.milestones.get().title == "Décret d'application"
    assert ThemeAnswer.objects.get(theme=themes["Logement"]).status == "under_study"
    policy = AnswerPolicy.objects.get(consultation=consultation)
    assert (policy.proposal_min_agree_percent, policy.proposal_min_votes, policy.theme_min_percent) == (
        60,
        10,
        40,
    )


def test_the_follow_up_page_gives_the_rate_per_source_and_overall(world, client):
    consultation, _proposals, _themes = world
    client.cookies["django_language"] = "en"
    page = client.get(reverse("consultation:followup", args=[consultation.slug])).content.decode()
    # The rule, stated publicly.
    assert "at least 10 votes of which at least 60% agree" in page
    assert "holding at least 40% of the contributions" in page
    # The table: one row per source and the overall row, with their definitions next to them.
    rows = {
        key: page.split(f'id="adoption-{key}"')[1].split("</tr>")[0]
        for key in ("recommendations", "proposals", "themes", "overall")
    }
    figures = {
        "recommendations": ("<td>3</td>", "<td>2</td>", "<td>1</td>", "50%"),
        "proposals": ("<td>4</td>", "<td>3</td>", "<td>2</td>", "67%"),
        "themes": ("<td>2</td>", "<td>1</td>", "<td>1</td>", "100%"),
        "overall": ("<td>9</td>", "<td>6</td>", "<td>4</td>", "67%"),
    }
    for key, (items, answered, taken_up, rate) in figures.items():
        cells = rows[key]
        assert f"{items}\n    {answered}\n    {taken_up}\n    <td>{rate}</td>" in cells, (key, cells)
    assert "not an average of the rates above" in rows["overall"]
    assert 'id="answer-definitions"' in page and "Counts as answered" in page
    assert "Décret d&#x27;application — due" in page  # the milestone promised in the answer
    every = client.get(reverse("consultation:followup_all")).content.decode()
    overall = every.split('id="adoption-overall"')[1].split("</tr>")[0]
    assert "<td>9</td>\n    <td>6</td>\n    <td>4</td>\n    <td>67%</td>" in overall


def test_adoption_report_json_gives_the_same_figures(world):
    consultation, _proposals, _themes = world
    out = StringIO()
    call_command("adoption_report", "--consultation", consultation.slug, "--json", stdout=out)
    report = json.loads(out.getvalue())
    by_source = report["by_source"]
    assert by_source["proposals"]["items"] == 4 and by_source["proposals"]["answered"] == 3
    assert by_source["proposals"]["adoption_rate"] == pytest.approx(2 / 3)
    assert by_source["proposals"]["late_answers"] == 1
    assert by_source["themes"]["adoption_rate"] == pytest.approx(1.0)
    assert by_source["themes"]["late_answers"] == 1
    assert by_source["recommendations"]["adoption_rate"] == pytest.approx(0.5)
    assert report["overall"]["items"] == 9 and report["overall"]["answered"] == 6
    assert report["overall"]["adoption_rate"] == pytest.approx(4 / 6)
    assert report["overall"]["late_answers"] == 2
    # Every consultation together: here the only one out of draft, so the same overall figures, and the
    # page across consultations says so too.
    out = StringIO()
    call_command("adoption_report", "--json", stdout=out)
    assert json.loads(out.getvalue())["overall"] == report["overall"]
    # The panels' figures stay where they were (compatible output).
    assert report["recommendations"] == 3 and report["adoption_rate"] == pytest.approx(0.5)


def test_a_required_proposal_without_an_answer_past_the_deadline_shows_late(world, client):
    consultation, proposals, _themes = world
    reports, _overall = adoption_by_source(consultation)
    items = {
        item.url: item for report in reports if report.source.key == "proposals" for item in report.items
    }
    late = items[reverse("consultation:proposal", args=[consultation.slug, proposals[5].pk])]
    assert late.required and late.state.late
    assert not items[reverse("consultation:proposal", args=[consultation.slug, proposals[4].pk])].required
    client.cookies["django_language"] = "en"
    page = client.get(reverse("consultation:proposal", args=[consultation.slug, proposals[5].pk])).content
    assert "the answer is late" in page.decode()
    followup = client.get(reverse("consultation:followup", args=[consultation.slug])).content.decode()
    assert followup.count("Late: no answer by the due date") == 2  # proposal 5 and the theme under study


def test_a_citizen_sees_the_answers_on_their_trace_and_on_the_proposal_page(world, client, citizen):
    consultation, proposals, _themes = world
    client.force_login(citizen)
    client.cookies["django_language"] = "en"
    mine = client.get(reverse("consultation:mine")).content.decode()
    assert "Answer of Ministre de la santé (DGS)" in mine and "Adopted." in mine
    assert "Mesure reprise dans le projet de loi." in mine
    # Proposal 0 landed in "Alimentation", which was answered too.
    assert "Le thème Alimentation est pris en compte." in mine
    page = client.get(reverse("consultation:proposal", args=[consultation.slug, proposals[0].pk])).content
    page = page.decode()
    assert "Answer of Ministre de la santé (DGS)" in page and "Mesure reprise dans le projet de loi." in page
    assert "Le thème Alimentation est pris en compte." in page


@pytest.mark.parametrize("role", ["anonymous", "citizen", "moderator", "facilitator"])
def test_only_organisers_answer(world, client, role):
    consultation, proposals, themes = world
    if role != "anonymous":
        person = UserFactory(roles=["citizen", role] if role != "citizen" else ["citizen"])
        client.force_login(with_totp(person) if role != "citizen" else person)
    before = ProposalAnswer.objects.count(), ThemeAnswer.objects.count()
    urls = [
        reverse("consultation:answer_proposal", args=[consultation.slug, proposals[2].pk]),
        reverse("analysis:answer_theme", args=[themes["Alimentation"].pk]),
        reverse("consultation:answer_policy", args=[consultation.slug]),
    ]
    for url in urls:
        response = client.post(url, answer_fields("adopted"))
        assert response.status_code in (302, 403, 404)
        if response.status_code == 302:
            assert response["Location"].startswith(reverse("account_login"))
    assert (ProposalAnswer.objects.count(), ThemeAnswer.objects.count()) == before


def test_the_service_refuses_a_non_organiser_and_a_hidden_proposal(world, citizen, organiser):
    consultation, proposals, _themes = world
    fields = {**answer_fields("adopted"), "answered_on": timezone.localdate()}
    with pytest.raises(answers.AnswerError) as refused:
        answers.record_proposal_answer(actor=citizen, proposal=proposals[2], **fields)
    assert refused.value.status == 403
    Proposal.objects.filter(pk=proposals[2].pk).update(status=Proposal.Status.HIDDEN)
    proposals[2].refresh_from_db()
    with pytest.raises(answers.AnswerError) as refused:
        answers.record_proposal_answer(actor=organiser, proposal=proposals[2], **fields)
    assert refused.value.status == 409


def test_one_rule_for_the_three_sources():
    """The recommendations' rule is the shared one (deliberation names it, does not define it)."""
    assert deliberation_rules.counts_as_answered is counts_as_answered
    assert deliberation_rules.counts_as_taken_up is counts_as_taken_up
    assert DecisionMakerResponse.Status is ProposalAnswer.Status is ThemeAnswer.Status


def test_an_organiser_keeps_the_milestones_of_an_answer(world, client, organiser):
    consultation, proposals, _themes = world
    milestone = ProposalAnswer.objects.get(proposal=proposals[0]).milestones.get()
    client.force_login(organiser)  # the fixture gave them their second factor
    client.cookies["django_language"] = "en"
    url = reverse("consultation:proposal_milestone", args=[milestone.pk])
    moved = timezone.localdate() + dt.timedelta(days=400)
    response = client.post(
        url,
        {"action": "change", "title": milestone.title, "due_on": moved.isoformat(), "note": "Conseil d'État"},
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert (milestone.due_on, milestone.first_due_on, milestone.change_note) == (
        moved,
        dt.date(2030, 1, 15),
        "Conseil d'État",
    )
    client.post(url, {"action": "done", "done_on": timezone.localdate().isoformat()})
    milestone.refresh_from_db()
    assert milestone.done_on == timezone.localdate()
    page = client.get(reverse("consultation:followup", args=[consultation.slug])).content.decode()
    assert "First promised for" in page and "done on" in page
    client.logout()
    client.force_login(UserFactory(roles=["citizen"]))
    assert client.post(url, {"action": "done", "done_on": "2026-01-01"}).status_code in (403, 404)


def test_the_follow_up_reads_a_fixed_number_of_queries(world, organiser):
    """More answered proposals do not mean more queries (a national consultation has thousands)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    consultation, proposals, _themes = world
    with CaptureQueriesContext(connection) as before:
        adoption_by_source(consultation)
    for proposal in (proposals[2], proposals[3]):
        fields = {
            **answer_fields("rejected"),
            "answered_on": timezone.localdate(),
            "milestones": [("Étude", None)],
        }
        answers.record_proposal_answer(actor=organiser, proposal=proposal, **fields)
    with CaptureQueriesContext(connection) as after:
        reports, _overall = adoption_by_source(consultation)
    assert len(after.captured_queries) == len(before.captured_queries)
    assert sum(len(r.items) for r in reports if r.source.key == "proposals") == 6
