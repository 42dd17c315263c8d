"""What a new run of a consultation starts from: the themes of its previous run.

The previous run is the run of the consultation's published synthesis, or, when nothing is published,
its latest finished run. A contribution of the new run continues one of the previous run when both come
from the same proposal or answer with the same cleaned text (an edited text counts as new). The
pipeline keeps those themes while they score about as well as themes found afresh
(``pipeline.cluster``, docs/decisions/0012-rerun-stability.md); ``synthesis.carry_over`` then
carries the organisers' edits.
"""

from __future__ import annotations

from typing import Any

from .models import Contribution, PipelineRun, PublishedSynthesis, Theme
from .pipeline.carried import PreviousLook
from .pipeline.cluster import NEW, OTHER


def previous_run(run: PipelineRun) -> PipelineRun | None:
    """The run a new run of the same consultation continues (never itself), or None; a run started
    with ``fresh`` in its parameters continues none."""
    if run.params.get("fresh"):
        return None
    published = (
        PublishedSynthesis.objects.filter(consultation_id=run.consultation_id)
        .select_related("version__run")
        .first()
    )
    if published is not None and published.version.run_id != run.pk:
        return published.version.run
    return (
        PipelineRun.objects.filter(consultation_id=run.consultation_id, status=PipelineRun.Status.DONE)
        .exclude(pk=run.pk)
        .order_by("-finished_at", "-pk")
        .first()
    )


def previous_themes(run: PipelineRun, rows: list[Contribution]) -> dict[int, tuple[int, int]]:
    """Position of each of ``rows`` (the new run's) that the previous run had with the same text ->
    its (theme number, sub-theme number) there (``OTHER`` for none in a theme, ``NEW`` in "Other");
    empty without a previous run."""
    before = previous_run(run)
    if before is None:
        return {}
    old = {
        (source_type, source_id, text_hash): (theme, sub)
        for source_type, source_id, text_hash, theme, sub in Contribution.objects.filter(
            run=before, theme__isnull=False
        ).values_list("source_type", "source_id", "text_hash", "theme__number", "subtheme__number")
    }
    found = {}
    for row in rows:
        theme_sub = old.get((row.source_type, row.source_id, row.text_hash))
        if theme_sub is not None:
            theme, sub = theme_sub
            # No sub-theme in a theme: left unassigned there (an outlier, or the theme was not split).
            found[row.position] = (int(theme), _no_subtheme(theme) if sub is None else int(sub))
    return found


def _no_subtheme(theme: int) -> int:
    """A row of a theme without a sub-theme was left out of them (an outlier of its theme's sub-themes,
    kept so by a rerun that keeps them); a row of "Other" has none to keep."""
    return OTHER if theme >= 0 else NEW


def since_previous(run: PipelineRun, rows: list[Contribution]) -> dict[str, Any] | None:
    """What changed between the previous run and ``rows`` (the new run's), counted by proposal or answer
    as ``carry.carry_over`` counts them: ``new_contributions`` (the previous run had none from that
    source), ``gone_contributions`` (no longer analysed) and ``edited`` (same source, another cleaned
    text). ``unchanged`` when all three are nil and the run draws its themes as the previous one did (same
    model and seed, neither run's number of themes set by an organiser): then themes found afresh would
    be the previous run's own draw, and comparing them with the kept ones cannot redraw the themes
    (docs/decisions/0023-demo-rerun-theme-sizes.md). None without a previous run."""
    before = previous_run(run)
    if before is None:
        return None
    old = {
        (source_type, source_id): text_hash
        for source_type, source_id, text_hash in Contribution.objects.filter(run=before).values_list(
            "source_type", "source_id", "text_hash"
        )
    }
    new = {(row.source_type, row.source_id): row.text_hash for row in rows}
    shared = old.keys() & new.keys()
    counts = {
        "run": before.pk,
        "new_contributions": len(new.keys() - shared),
        "gone_contributions": len(old.keys() - shared),
        "edited": sum(1 for key in shared if old[key] != new[key]),
    }
    same_method = (
        run.params.get("k") is None
        and before.k_selection.get("method") != "override"
        and int(before.params.get("seed", 0)) == int(run.params.get("seed", 0))
        and before.model_id == run.model_id
    )
    unchanged = same_method and not (
        counts["new_contributions"] or counts["gone_contributions"] or counts["edited"]
    )
    return {**counts, "unchanged": unchanged}


def previous_look(
    since: dict[str, Any] | None, rows: list[Contribution], *, labelling: dict | None = None
) -> PreviousLook | None:
    """What the previous run showed, for a rerun ``since_previous`` called unchanged (and only then: the
    one decision): each of ``rows``' place on its map, by position, and its themes' and sub-themes' titles
    and summaries as it computed them (``Theme.label``: the pipeline's title or the labelling service's,
    not an organiser's name, which ``synthesis.carry_over`` carries from the published synthesis). The
    pipeline keeps them instead of computing them again (``pipeline.carried``). None otherwise.

    The titles only when the previous run was labelled as a run is labelled now (``labelling``, what
    ``tasks.labelling_wanted`` says): the keyword titles a failed or unconfigured labelling service left
    are a fallback, not titles to keep once the service answers (nor a service's once it is switched
    off or its model changed); they are then computed, and the service asked, as on any run."""
    if not since or not since.get("unchanged"):
        return None
    placed = {
        (source_type, source_id, text_hash): (x, y)
        for source_type, source_id, text_hash, x, y in Contribution.objects.filter(
            run_id=since["run"], x__isnull=False, y__isnull=False
        ).values_list("source_type", "source_id", "text_hash", "x", "y")
    }
    coordinates = {
        row.position: placed[key]
        for row in rows
        if (key := (row.source_type, row.source_id, row.text_hash)) in placed
    }
    titles, sentences, authors = {}, {}, {}
    labelled = PipelineRun.objects.filter(pk=since["run"]).values_list("labelling", flat=True).first()
    kept = Theme.objects.filter(run_id=since["run"], number__gte=0)
    if labelling is None or labelled == labelling:
        # A summary's sentences name the previous run's rows: the same contributions in this run.
        previous_rows = {
            pk: key
            for pk, *key in Contribution.objects.filter(run_id=since["run"]).values_list(
                "pk", "source_type", "source_id", "text_hash"
            )
        }
        position_of = {(row.source_type, row.source_id, row.text_hash): row.position for row in rows}
        columns = ("number", "parent__number", "label", "summary", "summary_by", "summary_sentences")
        for number, parent, label, summary, by, said in kept.values_list(*columns):
            key = ("t", number) if parent is None else ("s", parent, number)
            titles[key] = (label, summary)
            authors[key] = by
            if said:
                sentences[key] = [
                    {
                        "text": s["text"],
                        "ids": [
                            position_of[tuple(previous_rows[i])]
                            for i in s.get("ids", [])
                            if i in previous_rows and tuple(previous_rows[i]) in position_of
                        ],
                    }
                    for s in said
                ]
    return PreviousLook(coordinates=coordinates, titles=titles, sentences=sentences, authors=authors)
