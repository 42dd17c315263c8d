"""The citizen panels' texts, poisoned, every output read: nothing personal leaks, nothing saved is lost.

The sibling of ``test_published_outputs``: a panel member's recommendation (its title, text, rationale and
every version), an amendment (its text, explanation and the facilitator's reason), a decision-maker's
answer (its justification), a promised milestone (its title and the reason of its change) and session
minutes carry the poisoned text of ``test_published_outputs`` (phones, NIR, e-mails, IBAN, address, a
spreadsheet formula, a right-to-left override; in the second case a health disclosure). They are stored as
typed (rows written before the input rules existed), the recommendation is linked to a theme of the
poisoned consultation's published synthesis (so the trace of a contribution cites it) and the panel is
linked to that consultation. Every output that publishes them takes them from
``consultation.publish`` (``deliberation.presenters``): none may show a secret, to the public or to a
signed-in member of the panel.

``PANEL_PRODUCERS`` lists every output that publishes the panels' texts. A new route of the
``deliberation`` namespace must be added to ``ROUTES_PUBLISHING_PANEL_TEXT`` with its producer, or to
``ROUTES_WITHOUT_PANEL_TEXT`` with the reason, or the suite fails.
"""

import html
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from analysis.models import DigestItem, Theme, ThemeRecommendationLink
from consultation.models import Proposal
from deliberation.models import (
    Amendment,
    DecisionMakerResponse,
    Milestone,
    Panel,
    PanelMember,
    Recommendation,
    RecommendationVersion,
    Selection,
    Session,
    Volunteer,
)
from tests.factories import UserFactory
from tests.helpers import html_handed_to_weasyprint
from tests.test_published_outputs import POISON, SECRETS, SLUG, _route_names, poisoned  # noqa: F401

WITHHELD = {
    "fr": "Ce texte n’est pas affiché car il pourrait révéler une information de santé.",
    "en": "This text is withheld because it may reveal health information.",
}


def _member(panel, selection, language="fr"):
    user = UserFactory(roles=["citizen"])
    person = Volunteer.objects.create(
        panel=panel, user=user, strata={}, source=Volunteer.Source.ACCOUNT, language=language
    )
    return PanelMember.objects.create(panel=panel, volunteer=person, selection=selection)


