"""A proposal hidden by moderators after the opinion groups were computed: the report's opinion section
(representative, consensus and bridging statements), its PDF and its exports no longer show its text,
as the report's quotes do not."""

import pytest
from django.urls import reverse

from analysis import tasks
from analysis.models import Contribution, OpinionRun
from consultation import services as consultation_services
from consultation.models import Proposal, Vote
from tests.analysis.conftest import html_handed_to_weasyprint, published_report
from tests.typography import visible_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def grouped():
    """A published synthesis of nine proposals, and opinion groups computed from two camps of 15 voters
    split on the first eight and all agreeing with the ninth (a consensus and the top bridge)."""
    consultation = published_report("groupes-moderes", 9)
    proposals = list(consultation.proposals.order_by("id"))
    votes = [
        Vote(participant_key=f"p{person}", proposal=proposal, value=1 if (i < 4) == (person < 15) else -1)
        for person in range(30)
        for i, proposal in enumerate(proposals[:8])
    ]
    votes += [Vote(participant_key=f"p{person}", proposal=proposals[8], value=1) for person in range(30)]
    Vote.objects.bulk_create(votes)
    tasks.compute_opinion_groups.delay(consultation.pk)
    return consultation, proposals


def statement_ids(result: dict) -> set[int]:
    ids = {s["proposal"] for g in result["groups"] for s in g["representative"]}
    ids |= {s["proposal"] for s in result["consensus_agree"] + result["consensus_disagree"]}
    return ids | {b["proposal"] for b in result["bridging"][:5]}


def test_a_statement_hidden_after_the_computation_leaves_the_report_pdf_and_exports(
    grouped, client, moderator, monkeypatch
):
    consultation, proposals = grouped
    result = OpinionRun.objects.filter(consultation=consultation).latest("computed_at").result
    assert result["status"] == "ok" and proposals[8].pk in statement_ids(result)
    representative = result["groups"][0]["representative"][0]["proposal"]
    hidden = [p for p in proposals if p.pk in (proposals[8].pk, representative)]
    url = reverse("analysis:report", args=[consultation.slug])
    client.cookies["django_language"] = "en"
    before = visible_text(client.get(url).content.decode())
    assert all(p.text in before for p in hidden)  # shown while published

    for proposal in hidden:
        consultation_services.moderate(
            actor=moderator, proposal=proposal, decision="hide", reason="Propos injurieux."
        )
    assert Proposal.objects.filter(status=Proposal.Status.HIDDEN).count() == 2
    assert OpinionRun.objects.filter(consultation=consultation).count() == 2  # not recomputed since
    # One more, flagged since as revealing a health condition: the report's quotes leave it out too.
    shown = [p for p in proposals if p.pk in statement_ids(result) and p not in hidden]
    flagged = shown.pop()
    Contribution.objects.filter(source_id=flagged.pk).update(health_flag=True)
    hidden.append(flagged)

    page = visible_text(client.get(url).content.decode())
    assert "Opinion groups: size and representative statements" in page
    assert all(p.text not in page for p in hidden)
    assert shown and all(p.text in page for p in shown)  # the other statements stay

    # The PDF is drawn from the same HTML.
    drawn = html_handed_to_weasyprint(client, consultation.slug, monkeypatch)
    assert "Opinion groups" in drawn and all(p.text not in drawn for p in hidden)

    for name in ("export_contributions", "export_themes"):
        for fmt in ("csv", "json"):
            body = client.get(reverse(f"analysis:{name}", args=[consultation.slug, fmt])).content.decode()
            assert all(p.text not in body for p in hidden), (name, fmt)
