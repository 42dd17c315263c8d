"""A draw anyone can verify: the seed is committed to (its SHA-256) when the draw starts, the lottery is
published with its SHA-256 before the draw, the seed is revealed after it, and the standalone script
(scripts/verify_draw.py, standard library only) recomputes the seated panel from the downloaded file."""

import hashlib
import io
import json
from contextlib import redirect_stdout

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from accounts.models import AuditEvent
from deliberation import services
from scripts import verify_draw


def run_script(tmp_path, data: bytes, *args: str) -> tuple[int, str]:
    path = tmp_path / "lottery.json"
    path.write_bytes(data)
    out = io.StringIO()
    with redirect_stdout(out):
        try:
            status = verify_draw.main([str(path), *args])
        except SystemExit as stop:
            status = stop.code
    return status, out.getvalue()


@pytest.fixture
def published(client, drawn):
    selection = drawn.selections.get()
    report = client.get(
        reverse("deliberation:selection_report", args=[drawn.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    url = reverse("deliberation:selection_lottery", args=[drawn.pk, selection.pk])
    assert url in report
    response = client.get(url)
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    return selection, report, response.content


def test_the_seed_is_committed_before_and_revealed_after(drawn):
    selection = drawn.selections.get()
    started = AuditEvent.objects.get(action="selection.started", object_id=str(selection.pk))
    assert started.details["seed_commitment"] == hashlib.sha256(b"graine-publique").hexdigest()
    assert "graine-publique" not in json.dumps(started.details)  # only the commitment before the draw
    published = AuditEvent.objects.get(action="selection.lottery_published", object_id=str(selection.pk))
    drawn_event = AuditEvent.objects.get(action="selection.drawn", object_id=str(selection.pk))
    assert started.pk < published.pk < drawn_event.pk
    assert published.details["lottery_sha256"] == selection.lottery_sha256
    assert drawn_event.details["seed"] == "graine-publique"


def test_the_report_shows_commitment_file_hash_reveal_and_check(published):
    selection, report, data = published
    assert hashlib.sha256(data).hexdigest() == selection.lottery_sha256
    assert selection.seed_commitment in report and selection.lottery_sha256 in report
    assert "graine-publique" in report
    assert "The SHA-256 of the revealed seed is the commitment." in report
    assert "The published lottery and the seed give the seated panel." in report
    document = json.loads(data)
    assert set(document["probabilities"]) == set(selection.probabilities)  # every volunteer, by number


def test_the_script_recomputes_the_seated_panel_from_the_published_file(tmp_path, published):
    selection, _report, data = published
    seated = sorted(str(v) for v in selection.panel.members.values_list("volunteer_id", flat=True))
    status, out = run_script(
        tmp_path,
        data,
        "--seed",
        selection.seed,
        "--sha256",
        selection.lottery_sha256,
        "--panel",
        ",".join(seated),
    )
    assert status == 0, out
    assert f"Panel: {', '.join(seated)}" in out and "This is the published panel." in out


def test_a_tampered_file_or_another_seed_fails_the_check(tmp_path, published):
    selection, _report, data = published
    status, out = run_script(tmp_path, data, "--seed", "another-seed")
    assert status == 1 and "not the commitment" in out
    document = json.loads(data)
    first, second = document["compositions"][0], document["compositions"][-1]
    if first is not second:  # move probability from one composition to another: the hash changes
        first["probability"], second["probability"] = second["probability"], first["probability"]
    document["probabilities"][next(iter(document["probabilities"]))] = 0.99
    tampered = json.dumps(document).encode()
    status, out = run_script(
        tmp_path, tampered, "--seed", selection.seed, "--sha256", selection.lottery_sha256
    )
    assert status == 1 and "not the published one" in out
    status, out = run_script(tmp_path, tampered, "--seed", selection.seed)  # no hash given: content checked
    assert status == 1 and "do not follow from the compositions" in out


def test_redraw_selection_refuses_a_stored_lottery_that_was_altered(drawn):
    selection = drawn.selections.get()
    out = io.StringIO()
    call_command("redraw_selection", selection.pk, stdout=out)
    assert "Same panel as the recorded draw." in out.getvalue() and selection.lottery_sha256 in out.getvalue()
    selection.lottery["compositions"][0]["probability"] += 0.0
    selection.lottery["panel_size"] += 1
    selection.save(update_fields=["lottery"])
    with pytest.raises(CommandError, match="SHA-256"):
        call_command("redraw_selection", selection.pk, stdout=io.StringIO())
    selection.refresh_from_db()
    with pytest.raises(services.DeliberationError):
        services.redraw(selection)


def test_no_file_is_served_before_the_lottery_is_published(client, started):
    url = reverse("deliberation:selection_lottery", args=[started.panel_id, started.pk])
    assert client.get(url).status_code == 404
