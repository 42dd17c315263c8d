"""A new run keeps the organisers' work on the published synthesis where the match is clear (end to end,
through the real pipeline; the matching rule itself is tested in test_carry_over.py)."""

import pytest
from django.urls import reverse

from analysis import services
from analysis.models import Contribution
from analysis.rerun import previous_themes
from analysis.synthesis import membership, top_level

from .conftest import add_proposals

pytestmark = [pytest.mark.django_db, pytest.mark.model]


def test_edits_survive_a_rerun_with_5_percent_new_texts(
    consultation, ccc_sample, organiser, organiser_client, django_capture_on_commit_callbacks
):
    # 36 real proposals in four themes. (Whether a rerun keeps the previous themes or draws new ones is
    # the pipeline's choice, tested in tests/pipeline/test_cluster.py; here both runs are asked for four
    # themes, so the edits meet themes found afresh and are carried by matching.)
    add_proposals(consultation, [row["proposal"] for row in ccc_sample[:36]])
    with django_capture_on_commit_callbacks(execute=True):
        done_run = services.start_run(consultation=consultation, k=4, chunk_size=10)
    done_run.refresh_from_db()
    first = done_run.versions.get()
    a, b, c = [t["key"] for t in top_level(first.data) if not t["other"]][:3]
    services.edit_synthesis(
        actor=organiser, run=done_run, action="rename", key=a, label="Alimentation locale"
    )
    members = membership(done_run, done_run.versions.order_by("-number").first().data)
    moved = next(pk for pk, (top, _sub) in members.items() if top == c)
    services.edit_synthesis(actor=organiser, run=done_run, action="move", contribution=moved, key=a)
    services.edit_synthesis(actor=organiser, run=done_run, action="merge", source=c, target=b)
    services.edit_synthesis(actor=organiser, run=done_run, action="hide", key=b)
    services.publish_version(actor=organiser, version=done_run.versions.order_by("-number").first())

    # Two new proposals (about 5 % more), and a rerun that chooses its themes itself.
    add_proposals(consultation, [row["proposal"] for row in ccc_sample[36:38]], source="late")
    with django_capture_on_commit_callbacks(execute=True):
        rerun = services.start_run(consultation=consultation, k=4, chunk_size=10)
    rerun.refresh_from_db()
    assert rerun.status == "done", rerun.error_detail
    # The rerun was given each earlier contribution's theme (the pipeline's starting point).
    rows = list(Contribution.objects.filter(run=rerun))
    assert len(previous_themes(rerun, rows)) == 36
    data = rerun.versions.get().data
    labels = {t["label"]: t for t in top_level(data)}
    assert "Alimentation locale" in labels  # the organiser's name, on the theme it matched
    merged = [t for t in top_level(data) if len(t["theme_ids"]) == 2]
    assert len(merged) == 1 and merged[0]["hidden"]  # merged and hidden again
    source = Contribution.objects.get(pk=moved)
    again = Contribution.objects.get(run=rerun, source_type=source.source_type, source_id=source.source_id)
    assert membership(rerun, data)[again.pk][0] == labels["Alimentation locale"]["key"]
    carried = data["carried"]
    assert {e["edit"] for e in carried["carried"]} == {"rename", "merge", "hide", "move"}
    assert carried["not_carried"] == [] and carried["new_contributions"] == 2

    page = organiser_client.get(reverse("analysis:editor", args=[rerun.pk])).content.decode()
    assert "Ce qui a changé depuis la synthèse publiée" in page and "Alimentation locale" in page
    assert "2 nouvelles contributions" in page and "Modifications reportées" in page
