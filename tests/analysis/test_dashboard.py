"""The organisers' dashboard of who took part: figures on known data, small cells, CSV, command, access."""

import csv
import datetime as dt
import io
import json
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import Profile
from analysis import kpis
from analysis import services as analysis_services
from analysis.models import Contribution, PipelineRun, SynthesisVersion, Theme
from analysis.synthesis import initial_data
from consultation.models import Answer, Proposal, Vote
from deliberation import models as d
from tests.factories import UserFactory
from tests.helpers import make_consultation

# --- The pure figures, on data computed by hand -----------------------------------------------------------


def test_representativeness_index_and_shares_on_known_counts():
    # 100 people answered: 60 women, 30 men, 10 "other" (a value the reference does not count).
    figures = kpis.representativeness({"female": 60, "male": 30, "other": 10}, {"female": 0.52, "male": 0.48})
    groups = {g["value"]: g for g in figures["groups"]}
    assert figures["respondents"] == 100
    assert [g["value"] for g in figures["groups"]] == ["female", "male", "other"]  # reference order first
    assert groups["female"]["share"] == pytest.approx(0.60)  # among everyone who answered
    assert groups["other"]["share"] == pytest.approx(0.10)
    assert groups["other"]["reference_share"] is None
    # Over the 90 whose answer the reference counts: 2/3 and 1/3 against 0.52 and 0.48.
    # TVD = ½ (|0.6667 - 0.52| + |0.3333 - 0.48|) = 0.1467; index = 0.8533, given as 0.85.
    assert figures["index"] == 0.85
    assert groups["male"]["ratio"] == pytest.approx((30 / 90) / 0.48, abs=1e-3)  # 0.694
    assert figures["under_represented"] == ["male"]


def test_a_small_cell_is_hidden_with_the_one_that_would_reveal_it():
    reference = {"a": 0.25, "b": 0.25, "c": 0.25, "d": 0.25}
    figures = kpis.representativeness({"a": 4, "b": 30, "c": 40, "d": 26}, reference)
    groups = {g["value"]: g for g in figures["groups"]}
    # "a" (4 < 10) is hidden; alone it could be worked out as 100 - 30 - 40 - 26: "d", the next smallest,
    # is hidden too.
    assert groups["a"] == {
        "value": "a", "count": None, "share": None, "reference_share": 0.25, "ratio": None,
        "suppressed": True, "small": True,
    }  # fmt: skip
    # "d" holds 26 people: it must not read "fewer than 10" on the page or in the CSV.
    assert groups["d"]["count"] is None and groups["d"]["suppressed"] and not groups["d"]["small"]
    assert groups["b"]["count"] == 30 and groups["c"]["count"] == 40
    # The index (½ (0.21 + 0.05 + 0.15 + 0.01) = 0.21, so 0.79) would narrow the hidden counts down: with
    # 100 answers a step of 0.01 is one person. It is not shown...
    assert figures["index"] is None and figures["index_hidden"]
    assert figures["under_represented"] == ["a"]  # named (outreach needs it), its count stays hidden
    # ...until a step of 0.01 stands for at least 10 people (1,000 answers).
    figures = kpis.representativeness({"a": 4, "b": 300, "c": 400, "d": 296}, reference)
    assert figures["index"] == pytest.approx(1 - 0.5 * (0.246 + 0.05 + 0.15 + 0.046), abs=0.005)
    assert [g["value"] for g in figures["groups"] if g["suppressed"]] == ["a", "d"]


def test_fewer_answers_than_a_cell_hide_everything():
    figures = kpis.representativeness({"female": 5, "male": 3}, {"female": 0.52, "male": 0.48})
    assert all(g["suppressed"] for g in figures["groups"])
    assert figures["index"] is None
    assert figures["under_represented"] == []


def test_weeks_run_from_the_first_to_the_last_with_quiet_weeks_at_zero():
    monday = dt.date(2026, 3, 2)
    later = monday + dt.timedelta(days=14)
    rows = kpis.weekly_rows(
        [("u1", monday), ("u2", monday), ("u1", later)],
        {"answers": {monday: 3}, "proposals": {later: 1}, "votes": {later: 5}},
    )
    assert rows == [
        {
            "week": "2026-03-02",
            "participants": 2,
            "answers": 3,
            "proposals": 0,
            "votes": 0,
            "contributions": 3,
        },
        {
            "week": "2026-03-09",
            "participants": 0,
            "answers": 0,
            "proposals": 0,
            "votes": 0,
            "contributions": 0,
        },
        {
            "week": "2026-03-16",
            "participants": 1,
            "answers": 0,
            "proposals": 1,
            "votes": 5,
            "contributions": 1,
        },
    ]


