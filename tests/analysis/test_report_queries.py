"""The synthesis report reads the contributions of its run once per page, export or PDF: the number of
SQL queries does not grow with the number of contributions, and no page reads the rows twice."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from analysis import services
from analysis.models import Contribution, OpinionRun, PipelineRun, SynthesisVersion, Theme
from analysis.synthesis import initial_data
from tests.analysis.conftest import add_proposals, make_consultation

pytestmark = pytest.mark.django_db


def published_report(slug: str, n: int):
    """A consultation with `n` proposals analysed into two themes (quotes included), published, and
    opinion groups over them: everything the report page draws from the contribution rows."""
    consultation = make_consultation(slug)
    proposals = add_proposals(consultation, [f"Proposition numéro {i} sur les données." for i in range(n)])
    run = PipelineRun.objects.create(consultation=consultation, status=PipelineRun.Status.DONE)
    themes = [
        Theme.objects.create(run=run, number=i, label=f"Thème {i}", keywords=["données"]) for i in (0, 1)
    ]
    rows = Contribution.objects.bulk_create(
        Contribution(
            run=run,
            position=i,
            source_type=Contribution.Source.PROPOSAL,
            source_id=p.pk,
            text=p.text,
            text_hash=f"{i:064x}",
            duplicate_group=i,
            votes={"agree": 3, "disagree": 1, "pass": 0},
            theme=themes[i % 2],
            x=float(i),
            y=float(i % 7),
            submitted_at=p.created_at,
        )
        for i, p in enumerate(proposals)
    )
    for theme in themes:
        theme.quotes = [{"id": c.pk, "text": c.text} for c in rows if c.theme_id == theme.pk][:3]
        theme.save(update_fields=["quotes"])
    version = SynthesisVersion.objects.create(run=run, number=1, action="pipeline", data=initial_data(run))
    services.publish_version(actor=None, version=version)
    statement = {"direction": "agree", "n_success": 2, "n_trials": 2, "p_success": 0.75}
    groups = [
        {"group": g, "size": 2, "representative": [{**statement, "proposal": proposals[g].pk}]}
        for g in (0, 1)
    ]
    OpinionRun.objects.create(
        consultation=consultation,
        vote_count=4 * n,
        status="ok",
        result={
            "status": "ok",
            "groups": groups,
            "participants": [
                {"participant": f"p{i}", "group": i % 2, "x": float(i), "y": 0.0, "n_votes": n}
                for i in range(4)
            ],
            "consensus_agree": [],
            "consensus_disagree": [],
            "bridging": [{"proposal": proposals[0].pk, "agree_counts": [2, 1], "seen_counts": [2, 2]}],
            "proposal_groups": {str(p.pk): [[2, 0, 0], [1, 1, 0]] for p in proposals},
        },
    )
    return consultation


def queries(client, url) -> tuple[str, list[str]]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return response.content.decode(errors="replace"), [q["sql"] for q in captured.captured_queries]


def contribution_reads(sqls: list[str]) -> int:
    return sum(1 for sql in sqls if 'FROM "analysis_contribution"' in sql)


@pytest.mark.parametrize(
    "name, args, shown",
    [
        ("analysis:report", {}, "Themes and opinion groups"),  # the table fed by the contribution rows
        ("analysis:report_pdf", {}, "%PDF"),
        ("analysis:export_contributions", {"fmt": "csv"}, "Proposition numéro 29 sur les données."),
        ("analysis:export_contributions", {"fmt": "json"}, "Proposition numéro 29 sur les données."),
    ],
)
def test_the_report_reads_the_contributions_once_whatever_their_number(client, name, args, shown):
    small, large = published_report("petite", 10), published_report("grande", 30)
    client.cookies["django_language"] = "en"
    _page, few = queries(client, reverse(name, kwargs={"slug": small.slug, **args}))
    page, many = queries(client, reverse(name, kwargs={"slug": large.slug, **args}))
    assert shown in page
    assert len(many) == len(few)  # no query per contribution
    assert contribution_reads(many) == 1  # one read of the rows serves the map, quotes, table and groups


def test_one_read_still_drops_the_quotes_and_map_texts_of_hidden_contributions(client):
    """The rows read once serve the quotes and the map: a proposal hidden after the analysis leaves both,
    the others stay."""
    from consultation.models import Proposal

    consultation = published_report("masquee", 12)
    proposals = list(consultation.proposals.order_by("id"))
    shown, hidden = proposals[2], proposals[4]  # both quoted in the first theme
    Proposal.objects.filter(pk=hidden.pk).update(status=Proposal.Status.HIDDEN)
    client.cookies["django_language"] = "en"
    page, _sqls = queries(client, reverse("analysis:report", args=[consultation.slug]))
    assert f"“{shown.text}”" in page and f"Thème 0: {shown.text}" in page  # quote and map label
    assert hidden.text not in page
