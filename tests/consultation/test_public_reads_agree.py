"""The API and the open-data archive publish the same proposals and votes, by one rule
(`consultation.selectors.public_proposals` / `public_votes`): the votes on a proposal hidden by moderation
are public (as Pol.is publishes them), those on a proposal awaiting moderation never are."""

import csv
import io
import zipfile

import pytest

from consultation import opendata, services
from consultation.models import Proposal
from tests.factories import UserFactory


@pytest.mark.django_db
def test_the_api_and_the_archive_publish_the_same_votes_and_never_those_awaiting_moderation(
    client, consultation
):
    voters = [UserFactory() for _ in range(3)]
    for user in voters:
        services.accept_charter(user=user, consultation=consultation)
    texts = {
        "visible": "Registre des refus en ligne",
        "hidden": "Texte masqué",
        "pending": "Texte en attente",
    }
    proposals = {
        status: Proposal.objects.create(consultation=consultation, text=text)
        for status, text in texts.items()
    }
    for user in voters:
        for proposal in proposals.values():
            services.cast_vote(user=user, proposal=proposal, value="agree")
    for (
        status,
        proposal,
    ) in proposals.items():  # moderated after the votes (as a re-moderation would leave them)
        Proposal.objects.filter(pk=proposal.pk).update(status=status, hide_reason="x")

    api = client.get(f"/api/consultations/{consultation.slug}/votes/").json()
    from_api = sorted((v["participant"], v["proposal"]) for v in api["results"])
    with zipfile.ZipFile(io.BytesIO(opendata.build_archive(consultation))) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("votes.csv").decode("utf-8-sig"))))
        listed = {int(r["proposal_id"]) for r in csv.DictReader(
            io.StringIO(archive.read("proposals.csv").decode("utf-8-sig"))
        )}  # fmt: skip
    from_archive = sorted((r["participant"], int(r["proposal_id"])) for r in rows)

    assert from_api == from_archive
    assert {proposal for _, proposal in from_api} == {proposals["visible"].pk, proposals["hidden"].pk}
    assert len(from_api) == 6
    assert listed == {proposals["visible"].pk, proposals["hidden"].pk}