# --- A consultation with known participants ---------------------------------------------------------------

WEEK_1 = dt.datetime(2026, 3, 3, 10, tzinfo=dt.UTC)  # a Tuesday
WEEK_2 = WEEK_1 + dt.timedelta(days=7)


def _person(gender="", age_band=""):
    user = UserFactory(roles=["citizen"])
    Profile.objects.update_or_create(user=user, defaults={"gender": gender, "age_band": age_band})
    return user


@pytest.fixture
def taken_part(db):
    """A consultation: 12 women aged 25-34 and 10 men aged 65+ answered in week 1; 4 of the women voted in
    week 2 on a proposal of one man (week 2); 2 people without a profile answer; one imported voter. A second
    consultation where 2 of the women answered too. A published synthesis with 3 contributions, 2 in a
    theme and 1 in "Other"; a panel with one adopted recommendation, answered "adopted"."""
    consultation = make_consultation("tableau")
    other = make_consultation("autre")
    question = consultation.questions.get(kind="single")
    women = [_person("female", "25-34") for _ in range(12)]
    men = [_person("male", "65+") for _ in range(10)]
    anonymous = [UserFactory(roles=["citizen"]) for _ in range(2)]
    for user in women + men + anonymous:
        Answer.objects.create(question=question, user=user, created_at=WEEK_1)
    for user in women[:2]:
        Answer.objects.create(question=other.questions.get(kind="single"), user=user, created_at=WEEK_1)
    proposal = Proposal.objects.create(
        consultation=consultation,
        author=men[0],
        author_key=f"u{men[0].pk}",
        text="Une idée.",
        created_at=WEEK_2,
    )
    for user in women[:4]:
        Vote.objects.create(
            proposal=proposal, user=user, participant_key=f"u{user.pk}", value=1, created_at=WEEK_2
        )
    Vote.objects.create(proposal=proposal, participant_key="polis:7", value=-1, created_at=WEEK_2)

    run = PipelineRun.objects.create(consultation=consultation, status=PipelineRun.Status.DONE)
    theme = Theme.objects.create(run=run, number=0, label="Consentement", keywords=["consentement"])
    rest = Theme.objects.create(run=run, number=-1, label="Autres", keywords=[])
    for position, target in enumerate([theme, theme, rest]):
        Contribution.objects.create(
            run=run, position=position, source_type="proposal", source_id=position + 1, text="Texte.",
            text_hash=f"{position:064x}", theme=target, duplicate_group=position,
        )  # fmt: skip
    version = SynthesisVersion.objects.create(run=run, number=1, action="pipeline", data=initial_data(run))
    analysis_services.publish_version(actor=None, version=version)

    panel = d.Panel.objects.create(title="Panel", status="deliberating", consultation=consultation)
    session = d.Session.objects.create(panel=panel, title="Séance", starts_at=timezone.now())
    recommendation = d.Recommendation.objects.create(
        panel=panel, session=session, title="R", text="T", status="adopted", decided_at=timezone.now()
    )
    d.DecisionMakerResponse.objects.create(
        recommendation=recommendation, decision_maker="Ministre", body="Ministère", status="adopted",
        justification="Oui.", answered_on=timezone.localdate(),
    )  # fmt: skip
    return consultation


def test_participation_figures_of_one_consultation(taken_part):
    figures = kpis.kpis(taken_part)
    p = figures["participation"]
    assert p["participants"] == 12 + 10 + 2 + 1  # the imported voter counts under their key
    assert (p["answers"], p["proposals"], p["votes"], p["contributions"]) == (24, 1, 5, 25)
    assert p["returning_participants"] == 4 + 1  # the 4 women who voted, the man who proposed in week 2
    assert p["several_consultations"] == 2
    assert [(w["week"], w["participants"], w["contributions"], w["votes"]) for w in figures["weeks"]] == [
        ("2026-03-02", 24, 24, 0),
        ("2026-03-09", 6, 1, 5),
    ]
    assert figures["themes"] == {
        "published_syntheses": 1, "analysed": 3, "reached_published_theme": 2, "share": pytest.approx(2 / 3)
    }  # fmt: skip
    assert figures["panels"]["recommendations"] == 1
    assert figures["panels"]["adoption_rate"] == 1.0


