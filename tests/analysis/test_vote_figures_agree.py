"""A theme's own vote table and its row in the themes x opinion groups table count the same votes: every
vote on every proposal of the theme, each near-identical copy with its own voters (the pipeline analyses
one text per group of copies, but the copies' votes are real votes by other people). On the first
computation and after the organiser moves or merges."""

import re

import pytest
from django.urls import reverse

from analysis import services
from analysis.models import Contribution, SynthesisVersion
from analysis.pipeline.synthesise import Votes, votes_per_unit
from tests.analysis.conftest import published_report
from tests.typography import visible_text

pytestmark = pytest.mark.django_db

# Proposal 2 is a copy of proposal 0 (both "Alimentation"); 1 and 3 are "Logement". The votes the run
# read on each proposal are the sums of the two opinion groups' votes on it (every voter is in a group).
PROPOSAL_GROUPS = {
    0: [[2, 0, 0], [1, 1, 0]],
    2: [[3, 0, 0], [1, 2, 1]],  # the copy: 4 agree, 2 disagree, 1 pass
    1: [[0, 1, 0], [1, 0, 1]],
    3: [[1, 0, 0], [0, 1, 0]],
}
VOTES = {
    i: dict(zip(("agree", "disagree", "pass"), map(sum, zip(*cells, strict=True)), strict=True))
    for i, cells in PROPOSAL_GROUPS.items()
}


@pytest.fixture
def campaign_report():
    consultation = published_report(
        "votes-copies", 4, proposal_groups=PROPOSAL_GROUPS, votes=VOTES, duplicate_of={2: 0}
    )
    return consultation, SynthesisVersion.objects.get(run__consultation=consultation)


def shown_totals(client, consultation, version, label) -> tuple[tuple[int, int, int], tuple[int, int]]:
    """Of the theme ``label`` on the report page: its vote table (agree, disagree, pass) and its row of
    the themes x opinion groups table added up over the groups (agree, votes)."""
    url = reverse("analysis:report", args=[consultation.slug])
    client.cookies["django_language"] = "en"
    page = client.get(url, {"version": version.pk}, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    key = next(t["key"] for t in version.data["themes"] if t["label"] == label)
    article = page.split(f'id="theme-{key}"', 1)[1].split("</article>", 1)[0]
    own = re.search(r"<tbody><tr><td>(\d+)</td><td>(\d+)</td><td>(\d+)</td>", article)
    cross = visible_text(page.split("Themes and opinion groups:", 1)[1])
    row = cross.split(label, 1)[1].split("Too few votes")[0]
    cells = [(int(a), int(n)) for a, n in re.findall(r"\d+% \((\d+) of (\d+)\)", row)[:2]]
    return tuple(int(n) for n in own.groups()), (sum(a for a, _ in cells), sum(n for _, n in cells))


def assert_tables_agree(client, consultation, version, label, expected):
    own, cross = shown_totals(client, consultation, version, label)
    assert own == expected
    assert cross == (expected[0], sum(expected))


def test_a_themes_vote_table_counts_the_votes_on_every_copy_like_the_groups_table(
    campaign_report, organiser_client
):
    consultation, version = campaign_report
    # 3 + 4 agree, 1 + 2 disagree, 0 + 1 pass: not the 3, 1, 0 of the copy the pipeline analysed.
    assert_tables_agree(organiser_client, consultation, version, "Alimentation", (7, 3, 1))
    assert_tables_agree(organiser_client, consultation, version, "Logement", (2, 2, 1))


def test_both_tables_still_agree_after_a_move_and_a_merge(campaign_report, organiser, organiser_client):
    consultation, version = campaign_report
    run = version.run
    keys = {t["label"]: t["key"] for t in version.data["themes"]}
    copy = Contribution.objects.get(run=run, position=2)
    moved = services.edit_synthesis(
        actor=organiser, run=run, action="move", contribution=copy.pk, key=keys["Logement"]
    )
    assert_tables_agree(organiser_client, consultation, moved, "Alimentation", (3, 1, 0))
    assert_tables_agree(organiser_client, consultation, moved, "Logement", (6, 4, 2))
    merged = services.edit_synthesis(
        actor=organiser, run=run, action="merge", source=keys["Alimentation"], target=keys["Logement"]
    )
    assert_tables_agree(organiser_client, consultation, merged, "Logement", (9, 5, 2))


def test_a_group_of_copies_counts_each_copys_votes_once():
    units = votes_per_unit([0, 1, 0, None], [Votes(3, 1, 0), None, Votes(4, 2, 1), Votes(9, 9, 9)], 2)
    assert units == [Votes(7, 3, 1), None]  # unit 1 holds only an answer; the last row is in no theme
