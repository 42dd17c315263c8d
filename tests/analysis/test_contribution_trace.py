"""What became of my contribution: from a proposal, an answer or a vote to the theme of the published
synthesis, to the panel recommendations linked to it, to the decision-maker's answer; and each proposal's
own page and the search of the proposal list."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from analysis.models import Contribution, PipelineRun, ThemeRecommendationLink
from consultation import services as consultation_services
from consultation.models import Proposal, Question
from deliberation import services as panel_services
from deliberation.models import Recommendation
from tests.analysis.conftest import published_report
from tests.helpers import make_consultation


def read(response) -> str:
    """The page as read: the theme's title is in a <span lang> of its own (report.grouped_in_theme)."""
    return re.sub(r'<span lang="[a-z-]+">(.*?)</span>', r"\1", response.content.decode())


pytestmark = pytest.mark.django_db


def themes_of(consultation) -> dict[str, object]:
    run = PipelineRun.objects.get(consultation=consultation)
    return {t.label: t for t in run.themes.all()}


def decided_recommendation(organiser, consultation, title: str, *, status=Recommendation.Status.ADOPTED):
    panel = panel_services.create_panel(actor=organiser, title="Assises du don", consultation=consultation)
    session = panel_services.schedule_session(
        actor=organiser, panel=panel, title="Séance 1", starts_at=timezone.now(), place="Lyon"
    )
    recommendation = panel_services.create_recommendation(
        actor=organiser, panel=panel, session=session, title=title, text="Texte de la recommandation."
    )
    recommendation.status = status
    recommendation.decided_at = timezone.now() - dt.timedelta(days=3)
    recommendation.save()
    return recommendation


def confirmed_link(theme, recommendation, organiser):
    return ThemeRecommendationLink.objects.create(
        theme=theme, recommendation=recommendation, confirmed_by=organiser, confirmed_at=timezone.now()
    )


@pytest.fixture
def traced(organiser, citizen):
    """A published synthesis (proposal i in "Alimentation" if even, "Logement" if odd); the citizen wrote
    proposal 0, voted on proposal 1, reported proposal 3; an adopted recommendation answered by the
    ministry is linked to "Alimentation", a draft one is linked too (not public), and a suggestion nobody
    confirmed links "Logement" to an adopted recommendation."""
    consultation = published_report("don-trace", 6)
    proposals = list(Proposal.objects.filter(consultation=consultation).order_by("id"))
    Proposal.objects.filter(pk=proposals[0].pk).update(author=citizen, author_key=f"u{citizen.pk}")
    consultation_services.accept_charter(user=citizen, consultation=consultation)
    consultation_services.cast_vote(user=citizen, proposal=proposals[1], value="agree")
    consultation_services.report_proposal(user=citizen, proposal=proposals[3], reason="Hors sujet")
    themes = themes_of(consultation)
    adopted = decided_recommendation(organiser, consultation, "Registre national des refus")
    panel_services.record_response(
        actor=organiser,
        recommendation=adopted,
        decision_maker="Ministère de la santé",
        body="DGS",
        status="partly_adopted",
        justification="Le registre sera ouvert en 2027.",
        answered_on=timezone.localdate(),
    )
    confirmed_link(themes["Alimentation"], adopted, organiser)
    draft = decided_recommendation(organiser, consultation, "Brouillon secret", status="draft")
    confirmed_link(themes["Alimentation"], draft, organiser)
    unconfirmed = decided_recommendation(organiser, consultation, "Suggestion non vérifiée")
    ThemeRecommendationLink.objects.create(theme=themes["Logement"], recommendation=unconfirmed, score=0.4)
    return consultation, proposals


