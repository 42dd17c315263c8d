"""A proposal hidden by moderation stays listed in its place with the moderators' public reason, as the
moderation queue, the form's help text and the author's e-mail promise; its text is never shown."""

import csv
import io
import zipfile

from django.urls import reverse

from consultation import services
from consultation.models import Proposal
from consultation.opendata import build_archive

SECRET = "Texte masqué qui ne doit jamais paraître"
REASON = "Contribution de test (QA)"


def _proposals(consultation, *, n_visible=3):
    visible = [
        Proposal.objects.create(consultation=consultation, text=f"Publiée {i}", agree_count=10 + i)
        for i in range(n_visible)
    ]
    hidden = Proposal.objects.create(
        consultation=consultation, text=SECRET, agree_count=99, disagree_count=99, pass_count=3
    )
    Proposal.objects.create(consultation=consultation, text="En attente", status=Proposal.Status.PENDING)
    return visible, hidden


def _hide(moderator, proposal):
    services.moderate(actor=moderator, proposal=proposal, decision="hide", reason=REASON)


def test_hidden_proposal_shows_its_reason_in_place_without_text_or_votes(
    client, member, consultation, moderator
):
    _visible, hidden = _proposals(consultation)
    _hide(moderator, hidden)
    client.force_login(member)
    address = reverse("consultation:proposals", args=[consultation.slug])
    for order in ("newest", "random"):
        page = client.get(f"{address}?order={order}").content.decode()
        assert f'id="proposal-{hidden.pk}"' in page
        assert "Proposition masquée par la modération" in page
        assert f"Motif donné par la modération\u00a0: {REASON}" in page
        assert SECRET not in page
        assert f"/propositions/{hidden.pk}/vote/" not in page  # no vote buttons on it
        assert f"/propositions/{hidden.pk}/signaler/" not in page
        assert "4 propositions (dont 1 masquée par la modération)" in page
        assert "En attente" not in page  # awaiting moderation: not public
    newest = client.get(f"{address}?order=newest").context["items"]
    assert newest[0].pk == hidden.pk  # in its place in time


def test_hidden_proposal_is_not_ranked_by_votes(client, consultation, moderator):
    _visible, hidden = _proposals(consultation)
    _hide(moderator, hidden)
    address = reverse("consultation:proposals", args=[consultation.slug])
    for order in ("agreed", "divisive"):
        response = client.get(f"{address}?order={order}")
        assert hidden.pk not in [p.pk for p in response.context["items"]]
        page = response.content.decode()
        assert "Les propositions masquées par la modération ne sont pas classées" in page
        assert "4 propositions (dont 1 masquée par la modération)" in page


def test_count_on_consultation_page_includes_hidden(client, consultation, moderator):
    _visible, hidden = _proposals(consultation)
    _hide(moderator, hidden)
    page = client.get(reverse("consultation:detail", args=[consultation.slug])).content.decode()
    assert "Voir les 4 propositions" in page


def test_english_placeholder(client, consultation, moderator):
    _visible, hidden = _proposals(consultation, n_visible=1)
    _hide(moderator, hidden)
    client.cookies["django_language"] = "en"
    page = client.get(
        reverse("consultation:proposals", args=[consultation.slug]) + "?order=newest",
        HTTP_ACCEPT_LANGUAGE="en",
    ).content.decode()
    assert "Proposal hidden by moderation" in page and f"Reason given by the moderators: {REASON}" in page
    assert "2 proposals (of which 1 hidden by moderation)" in page


def test_api_and_open_data_give_the_reason_never_the_text(client, consultation, moderator):
    _visible, hidden = _proposals(consultation)
    _hide(moderator, hidden)
    base = f"/api/consultations/{consultation.slug}/proposals/"
    for order in ("id", "newest"):
        rows = client.get(f"{base}?order={order}").json()["results"]
        assert len(rows) == 4
        row = next(r for r in rows if r["id"] == hidden.pk)
        assert row["status"] == "hidden" and row["hide_reason"] == REASON and row["text"] == ""
        assert {r["status"] for r in rows if r["id"] != hidden.pk} == {"visible"}
    ranked = client.get(f"{base}?order=agreed").json()["results"]
    assert hidden.pk not in [r["id"] for r in ranked]
    assert SECRET not in client.get(f"{base}?order=id").content.decode()
    with zipfile.ZipFile(io.BytesIO(build_archive(consultation))) as archive:
        exported = list(csv.DictReader(io.StringIO(archive.read("proposals.csv").decode())))
    row = next(r for r in exported if r["proposal_id"] == str(hidden.pk))
    assert (row["status"], row["text"], row["hide_reason"]) == ("hidden", "", REASON)
    assert len(exported) == 4
