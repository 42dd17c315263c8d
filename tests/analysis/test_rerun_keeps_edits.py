"""A new run keeps the organisers' work on the published synthesis where the match is clear."""

import pytest
from django.urls import reverse

from analysis import services
from analysis.models import Contribution
from analysis.synthesis import membership, top_level

pytestmark = pytest.mark.django_db


def test_names_hidden_themes_and_moves_survive_a_rerun(
    done_run, organiser, organiser_client, django_capture_on_commit_callbacks
):
    first = done_run.versions.get()
    a, b = [t["key"] for t in top_level(first.data) if not t["other"]][:2]
    services.edit_synthesis(
        actor=organiser, run=done_run, action="rename", key=a, label="Alimentation locale"
    )
    services.edit_synthesis(actor=organiser, run=done_run, action="hide", key=b)
    members = membership(done_run, done_run.versions.order_by("-number").first().data)
    moved = next(pk for pk, (top, _sub) in members.items() if top not in (a, b, None))
    services.edit_synthesis(actor=organiser, run=done_run, action="move", contribution=moved, key=a)
    services.publish_version(actor=organiser, version=done_run.versions.order_by("-number").first())

    with django_capture_on_commit_callbacks(execute=True):
        rerun = services.start_run(consultation=done_run.consultation, k=3, chunk_size=10)
    rerun.refresh_from_db()
    assert rerun.status == "done", rerun.error_detail
    data = rerun.versions.get().data
    labels = {t["label"]: t for t in top_level(data)}
    assert "Alimentation locale" in labels  # the organiser's name, on the theme it matched
    assert any(t["hidden"] for t in top_level(data))
    source = Contribution.objects.get(pk=moved)
    again = Contribution.objects.get(run=rerun, source_type=source.source_type, source_id=source.source_id)
    assert membership(rerun, data)[again.pk][0] == labels["Alimentation locale"]["key"]
    carried = data["carried"]
    assert carried["renamed"] == ["Alimentation locale"] and carried["moves"] == 1

    page = organiser_client.get(reverse("analysis:editor", args=[rerun.pk])).content.decode()
    assert "Ce qui a changé depuis la synthèse publiée" in page and "Alimentation locale" in page