def test_representativeness_of_one_consultation_against_insee(taken_part):
    strata = {s["stratum"]: s for s in kpis.kpis(taken_part)["representativeness"]["strata"]}
    gender = strata["gender"]
    groups = {g["value"]: g for g in gender["groups"]}
    assert gender["respondents"] == 22
    assert groups["female"]["count"] == 12 and groups["female"]["share"] == pytest.approx(12 / 22)
    assert groups["male"]["count"] == 10 and groups["male"]["reference_share"] == 0.48
    # The index, by hand from the shipped INSEE shares (women 0.52, men 0.48):
    # 1 - ½ (|12/22 - 0.52| + |10/22 - 0.48|) = 1 - 0.0255 = 0.97.
    assert gender["index"] == 0.97
    assert gender["under_represented"] == ["male"]
    # By age: 12 aged 25-34, 10 aged 65 or over, nobody in the three other bands: those are hidden (under
    # 10), and so is the index, which would give them away with 22 answers.
    age = {g["value"]: g for g in strata["age_band"]["groups"]}
    assert [v for v, g in age.items() if g["suppressed"]] == ["16-24", "35-49", "50-64"]
    assert age["25-34"]["count"] == 12 and age["65+"]["count"] == 10
    assert strata["age_band"]["index"] is None and strata["age_band"]["index_hidden"]
    assert strata["age_band"]["under_represented"][0] in ("16-24", "35-49", "50-64")
    assert gender["reference_source"].startswith("INSEE")
    assert gender["reference_year"] == 2024
    assert strata["socio_professional"]["index"] is None  # no reference shipped for it
    assert strata["socio_professional"]["reference_source"] is None


# --- The page, its CSV and the command --------------------------------------------------------------------