def test_my_contributions_trace_each_proposal_vote_and_report(traced, client, citizen):
    consultation, proposals = traced
    client.force_login(citizen)
    client.cookies["django_language"] = "en"
    page = read(client.get(reverse("consultation:mine")))
    # My proposal (0) landed in "Alimentation", linked to the adopted recommendation and its answer.
    assert proposals[0].text in page
    assert "Grouped in the theme “Alimentation”" in page
    assert reverse("analysis:report", args=[consultation.slug]) + "#theme-t" in page
    assert "Registre national des refus" in page and "Adopted by the panel" in page
    assert "Partly adopted" in page and "Le registre sera ouvert en 2027." in page
    # My vote on proposal 1, which landed in "Logement": only an unconfirmed suggestion is linked there.
    assert "My vote: Agree" in page and proposals[1].text in page
    assert "Grouped in the theme “Logement”" in page
    assert "No panel recommendation is linked to this theme yet." in page
    assert page.count("Grouped in the theme") == 3  # my proposal, my vote, my report (proposal 3)
    assert "Suggestion non vérifiée" not in page
    # A draft recommendation's page is not public: it is never named.
    assert "Brouillon secret" not in page
    # My report, still waiting for the moderators.
    assert "Hors sujet" in page and "the moderators have not read your report yet." in page
    assert page.count(f'id="consultation-{consultation.pk}"') == 1


def test_a_vote_on_a_proposal_hidden_since_never_shows_its_text(traced, client, citizen, moderator):
    consultation, proposals = traced
    consultation_services.moderate(
        actor=moderator, proposal=proposals[3], decision="hide", reason="Propos injurieux"
    )
    consultation_services.cast_vote(user=citizen, proposal=proposals[5], value="disagree")
    Proposal.objects.filter(pk=proposals[5].pk).update(status=Proposal.Status.HIDDEN)
    client.force_login(citizen)
    client.cookies["django_language"] = "en"
    page = read(client.get(reverse("consultation:mine")))
    assert proposals[5].text not in page and proposals[3].text not in page
    assert "Proposal hidden by moderation" in page
    assert page.count("Grouped in the theme") == 2  # my proposal and my vote on 1; none for the hidden
    assert "the moderators hid this proposal." in page


def test_an_open_answer_is_traced_to_its_theme(client, citizen):
    consultation = published_report("don-answers", 4)
    question = Question.objects.create(consultation=consultation, kind="open", text_fr="Pourquoi ?")
    consultation_services.accept_charter(user=citizen, consultation=consultation)
    consultation_services.save_answers(
        user=citizen, consultation=consultation, answers={question.pk: "Pour la recherche publique."}
    )
    answer = citizen.answers.get()
    run = PipelineRun.objects.get(consultation=consultation)
    Contribution.objects.create(
        run=run,
        position=100,
        source_type=Contribution.Source.ANSWER,
        source_id=answer.pk,
        text=answer.text,
        text_hash="a" * 64,
        theme=themes_of(consultation)["Logement"],
    )
    client.force_login(citizen)
    client.cookies["django_language"] = "en"
    page = read(client.get(reverse("consultation:mine")))
    assert "Pour la recherche publique." in page and "Grouped in the theme “Logement”" in page


def test_nothing_published_yet_says_so(client, citizen):
    consultation = make_consultation("sans-synthese", questions=False)
    consultation_services.accept_charter(user=citizen, consultation=consultation)
    consultation_services.submit_proposal(
        user=citizen, consultation=consultation, text="Un registre des refus en ligne.", language="en"
    )
    client.force_login(citizen)
    client.cookies["django_language"] = "en"
    page = read(client.get(reverse("consultation:mine")))
    assert "Un registre des refus en ligne." in page and "Not in a published synthesis yet." in page


def test_my_contributions_is_in_french(traced, client, citizen):
    client.force_login(citizen)
    client.cookies["django_language"] = "fr"
    page = read(client.get(reverse("consultation:mine")))
    assert "Regroupée dans le thème «\u00a0Alimentation\u00a0»" in page
    assert "Mon vote\u00a0:" in page and "Mes signalements" in page


