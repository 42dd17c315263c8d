"""Counts read as a sentence in either language: "1 of the 1 member", not "1 of the 1 members"."""

import pytest
from django.urls import reverse

from analysis.models import OpinionRun, PipelineRun
from tests.analysis.conftest import published_report
from tests.analysis.test_report_readability import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def one_voter():
    """A published report whose opinion groups rest on one vote by one participant."""
    consultation = published_report("un-seul-votant", 4)
    opinion = OpinionRun.objects.get(consultation=consultation)
    result = opinion.result
    statement = result["groups"][0]["representative"][0]
    statement.update(n_success=1, n_trials=1)
    result["participants"] = [{"participant": "p0", "group": 0, "x": 0.0, "y": 0.0, "n_votes": 1}]
    result["groups"] = [{**result["groups"][0], "size": 1}]  # the computation's counts say so too
    result["n_voters"] = 1
    opinion.vote_count = 1
    opinion.save(update_fields=["result", "vote_count"])
    return consultation, opinion


def test_opinion_counts_of_one_are_singular_and_one_vote_claims_nothing(one_voter, client):
    consultation, opinion = one_voter
    url = reverse("analysis:report", args=[consultation.slug])
    _response, text = page_text(client, url)
    # A statement resting on one vote is not claimed to set the group apart (issue 20: 5 votes at least).
    assert (
        "1 of the 1 member" not in text
        and "No statement sets this group apart with enough votes yet." in text
    )
    assert "counts all 1 voter," in text and "only the 1 participant placed in a group" in text
    assert "1 members" not in text and "1 participants" not in text and "1 voters" not in text
    _response, french = page_text(client, url, "fr")
    assert "1 sur 1 membre" not in french
    assert "Aucune proposition ne distingue encore ce groupe avec assez de votes." in french
    assert "1 membres" not in french and "1 votant·es" not in french and "1 participant·es" not in french

    opinion.status = opinion.result["status"] = "not_enough_votes"
    opinion.save(update_fields=["status", "result"])
    _response, text = page_text(client, url)
    assert ", from 1 vote." in text and "so far" not in text
    _response, french = page_text(client, url, "fr")
    assert ", à partir de 1 vote." in french


def test_the_run_page_counts_one_new_text_in_the_singular(consultation, organiser_client):
    from analysis import services

    run = services.start_run(consultation=consultation, enqueue=False)  # a run the workers have not finished
    PipelineRun.objects.filter(pk=run.pk).update(
        status=PipelineRun.Status.EMBEDDING, progress_done=0, progress_total=1
    )
    _response, text = page_text(organiser_client, reverse("analysis:run", args=[run.pk]))
    assert "0 of 1 new text embedded" in text
    _response, french = page_text(organiser_client, reverse("analysis:run", args=[run.pk]), "fr")
    assert "0 sur 1 texte nouveau traité" in french


def test_trend_weeks_are_dates_in_the_readers_language(client):
    """The weekly trend tables read "Week of 9 November 2026" the reader's way, not "2026-11-09"."""
    import datetime as dt
    import re

    from django.utils import formats, translation

    from analysis.models import SynthesisVersion

    consultation = published_report("tendance-dates", 4)
    version = SynthesisVersion.objects.get(run__consultation=consultation)
    weeks = sorted({week for t in version.data["themes"] for week in t["trend"]})
    assert weeks  # the proposals are dated, so each theme has a trend
    url = reverse("analysis:report", args=[consultation.slug])
    for language in ("fr", "en"):
        _response, text = page_text(client, url, language)
        trend = text.split("Tendance" if language == "fr" else "Trend", 1)[1]
        assert not re.search(r"\d{4}-\d\d-\d\d", trend)
        with translation.override(language):
            shown = [formats.date_format(dt.date.fromisoformat(w), "DATE_FORMAT") for w in weeks]
        assert all(date in text for date in shown), shown
    months = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
    assert re.search(rf"\d{{1,2}} ({months}) \d{{4}}", page_text(client, url, "fr")[1])
