"""Analysing the very same contributions again gives the very same themes: sizes, titles, sub-themes
and "Other" (docs/decisions/0023-demo-rerun-theme-sizes.md). Before, the texts in "Other" joined the
nearest theme on every rerun and the outliers were found again, so a theme grew by one and "Other"
shrank although nothing had changed (CCC proposals, seed 1: 15 -> 16 and 2 -> 1)."""

from io import StringIO

import pytest
from django.core.management import call_command

from analysis import services
from analysis.models import Contribution, PipelineRun
from tests.analysis.conftest import add_proposals

pytestmark = [pytest.mark.django_db, pytest.mark.model]


def _themes(run: PipelineRun) -> list[tuple]:
    """What the organiser reads of a run: each theme's and sub-theme's title and size, "Other" included."""
    return [
        (theme.parent.number if theme.parent else None, theme.number, theme.label, theme.size)
        for theme in run.themes.select_related("parent").order_by("parent__number", "number")
    ]


def _analyse(consultation, django_capture_on_commit_callbacks) -> PipelineRun:
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_run(consultation=consultation, seed=1, chunk_size=100)
    run.refresh_from_db()
    assert run.status == "done", run.error_detail
    services.publish_version(actor=None, version=run.versions.get())  # as the demo does
    return run


def test_the_same_contributions_analysed_again_keep_every_theme_as_it_was(
    consultation, ccc, django_capture_on_commit_callbacks
):
    add_proposals(consultation, [row["proposal"] for row in ccc])
    first = _analyse(consultation, django_capture_on_commit_callbacks)
    second = _analyse(consultation, django_capture_on_commit_callbacks)
    out = StringIO()  # the third time as the demo does it, from the command line
    call_command("run_pipeline", consultation.slug, "--seed", "1", "--publish", stdout=out, stderr=StringIO())
    third = PipelineRun.objects.latest("pk")

    assert second.k_selection["method"] == "kept-previous"  # a rerun, not a fresh draw
    assert _themes(second) == _themes(first)
    assert _themes(third) == _themes(first)
    # The command says the contributions were the same, in the default language (French).
    assert f"Mêmes contributions que dans l’analyse {second.pk}, chacune dans le thème" in out.getvalue()
    assert any(theme.number < 0 and theme.size > 0 for theme in first.themes.all())  # "Other" is not empty

    def places(run):
        return {
            row.source_id: (row.theme.number if row.theme else None, row.subtheme_id and row.subtheme.number)
            for row in Contribution.objects.filter(run=run).select_related("theme", "subtheme")
        }

    assert places(second) == places(first)  # each contribution where it was
