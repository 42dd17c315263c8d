"""An opinion figure says among whom it is: "93% (14 of 15)" under "statements most voters agree with",
for a group of 37, read as most of the group (or of everyone). Each share of the opinion groups' tables
(a group's statements, the consensus, the bridging statements) now says it counts those who voted on the
statement, and how many the group (or all the voters) are: one presenter, ``presenters.voted_share``."""

import pytest
from django.urls import reverse

from analysis.models import OpinionRun
from consultation.models import Proposal
from tests.analysis.conftest import published_report

pytestmark = pytest.mark.django_db

STRONG = {"direction": "agree", "p_success": 0.9, "p_test": 5.0, "repness_test": 5.0}


@pytest.mark.parametrize(
    ("language", "group", "consensus", "bridge", "heading"),
    [
        ("en", "93% (14 of 15 who voted, group of 37)", "93% (14 of 15 who voted, of 161 voters)",
         "75% (15 of 20 who voted, group of 124)", "most of those who voted on them"),
        ("fr", "93\u00a0% (14 sur 15 ayant voté, groupe de 37)",
         "93\u00a0% (14 sur 15 ayant voté, sur 161 votants)",
         "75\u00a0% (15 sur 20 ayant voté, groupe de 124)", "parmi les membres qui ont voté"),
    ],
)  # fmt: skip
def test_each_opinion_share_says_how_many_voted_and_out_of_whom(
    client, language, group, consensus, bridge, heading
):
    consultation = published_report(f"base-{language}", 6)
    proposal = Proposal.objects.filter(consultation=consultation).order_by("id").first().pk
    opinion = OpinionRun.objects.get(consultation=consultation)
    claim = {**STRONG, "proposal": proposal, "n_success": 14, "n_trials": 15}
    opinion.result["groups"][0].update(size=37, representative=[claim])
    opinion.result["groups"][1].update(size=124)
    opinion.result["n_voters"] = 161
    opinion.result["consensus_agree"] = [claim]
    opinion.result["bridging"] = [
        {"proposal": proposal, "significant": True, "agree_counts": [14, 15], "seen_counts": [15, 20]}
    ]
    opinion.save(update_fields=["result"])
    client.cookies["django_language"] = language
    page = client.get(reverse("analysis:report", args=[consultation.slug])).content.decode()
    section = page[page.index('id="opinion-title"') :]
    assert group in section  # the group's statement, in the groups' table
    assert consensus in section and heading in section
    assert bridge in section  # the second group's cell of the bridging row
    assert section.count(group) == 2  # the groups' table and the bridging row's first cell