@pytest.fixture
def panel_world(poisoned):  # noqa: F811
    """The poisoned consultation's panel: an adopted recommendation (versions, a rejected amendment, an
    answer with a changed milestone, linked to the synthesis' first theme), a recommendation whose vote is
    open (read by the members only) and a session with minutes; every text poisoned, stored as typed."""
    text = POISON + (" Je suis diabétique depuis 2010, mon fils a un cancer." if poisoned["health"] else "")
    organiser = UserFactory(roles=["citizen", "organiser"])
    panel = Panel.objects.create(
        title="Panel du don de données", size=3, status=Panel.Status.DELIBERATING,
        consultation=poisoned["consultation"],
    )  # fmt: skip
    selection = Selection.objects.create(
        panel=panel, seed="s", algorithm="maximin", status=Selection.Status.DONE
    )
    members = [_member(panel, selection, language) for language in ("fr", "en")]
    session = Session.objects.create(
        panel=panel, title="Séance 1", starts_at=timezone.now() - timedelta(days=3), minutes=text
    )
    adopted = Recommendation.objects.create(
        panel=panel, session=session, title=text[:200], text=text, rationale=text,
        status=Recommendation.Status.ADOPTED, votes_for=2, decided_at=timezone.now() - timedelta(days=2),
    )  # fmt: skip
    voting = Recommendation.objects.create(
        panel=panel, session=session, title=text[:200], text=text, rationale=text,
        status=Recommendation.Status.VOTING, vote_session=session, voting_opened_at=timezone.now(),
    )  # fmt: skip
    for recommendation in (adopted, voting):
        for number in (1, 2):
            RecommendationVersion.objects.create(
                recommendation=recommendation, number=number, title=text[:200], text=text, rationale=text
            )
        Amendment.objects.create(
            recommendation=recommendation, proposed_by=members[0], text=text, explanation=text,
            status=Amendment.Status.REJECTED, reason=text, decided_at=timezone.now(),
        )  # fmt: skip
    response = DecisionMakerResponse.objects.create(
        recommendation=adopted, decision_maker="Ministre de la santé", body="Ministère",
        status=DecisionMakerResponse.Status.ADOPTED, justification=f"Nous reprenons : « {text} »",
        answered_on=date.today(), implementation_deadline=date.today() + timedelta(days=90),
    )  # fmt: skip
    Milestone.objects.create(
        response=response, title=text[:200], due_on=date.today() + timedelta(days=30),
        first_due_on=date.today() + timedelta(days=10), change_note=text[:300],
    )  # fmt: skip
    for theme in Theme.objects.filter(run__consultation=poisoned["consultation"], parent=None):
        ThemeRecommendationLink.objects.create(
            theme=theme, recommendation=adopted, confirmed_by=organiser, confirmed_at=timezone.now()
        )
    # A citizen whose own (clean) proposal landed in a theme the recommendation is linked to: their
    # *My contributions* cites the recommendation and its answer (the poisoned proposal's author would
    # read their own words there, as they wrote them).
    follower = UserFactory(roles=["citizen"])
    Proposal.objects.filter(consultation=poisoned["consultation"]).exclude(pk=poisoned["proposal"].pk).update(
        author=follower, author_key=f"u{follower.pk}"
    )
    stored = {
        (type(obj).__name__, obj.pk, field): getattr(obj, field)
        for obj, fields in [
            (adopted, ("title", "text", "rationale")), (voting, ("title", "text", "rationale")),
            (response, ("justification",)), (session, ("minutes",)),
            *[(v, ("title", "text", "rationale")) for v in RecommendationVersion.objects.all()],
            *[(a, ("text", "explanation", "reason")) for a in Amendment.objects.all()],
            *[(m, ("title", "change_note")) for m in Milestone.objects.all()],
        ]
        for field in fields
    }  # fmt: skip
    return {
        **poisoned,
        "panel": panel,
        "members": members,
        "adopted": adopted,
        "voting": voting,
        "response": response,
        "follower": follower,
        "stored": stored,
        "text": text,
    }


# --- The producers: each returns {output name: text} -----------------------------------------------------


def _page(client, url, name, statuses=(200,)):
    response = client.get(url)
    assert response.status_code in statuses, (name, response.status_code)
    return response.content.decode()


def recommendation_pages(client, ctx):
    """The adopted recommendation's page for anyone, and both recommendations' pages for a member."""
    texts = {}
    for rec in ("adopted", "voting"):
        url = reverse("deliberation:recommendation", args=[ctx[rec].pk])
        if rec == "adopted":
            texts[f"{rec} recommendation page (anonymous)"] = _page(client, url, rec)
        client.force_login(ctx["members"][1].volunteer.user)
        texts[f"{rec} recommendation page (member)"] = _page(client, url, rec)
        client.logout()
    return texts


def panel_pages(client, ctx):
    panel = ctx["panel"]
    texts = {
        "panel list": _page(client, reverse("deliberation:panel_list"), "list"),
        "panel page": _page(client, reverse("deliberation:panel_detail", args=[panel.pk]), "panel"),
    }
    client.force_login(ctx["members"][1].volunteer.user)
    texts["panel page (member)"] = _page(client, reverse("deliberation:panel_detail", args=[panel.pk]), "p")
    texts["member space"] = _page(client, reverse("deliberation:member_space", args=[panel.pk]), "space")
    client.logout()
    return texts