def test_a_proposal_has_its_own_page_with_votes_theme_and_recommendations(traced, client):
    consultation, proposals = traced
    client.cookies["django_language"] = "en"
    url = reverse("consultation:proposal", args=[consultation.slug, proposals[0].pk])
    page = read(client.get(url))
    assert proposals[0].text in page
    assert "Grouped in the theme “Alimentation”" in page and "Registre national des refus" in page
    assert "Brouillon secret" not in page
    assert f"http://testserver{url}" in page  # the permanent link
    listing = client.get(reverse("consultation:proposals", args=[consultation.slug])).content.decode()
    assert url in listing


def test_a_hidden_proposal_page_shows_the_reason_never_the_text(traced, client, moderator):
    consultation, proposals = traced
    consultation_services.moderate(
        actor=moderator, proposal=proposals[2], decision="hide", reason="Propos injurieux"
    )
    client.cookies["django_language"] = "en"
    response = client.get(reverse("consultation:proposal", args=[consultation.slug, proposals[2].pk]))
    page = response.content.decode()
    assert response.status_code == 200
    assert proposals[2].text not in page and "Propos injurieux" in page
    assert "Grouped in the theme" not in page  # known by its status and reason only


def test_a_proposal_awaiting_moderation_or_in_a_draft_consultation_is_not_found(client, citizen):
    consultation = make_consultation("pre-moderee", questions=False, moderation="pre")
    consultation_services.accept_charter(user=citizen, consultation=consultation)
    pending = consultation_services.submit_proposal(
        user=citizen, consultation=consultation, text="En attente de lecture.", language="en"
    )
    assert (
        client.get(reverse("consultation:proposal", args=[consultation.slug, pending.pk])).status_code == 404
    )
    draft = make_consultation("brouillon", phase="draft", questions=False)
    hidden_away = Proposal.objects.create(consultation=draft, text="Dans un brouillon.")
    assert client.get(reverse("consultation:proposal", args=[draft.slug, hidden_away.pk])).status_code == 404
    # Another consultation's address does not reach it either.
    assert (
        client.get(reverse("consultation:proposal", args=[consultation.slug, hidden_away.pk])).status_code
        == 404
    )


def test_the_proposal_list_can_be_searched_without_javascript(client, moderator):
    consultation = make_consultation("recherche", questions=False)
    texts = [
        "Un registre des refus accessible en ligne.",
        "Informer chaque patient par courrier.",
        "Un registre tenu par les pharmacies.",
        "Registre secret à cacher.",
    ]
    made = [Proposal.objects.create(consultation=consultation, text=t) for t in texts]
    consultation_services.moderate(actor=moderator, proposal=made[3], decision="hide", reason="Doublon")
    client.cookies["django_language"] = "en"
    url = reverse("consultation:proposals", args=[consultation.slug])
    page = client.get(url, {"q": "REGISTRE", "order": "newest"}).content.decode()
    assert texts[0] in page and texts[2] in page and texts[1] not in page
    assert "2 published proposals contain “REGISTRE”." in page
    assert "Doublon" not in page  # a hidden proposal is not found by its text, not even as a placeholder
    page = client.get(url, {"q": "registre ligne"}).content.decode()  # every word, random order
    assert texts[0] in page and texts[2] not in page
    page = client.get(url, {"q": "introuvable"}).content.decode()
    assert "0 published proposals contain “introuvable”." in page
    assert client.get(url, {"q": "x" * 5000}).status_code == 200


def test_my_contributions_reads_the_same_few_queries_for_many_votes(traced, client, citizen):
    """The trace is batched: voting on many more proposals adds rows to the page, not queries."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    consultation, proposals = traced
    client.force_login(citizen)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("consultation:mine")).status_code == 200
        return len(captured)

    few = queries()
    for proposal in proposals[2:]:
        consultation_services.cast_vote(user=citizen, proposal=proposal, value="pass")
    assert queries() == few
