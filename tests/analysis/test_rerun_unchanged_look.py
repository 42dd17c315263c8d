"""An unchanged rerun (the same contributions, drawn the same way: ``rerun.since_previous``) shows what
the previous run showed: each contribution at the same place on the map, each theme and sub-theme under
the same title and summary, the organiser's published names carried, and neither the map, the titles
nor the labelling service computed again. Contributions added: the map and the titles are computed as on
any run (docs/decisions/0023-demo-rerun-theme-sizes.md, last section). What is computed is counted
(``map_layout``, ``titles_and_summaries``), not timed; fresh themes through ``fresh_draws``."""

import pytest

from analysis import services
from analysis.models import Contribution, PipelineRun
from analysis.pipeline import cluster as cluster_module
from analysis.pipeline import run as run_module
from analysis.synthesis import top_level
from tests.analysis.conftest import add_proposals

pytestmark = [pytest.mark.django_db, pytest.mark.model]


@pytest.fixture
def computed(monkeypatch) -> dict[str, int]:
    """How many times a run laid out its map and titled its themes."""
    counts = {"map": 0, "titles": 0}
    layout, titles = cluster_module.map_layout, run_module.titles_and_summaries

    def counting_layout(*args, **kwargs):
        counts["map"] += 1
        return layout(*args, **kwargs)

    def counting_titles(*args, **kwargs):
        counts["titles"] += 1
        return titles(*args, **kwargs)

    monkeypatch.setattr(cluster_module, "map_layout", counting_layout)
    monkeypatch.setattr(run_module, "titles_and_summaries", counting_titles)
    return counts


def _analyse(consultation, capture) -> PipelineRun:
    with capture(execute=True):
        run = services.start_run(consultation=consultation, chunk_size=100)
    run.refresh_from_db()
    assert run.status == "done", run.error_detail
    return run


def _map(run: PipelineRun) -> dict[tuple, tuple]:
    """Each contribution's place on the run's map, by the proposal it comes from."""
    return {
        (source_type, source_id): (x, y)
        for source_type, source_id, x, y in Contribution.objects.filter(run=run).values_list(
            "source_type", "source_id", "x", "y"
        )
    }


def _titles(run: PipelineRun) -> list[tuple]:
    return [
        (theme.parent.number if theme.parent else None, theme.number, theme.label, theme.summary)
        for theme in run.themes.select_related("parent").order_by("parent__number", "number")
    ]


def test_an_unchanged_rerun_keeps_the_map_and_the_titles_and_a_grown_one_computes_them(
    consultation, ccc_sample, organiser, labelling, computed, fresh_draws, django_capture_on_commit_callbacks
):
    add_proposals(consultation, [row["proposal"] for row in ccc_sample[:30]])
    first = _analyse(consultation, django_capture_on_commit_callbacks)
    assert computed == {"map": 1, "titles": 1} and fresh_draws
    assert first.labelling["source"] == "service"
    # The organiser names a theme and publishes the synthesis.
    key = next(t["key"] for t in top_level(first.versions.get().data) if not t["other"])
    services.edit_synthesis(actor=organiser, run=first, action="rename", key=key, label="Manger local")
    services.publish_version(actor=organiser, version=first.versions.order_by("-number").first())
    asked = len(labelling.requests)

    computed.update(map=0, titles=0)
    fresh_draws.clear()
    same = _analyse(consultation, django_capture_on_commit_callbacks)

    assert same.k_selection["unchanged"] and fresh_draws == []
    assert computed == {"map": 0, "titles": 0}  # neither the map nor the titles computed again
    assert len(labelling.requests) == asked  # nor the themes labelled again by the service
    assert same.labelling == first.labelling  # the titles are still the service's
    assert _map(same) == _map(first) and all(x is not None for x, _y in _map(same).values())
    assert _titles(same) == _titles(first)
    assert "Manger local" in [t["label"] for t in top_level(same.versions.get().data)]

    # Three new contributions: the themes are compared, the map and the titles computed again.
    add_proposals(consultation, [row["proposal"] for row in ccc_sample[30:33]], source="import")
    grown = _analyse(consultation, django_capture_on_commit_callbacks)
    assert not grown.k_selection.get("unchanged") and fresh_draws
    assert computed == {"map": 1, "titles": 1}
    assert len(labelling.requests) > asked
    assert len(_map(grown)) == 33 and all(x is not None for x, _y in _map(grown).values())


def test_an_unchanged_rerun_after_a_labelling_failure_asks_the_service_again(
    consultation, ccc_sample, labelling, settings, django_capture_on_commit_callbacks
):
    """The keyword titles of a run the labelling service failed on are a fallback, not titles to keep:
    the organiser reruns once the service is back, and the unchanged rerun is labelled by it."""
    add_proposals(consultation, [row["proposal"] for row in ccc_sample[:30]])
    labelling.mode, settings.PACTE_LABELS_TIMEOUT = "error", 0.3
    first = _analyse(consultation, django_capture_on_commit_callbacks)
    assert first.labelling["source"] == "keywords" and first.labelling["error"]

    labelling.mode, settings.PACTE_LABELS_TIMEOUT = "ok", 5
    asked = len(labelling.requests)
    same = _analyse(consultation, django_capture_on_commit_callbacks)

    assert same.k_selection["unchanged"]
    assert same.labelling == {"source": "service", "model": "petit-modele"}
    assert len(labelling.requests) > asked
    themes = same.themes.filter(parent__isnull=True, number__gte=0)
    assert themes and all(t.label == f"Thème {t.keywords[0]}" for t in themes)
    assert _map(same) == _map(first)  # the map is still the previous run's