def accountability_pages(client, ctx):
    texts = {
        "follow-up of every panel": _page(client, reverse("deliberation:accountability"), "all"),
        "follow-up of the panel": _page(
            client, reverse("deliberation:panel_accountability", args=[ctx["panel"].pk]), "one"
        ),
    }
    assert all(_cites(text, ctx) for text in texts.values())
    return texts


def answer_email(client, ctx):
    from deliberation.notifications import send_panel_notice

    texts = {}
    for member in ctx["members"]:
        mail.outbox.clear()
        assert send_panel_notice("answer", ctx["response"].pk, member.pk)
        message = mail.outbox[-1]
        texts[f"answer e-mail ({member.volunteer.language})"] = f"{message.subject}\n{message.body}"
    return texts


def digest_email(client, ctx):
    from analysis.digest import digest_message

    item = DigestItem.objects.create(
        user=ctx["author"], kind=DigestItem.Kind.ANSWER, object_id=ctx["response"].pk,
        consultation=ctx["consultation"], themes=["Thème 0"],
    )  # fmt: skip
    message = digest_message(ctx["author"], [item])
    assert message is not None
    return {"digest e-mail": f"{message.subject}\n{message.body}"}


def followup_pages(client, ctx):
    """The adoption figures by source list the panel's recommendations (and their milestones)."""
    texts = {
        "follow-up by source": _page(client, reverse("consultation:followup_all"), "all"),
        "consultation follow-up": _page(client, reverse("consultation:followup", args=[SLUG]), "followup"),
    }
    assert all(_cites(text, ctx) for text in texts.values())
    return texts


def traces(client, ctx, monkeypatch):
    """Where a contribution went: the synthesis (page and PDF) cites the linked recommendation and its
    answer, and so do the proposal's page and *My contributions* of a citizen whose proposal is there."""
    texts = {
        "synthesis page": _page(client, reverse("analysis:report", args=[SLUG]), "report"),
        "synthesis PDF (its HTML)": html_handed_to_weasyprint(client, SLUG, monkeypatch),
        "proposal page": _page(
            client, reverse("consultation:proposal", args=[SLUG, ctx["proposal"].pk]), "p", (200, 404)
        ),
    }
    client.force_login(ctx["follower"])
    texts["my contributions"] = _page(client, reverse("consultation:mine"), "mine")
    client.logout()
    for name in ("synthesis page", "synthesis PDF (its HTML)", "my contributions"):
        assert _cites(texts[name], ctx), name
    return texts


def _cites(text: str, ctx) -> bool:
    """The output names the adopted recommendation (a producer that reads nothing proves nothing)."""
    return reverse("deliberation:recommendation", args=[ctx["adopted"].pk]) in text


PANEL_PRODUCERS = [
    recommendation_pages,
    panel_pages,
    accountability_pages,
    answer_email,
    digest_email,
    followup_pages,
    traces,
]

