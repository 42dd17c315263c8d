"""A new run keeps the organisers' work on the published synthesis where the match is clear (end to end,
through the real pipeline; the matching rule itself is tested in test_carry_over.py)."""

import pytest
from django.urls import reverse

from analysis import services
from analysis.models import Contribution
from analysis.rerun import previous_themes
from analysis.synthesis import membership, top_level

pytestmark = [pytest.mark.django_db, pytest.mark.model]


def test_edits_survive_a_rerun_through_the_pipeline(
    done_run, organiser, organiser_client, django_capture_on_commit_callbacks
):
    """The same 30 proposals analysed again (three themes asked both times): every edit comes back.
    With 5 % new texts and themes that moved, test_carry_over.py; keeping the themes, test_cluster.py."""
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

    with django_capture_on_commit_callbacks(execute=True):
        rerun = services.start_run(consultation=done_run.consultation, k=3, chunk_size=10)
    rerun.refresh_from_db()
    assert rerun.status == "done", rerun.error_detail
    # The rerun was given each earlier contribution's theme (the pipeline's starting point).
    rows = list(Contribution.objects.filter(run=rerun))
    assert len(previous_themes(rerun, rows)) == 30
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
    assert carried["not_carried"] == [] and carried["new_contributions"] == 0

    page = organiser_client.get(reverse("analysis:editor", args=[rerun.pk])).content.decode()
    assert "Ce qui a changé depuis la synthèse publiée" in page and "Alimentation locale" in page
    assert "Modifications reportées" in page and "La fusion de 2 thèmes" in page
