"""What the organiser reads of a rerun, and what it costs (docs/decisions/0023-demo-rerun-theme-sizes.md):
the same contributions analysed again keep their themes without fresh ones being drawn to compare, and
the run's page and ``run_pipeline`` say so; new contributions are still compared, and said as such;
"find the themes afresh" still draws them. The fresh method is counted through ``cluster._refined``
(one call per number of themes tried, at each level), not timed."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from analysis import services
from analysis.models import PipelineRun
from tests.analysis.conftest import add_proposals

pytestmark = [pytest.mark.django_db, pytest.mark.model]


def _themes(run: PipelineRun) -> list[tuple]:
    return [
        (theme.parent.number if theme.parent else None, theme.number, theme.label, theme.size)
        for theme in run.themes.select_related("parent").order_by("parent__number", "number")
    ]


def _page(client, run: PipelineRun, language: str) -> str:
    client.cookies["django_language"] = language
    page = client.get(reverse("analysis:run", args=[run.pk])).content.decode()
    return " ".join(page.replace("\u00a0", " ").replace("\u202f", " ").split())


def _analyse(consultation, captured, **options) -> PipelineRun:
    with captured(execute=True):
        run = services.start_run(consultation=consultation, chunk_size=100, **options)
    run.refresh_from_db()
    assert run.status == "done", run.error_detail
    return run


def test_a_rerun_says_what_changed_and_draws_fresh_themes_only_when_something_did(
    consultation, ccc_sample, organiser_client, fresh_draws, django_capture_on_commit_callbacks
):
    add_proposals(consultation, [row["proposal"] for row in ccc_sample[:30]])
    first = _analyse(consultation, django_capture_on_commit_callbacks)
    services.publish_version(actor=None, version=first.versions.get())  # as the demo does
    assert fresh_draws  # a first run draws its themes

    # The same contributions again, from the command line as the demo does.
    fresh_draws.clear()
    out = StringIO()
    call_command("run_pipeline", consultation.slug, stdout=out, stderr=StringIO())
    same = PipelineRun.objects.latest("pk")
    assert fresh_draws == []  # no fresh themes drawn to compare
    assert same.k_selection["method"] == "kept-previous" and same.k_selection["unchanged"]
    assert _themes(same) == _themes(first)
    k = first.themes.filter(parent__isnull=True, number__gte=0).count()
    printed = " ".join(out.getvalue().replace("\u00a0", " ").replace("\u202f", " ").split())
    said_fr = [
        f"Rien n’a changé depuis l’analyse {first.pk} : ses {k} thèmes ont été gardés sans être recalculés.",
        f"Mêmes contributions que dans l’analyse {first.pk}, chacune dans le thème qu’elle y avait : les "
        "thèmes n’ont pas bougé.",
    ]
    page = _page(organiser_client, same, "fr")
    for sentence in said_fr:
        assert sentence in printed and sentence in page  # the command and the page say the same
    assert "rejoint le thème le plus proche" not in page
    page = _page(organiser_client, same, "en")
    said_en = [
        f"Nothing changed since run {first.pk}: its {k} themes were kept without being computed again.",
        f"Same contributions as in run {first.pk}, each in the theme it had there: the themes did not move.",
    ]
    assert all(sentence in page for sentence in said_en)
    assert "joined the closest theme" not in page

    # "Find the themes afresh": drawn again, whatever changed.
    fresh_draws.clear()
    afresh = _analyse(consultation, django_capture_on_commit_callbacks, fresh=True)
    assert fresh_draws and afresh.k_selection["method"] != "kept-previous"

    # Three new contributions: the kept themes are compared with fresh ones again.
    add_proposals(consultation, [row["proposal"] for row in ccc_sample[30:33]], source="import")
    fresh_draws.clear()
    grown = _analyse(consultation, django_capture_on_commit_callbacks)
    assert fresh_draws and grown.k_selection.get("previous_score") is not None
    assert not grown.k_selection.get("unchanged")
    moved = grown.versions.get().data["carried"]["changed_theme"]
    page = _page(organiser_client, grown, "en")
    assert (
        f"Compared with run {first.pk}: 3 new contributions, 0 no longer analysed, {moved} in another theme."
        in page
    )
    assert "Nothing changed since" not in page and "Same contributions as in run" not in page
    page = _page(organiser_client, grown, "fr")
    assert (
        f"Par rapport à l’analyse {first.pk} : 3 nouvelles contributions, 0 qui n’est plus analysée, "
        f"{moved} dans un autre thème." in page
    )