# Routes of the `deliberation` namespace -> the producer above that reads them.
ROUTES_PUBLISHING_PANEL_TEXT = {
    "deliberation:recommendation": recommendation_pages,
    "deliberation:panel_list": panel_pages,
    "deliberation:panel_detail": panel_pages,
    "deliberation:member_space": panel_pages,
    "deliberation:accountability": accountability_pages,
    "deliberation:panel_accountability": accountability_pages,
}
# Routes of the same namespace that publish none of the panel's texts, and why.
ROUTES_WITHOUT_PANEL_TEXT = {
    "deliberation:selection_report": "the draw: figures, quotas, pseudonyms, steps by role",
    "deliberation:selection_lottery": "the lottery: volunteer numbers and probabilities (JSON)",
    "deliberation:selection_status": "the draw's progress (JSON)",
    "deliberation:volunteer": "form; the panel's title and description (organisers' text)",
    "deliberation:withdraw": "form",
    "deliberation:document": "a file of the evidence library (members and the panel's team)",
    "deliberation:check_in_code": "form",
    "deliberation:propose_amendment": "form; shows the recommendation page again if refused",
    "deliberation:cast_ballot": "form; shows the recommendation page again if refused",
    "deliberation:facilitate": "the panel's team (raw text on purpose: who edits reads what was written)",
    "deliberation:schedule_session": "the panel's team's form",
    "deliberation:upload_document": "the panel's team's form",
    "deliberation:create_recommendation": "the panel's team's form",
    "deliberation:console": "the panel's team: agenda, attendance, the minutes' form (never published)",
    "deliberation:move_agenda": "the panel's team's form",
    "deliberation:add_agenda_item": "the panel's team's form",
    "deliberation:check_in": "the panel's team's form",
    "deliberation:undo_check_in": "the panel's team's form",
    "deliberation:edit_agenda_item": "the panel's team's form",
    "deliberation:move_agenda_item": "the panel's team's form",
    "deliberation:remove_agenda_item": "the panel's team's form",
    "deliberation:save_minutes": "the panel's team's form",
    "deliberation:end_session": "the panel's team's form",
    "deliberation:reopen_session": "the panel's team's confirmation page (the votes' titles as written)",
    "deliberation:decide_amendment": "the panel's team's form; shows the recommendation page if refused",
    "deliberation:open_vote": "the panel's team's form; shows the recommendation page if refused",
    "deliberation:close_vote": "the panel's team's confirmation page",
    "deliberation:panel_create": "organisers' form",
    "deliberation:manage": "organisers' page",
    "deliberation:set_status": "organisers' form",
    "deliberation:assign_facilitator": "organisers' form",
    "deliberation:unassign_facilitator": "organisers' form",
    "deliberation:link_consultation": "organisers' form",
    "deliberation:import_volunteers": "organisers' form",
    "deliberation:save_quotas": "organisers' form",
    "deliberation:propose_quotas": "organisers' form",
    "deliberation:run_selection": "organisers' form",
    "deliberation:abandon_selection": "organisers' form",
    "deliberation:start_two_step_draw": "organisers' form (the announced value goes into the lottery)",
    "deliberation:enter_public_value": "organisers' form (the value is published on the selection report)",
    "deliberation:replace_member": "the panel's team's form",
    "deliberation:record_response": "organisers' form (the answer is published on the recommendation page)",
    "deliberation:complete_milestone": "organisers' form; shows the recommendation page if refused",
    "deliberation:change_milestone": "organisers' form; shows the recommendation page if refused",
}


def test_every_panel_route_is_classified_as_publishing_panel_text_or_not():
    """A new page (or export) of the panels must join PANEL_PRODUCERS, or say why it publishes none."""
    names = _route_names(namespaces=("deliberation",), prefix="\0")
    assert names - set(ROUTES_PUBLISHING_PANEL_TEXT) - set(ROUTES_WITHOUT_PANEL_TEXT) == set()
    assert set(ROUTES_PUBLISHING_PANEL_TEXT.values()) <= set(PANEL_PRODUCERS)


def _call(producer, client, ctx, monkeypatch):
    if producer is traces:
        return producer(client, ctx, monkeypatch)
    return producer(client, ctx)


@pytest.mark.django_db
@pytest.mark.parametrize("producer", PANEL_PRODUCERS, ids=lambda p: p.__name__)
def test_no_output_leaks_the_poisoned_panel_texts(producer, panel_world, client, monkeypatch):
    texts = _call(producer, client, panel_world, monkeypatch)
    assert texts
    for name, text in texts.items():
        readable = html.unescape(text)
        leaked = [s for s in SECRETS if s in readable]
        assert leaked == [], f"{name} leaks {leaked}"