def test_the_page_shows_every_chart_beside_its_table(taken_part, organiser_client):
    response = organiser_client.get(reverse("analysis:consultation_dashboard", args=["tableau"]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Indice de représentativité : 0,97" in page  # gender, computed by hand below
    assert "moins de 10 (non affiché)" in page  # the age bands nobody gave
    assert "INSEE" in page
    # Every bar is drawn inside a table row that carries its figures.
    outside = re.sub(r"<table>.*?</table>", "", page, flags=re.S)
    assert "<svg" in page and "<svg" not in outside
    for table in re.findall(r"<table>.*?</table>", page, flags=re.S):
        if "<svg" in table:
            assert "<caption>" in table and '<th scope="col">' in table


def test_the_page_across_consultations_links_each_one(taken_part, organiser_client):
    page = organiser_client.get(reverse("analysis:dashboard")).content.decode()
    assert reverse("analysis:consultation_dashboard", args=["tableau"]) in page
    assert reverse("analysis:consultation_dashboard", args=["autre"]) in page


@pytest.mark.parametrize("table", ["summary", "weeks", "representativeness", "panels", "adoption"])
def test_each_figure_downloads_as_a_csv_a_spreadsheet_opens(taken_part, organiser_client, table):
    response = organiser_client.get(reverse("analysis:consultation_dashboard_csv", args=["tableau", table]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8")
    assert body.startswith("\ufeff")  # Excel reads UTF-8
    rows = list(csv.reader(io.StringIO(body[1:]), delimiter=";"))  # French: ";" between fields
    assert len(rows) > 1 and all(len(row) == len(rows[0]) for row in rows)
    if table == "representativeness":
        header = rows[0]
        young = next(r for r in rows if r[header.index("value")] == "16-24")
        assert young[header.index("participants")] == "moins de 10 (non affiché)"
        male = next(r for r in rows if r[header.index("value")] == "male")
        assert male[header.index("participants")] == "10"
        assert male[header.index("reference_percent")] == "48"  # a figure as a person writes it
        shares = [r[header.index("participants_percent")] for r in rows[1:]]
        assert any("," in share for share in shares) and not any("." in share for share in shares)


def test_an_unknown_table_is_a_404(taken_part, organiser_client):
    response = organiser_client.get(reverse("analysis:consultation_dashboard_csv", args=["tableau", "nope"]))
    assert response.status_code == 404


def test_the_command_prints_the_same_figures_as_one_json_object(taken_part):
    out = io.StringIO()
    call_command("kpis", "--consultation", "tableau", "--json", stdout=out)
    printed = json.loads(out.getvalue())
    assert set(printed) == {
        "scope", "participation", "weeks", "themes", "representativeness", "panels", "adoption"
    }  # fmt: skip
    expected = kpis.kpis(taken_part)
    assert printed["adoption"] == json.loads(json.dumps(expected["adoption"]))
    assert printed["participation"] == expected["participation"]
    assert printed["representativeness"] == expected["representativeness"]
    out = io.StringIO()
    call_command("kpis", "--json", stdout=out)
    assert "consultations" in json.loads(out.getvalue())


def test_the_command_refuses_an_unknown_consultation(db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("kpis", "--consultation", "inconnue", "--json", stdout=io.StringIO())


@pytest.mark.parametrize(
    "name, args",
    [
        ("analysis:dashboard", []),
        ("analysis:dashboard_csv", ["summary"]),
        ("analysis:consultation_dashboard", ["tableau"]),
        ("analysis:consultation_dashboard_csv", ["tableau", "summary"]),
    ],
)
def test_a_citizen_is_refused(taken_part, client, citizen, name, args):
    client.force_login(citizen)
    assert client.get(reverse(name, args=args)).status_code == 403


def test_a_stratum_without_reference_lists_every_answer_it_can_hold():
    figures = kpis.representativeness({"retired": 12}, None, all_values=["farmer", "retired", "worker"])
    assert [(g["value"], g["count"]) for g in figures["groups"]] == [
        ("farmer", None), ("retired", 12), ("worker", None)
    ]  # fmt: skip
    assert figures["index"] is None and figures["under_represented"] == []


def test_adoption_per_source_is_the_follow_up_pages(taken_part, organiser, organiser_client):
    """The dashboard reads the one rule of the follow-up page: panel recommendations, proposals, themes and
    overall, the same figures as ``adoption_report --json``."""
    from analysis.theme_answers import record_theme_answer
    from consultation import answers

    answers.save_answer_policy(
        actor=organiser, consultation=taken_part, proposals_required=True, proposal_min_agree_percent=50,
        proposal_min_votes=1, themes_required=True, theme_min_percent=0, answers_due_on=None,
    )  # fmt: skip
    fields = {
        "decision_maker": "Maire", "body": "Mairie", "justification": "Parce que.",
        "answered_on": timezone.localdate(),
    }  # fmt: skip
    proposal = Proposal.objects.get(consultation=taken_part)
    Proposal.objects.filter(pk=proposal.pk).update(status="visible", agree_count=4, disagree_count=1)
    answers.record_proposal_answer(
        actor=organiser, proposal=Proposal.objects.get(pk=proposal.pk), status="rejected", **fields
    )
    theme = Theme.objects.get(run__consultation=taken_part, label="Consentement")
    record_theme_answer(actor=organiser, theme=theme, status="adopted", **fields)

    adoption = kpis.kpis(taken_part)["adoption"]
    by_source = adoption["by_source"]
    assert set(by_source) == {"recommendations", "proposals", "themes"}
    rates = {key: (values["answered"], values["adoption_rate"]) for key, values in by_source.items()}
    assert rates == {"recommendations": (1, 1.0), "proposals": (1, 0.0), "themes": (1, 1.0)}
    assert adoption["overall"]["answered"] == 3
    assert adoption["overall"]["adoption_rate"] == pytest.approx(2 / 3)

    out = io.StringIO()
    call_command("adoption_report", "--consultation", "tableau", "--json", stdout=out)
    report = json.loads(out.getvalue())
    assert report["by_source"] == adoption["by_source"] and report["overall"] == adoption["overall"]

    from django.core.cache import cache

    cache.clear()
    page = organiser_client.get(reverse("analysis:consultation_dashboard", args=["tableau"])).content.decode()
    assert 'id="adoption-proposals"' in page and 'id="adoption-themes"' in page
    assert 'id="adoption-overall"' in page
    # The overall rate as every page writes it: 2 of 3, whole per cent, French spacing.
    assert "67\u00a0%" in page and "66,7" not in page
