"""A run with the optional labelling service configured: labels and summaries from the endpoint, or,
when it fails, the keyword labels with a note on the run page; the run itself never fails for it."""

import pytest
from django.urls import reverse

from analysis import services
from analysis.models import Contribution, PipelineRun

from .conftest import add_proposals

pytestmark = [pytest.mark.django_db, pytest.mark.model]  # each test runs the pipeline


def run_with_service(consultation, ccc_sample, capture):
    add_proposals(consultation, [row["proposal"] for row in ccc_sample[:30]])
    with capture(execute=True):
        run = services.start_run(consultation=consultation, k=3, chunk_size=50)
    run.refresh_from_db()
    return run


def test_themes_get_the_labels_and_summaries_of_the_endpoint(
    labelling, consultation, ccc_sample, django_capture_on_commit_callbacks, organiser_client
):
    run = run_with_service(consultation, ccc_sample, django_capture_on_commit_callbacks)
    assert run.status == PipelineRun.Status.DONE, run.error_detail
    themes = list(run.themes.filter(parent__isnull=True, number__gte=0))
    assert len(themes) == 3 and len(labelling.requests) == 3
    assert all(t.label == f"Thème {t.keywords[0]}" for t in themes)
    assert all(r[1]["Authorization"] == "Bearer clef-de-test" for r in labelling.requests)
    assert run.labelling == {"source": "service", "model": "petit-modele"}

    version = run.versions.get()
    page = organiser_client.get(
        reverse("analysis:report", args=[consultation.slug]), {"version": version.pk}
    ).content.decode()
    assert f"Les contributions parlent de {themes[0].keywords[0]}." in page
    run_page = organiser_client.get(reverse("analysis:run", args=[run.pk])).content.decode()
    assert "petit-modele" in run_page


@pytest.mark.parametrize("mode", ["error", "slow"])
def test_a_failing_endpoint_leaves_the_keyword_labels_and_a_note(
    labelling, settings, consultation, ccc_sample, django_capture_on_commit_callbacks, organiser_client, mode
):
    labelling.mode, settings.PACTE_LABELS_TIMEOUT = mode, 0.3
    run = run_with_service(consultation, ccc_sample, django_capture_on_commit_callbacks)
    assert run.status == PipelineRun.Status.DONE, run.error_detail
    themes = list(run.themes.filter(parent__isnull=True, number__gte=0))
    # The offline titles and summaries: a phrase and sentences of the theme's own contributions.
    assert themes and all(t.label and t.summary for t in themes)
    texts = " ".join(Contribution.objects.filter(run=run).values_list("text", flat=True)).lower()
    assert all(t.label.lower() in texts for t in themes)
    assert run.labelling["source"] == "keywords" and run.labelling["error"]
    run_page = organiser_client.get(reverse("analysis:run", args=[run.pk])).content.decode()
    assert "Le service de libellés n’a pas pu être utilisé" in run_page
    assert run.labelling["error"] in run_page


def test_without_configuration_no_request_is_made(
    fake_label_server, consultation, ccc_sample, django_capture_on_commit_callbacks
):
    run = run_with_service(consultation, ccc_sample, django_capture_on_commit_callbacks)
    assert run.status == PipelineRun.Status.DONE and run.labelling == {"source": "keywords"}
    assert fake_label_server.requests == []