@pytest.mark.django_db
def test_the_recommendation_page_says_what_the_panel_wrote_or_why_not(panel_world, client):
    """Scrubbed, not emptied; withheld with a note in the reader's language when it reveals health."""
    url = reverse("deliberation:recommendation", args=[panel_world["adopted"].pk])
    for language, note in WITHHELD.items():
        page = html.unescape(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode())
        if panel_world["health"]:
            assert note in page
            assert "Le partage des données doit rester un choix." not in page
        else:
            assert note not in page
            for kind in ("[phone]", "[nir]", "[email]", "[iban]", "[address]"):
                assert kind in page
            assert "Le partage des données doit rester un choix." in page
    account = client.get(reverse("deliberation:accountability"), HTTP_ACCEPT_LANGUAGE="fr")
    account = html.unescape(account.content.decode())
    withheld = "(La justification n’est pas affichée : elle révèle l’état de santé d’une personne.)"
    assert (withheld in account) == panel_world["health"]
    assert ("Nous reprenons" in account) != panel_world["health"]


@pytest.mark.django_db
@pytest.mark.parametrize("producer", PANEL_PRODUCERS, ids=lambda p: p.__name__)
def test_reading_the_outputs_changes_nothing_stored(producer, panel_world, client, monkeypatch):
    """Scrubbing happens on the way out: what the panel and its team saved stays as they typed it."""
    _call(producer, client, panel_world, monkeypatch)
    for (model, pk, field), before in panel_world["stored"].items():
        row = {
            "Recommendation": Recommendation, "RecommendationVersion": RecommendationVersion,
            "Amendment": Amendment, "DecisionMakerResponse": DecisionMakerResponse, "Milestone": Milestone,
            "Session": Session,
        }[model].objects.get(pk=pk)  # fmt: skip
        assert getattr(row, field) == before, (model, pk, field)


@pytest.mark.django_db
def test_a_published_copy_is_never_saved_and_the_row_keeps_what_was_written(panel_world):
    from consultation.publish import public_text, published

    row = Recommendation.objects.get(pk=panel_world["adopted"].pk)
    shown = published(row)
    assert "06/12/34/56/78" not in str(shown.text) and row.text == panel_world["text"]
    with pytest.raises(RuntimeError):
        shown.save()
    answer = published(DecisionMakerResponse.objects.get(pk=panel_world["response"].pk))
    milestone = answer.milestones.all()[0]
    with pytest.raises(RuntimeError):
        milestone.save(update_fields=["title"])
    assert Recommendation.objects.get(pk=row.pk).text == panel_world["text"]
    assert Milestone.objects.get().title == panel_world["text"][:200]
    assert (public_text(row, "rationale") is None) == panel_world["health"]
    with pytest.raises(ValueError):
        public_text(row, "status")  # not a published text: a typo fails loudly


def test_the_lower_layers_never_import_the_panels_or_the_analysis():
    """``consultation.publish`` takes the panels' texts by registration, not by import (DESIGN.md)."""
    root = Path(__file__).resolve().parent.parent
    offenders = [
        str(path.relative_to(root))
        for folder in ("accounts", "consultation", "textsafety")
        for path in (root / folder).rglob("*.py")
        if re.search(r"^\s*(from|import) (deliberation|analysis)\b", path.read_text(encoding="utf-8"), re.M)
    ]
    assert offenders == []


@pytest.mark.django_db
def test_a_title_that_reveals_health_reads_as_the_recommendations_number(panel_world, client):
    """Also for the panel's team: the recommendation page is the public page, read by everyone alike."""
    from tests.conftest import with_totp
    from tests.test_published_outputs import HEALTH

    Recommendation.objects.filter(pk=panel_world["adopted"].pk).update(title=HEALTH.strip())
    client.force_login(with_totp(UserFactory(roles=["citizen", "organiser"])))
    url = reverse("deliberation:recommendation", args=[panel_world["adopted"].pk])
    for language, number in (("fr", "Recommandation n°\u00a0"), ("en", "Recommendation no. ")):
        page = html.unescape(client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode())
        assert f"<h1>{number}{panel_world['adopted'].pk}</h1>" in page
        assert "diabétique" not in page
    assert Recommendation.objects.get(pk=panel_world["adopted"].pk).title == HEALTH.strip()
