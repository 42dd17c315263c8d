"""The similar-proposal preview is rate-limited and compares the draft with a bounded set of candidates
found by the database (docs/security.md, item 10 of issue 16)."""

from django.test import override_settings
from django.urls import reverse

from consultation import selectors
from consultation.models import Proposal

DRAFT = "Héberger les données de santé sur un cloud souverain européen"


def test_candidates_are_bounded_and_keep_the_similar_one(consultation):
    Proposal.objects.bulk_create(
        Proposal(consultation=consultation, text=f"Former les soignants au numérique, promotion {i}")
        for i in range(60)
    )
    similar = Proposal.objects.create(
        consultation=consultation, text="Les données de santé hébergées sur un cloud souverain."
    )
    found = selectors.preview_candidates(consultation, DRAFT, limit=5)
    assert len(found) <= 5 and found[0].pk == similar.pk


def test_a_draft_without_words_is_compared_with_nothing(consultation):
    Proposal.objects.create(consultation=consultation, text="Une idée")
    assert selectors.preview_candidates(consultation, "?! ...", limit=5) == []


@override_settings(PACTE_RATE_LIMITS={"proposal_preview": {"user": "2/600", "ip": "100/600"}})
def test_previews_are_rate_limited_and_the_draft_is_kept(client, member, consultation):
    client.force_login(member)
    url = reverse("consultation:propose", args=[consultation.slug])
    for _ in range(2):
        assert client.post(url, {"text": DRAFT, "step": "preview"}).status_code == 200
    refused = client.post(url, {"text": DRAFT, "step": "preview"})
    assert refused.status_code == 429
    body = refused.content.decode()
    assert "beaucoup d’aperçus" in body  # the reason, in the page's language
    assert DRAFT in body  # what was typed stays in the form
