"""The synthesis report reads the contributions of its run once per page, export or PDF: the number of
SQL queries does not grow with the number of contributions, and no page reads the rows twice."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.analysis.conftest import published_report

pytestmark = pytest.mark.django_db


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
    assert f"“{shown.text}”" in page and f">{shown.text}</title>" in page  # quote and map point
    assert hidden.text not in page
