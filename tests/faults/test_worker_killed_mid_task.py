"""A worker killed (SIGKILL) in the middle of a panel draw, an open-data build, a contribution import and a
notice fan-out (issue #22).

Each test starts a first worker that stops for good at a chosen point of the task (tests/faults/stalling.py:
it writes a marker file there, so the kill never depends on timing), kills it with SIGKILL, checks what the
dead worker left in the database, starts a plain worker, and checks that the work completed once: no seat,
archive, contribution or e-mail twice. Tasks are acknowledged late; the broker hands the dead worker's task
to the next worker after the visibility timeout (5 s here, tests/faults/conftest.py). No audit event is
written twice by the task delivered again (`events_recorded_twice`): each is guarded by the state change it
records, in the same transaction."""

import zipfile
from pathlib import Path

import pytest
from django.urls import reverse

from accounts.models import AuditEvent, OutboxTask, SentNotice
from consultation import services as consultation_services
from consultation.models import ContributionImport, OpenDataExport, Proposal
from deliberation import services as deliberation_services
from deliberation.models import Panel, PanelMember, Selection, Volunteer
from tests.analysis.conftest import add_proposals
from tests.conftest import with_totp
from tests.deliberation.conftest import citizen_in_pool, seat
from tests.factories import UserFactory
from tests.faults.conftest import (
    StandbyWorker,
    broker_drained,
    events_recorded_twice,
    hand_outbox_to,
    kill_worker,
    send_and_wait,
    start_stalling_worker,
    wait_for,
)
from tests.helpers import make_consultation

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def _kill_when_stalled(worker, marker: Path, what: str, log) -> None:
    try:
        wait_for(marker.exists, 120, what, log)
    finally:
        kill_worker(worker)


def _all_done(redis) -> bool:
    """The broker holds nothing more (queued or taken) and no task waits in the outbox: no e-mail or
    duplicate can still come."""
    return broker_drained(redis) and not OutboxTask.objects.exists()


def test_a_draw_killed_after_publishing_its_lottery_seats_the_panel_once(
    own_redis, held_outbox, fake_smtp, organiser, tmp_path
):
    panel = deliberation_services.create_panel(actor=organiser, title="Assise du don de données", size=4)
    deliberation_services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.RECRUITING)
    for i in range(10):
        citizen_in_pool(panel, ["female", "male"][i % 2])
    deliberation_services.replace_quotas(
        actor=organiser,
        panel=panel,
        quotas=[
            deliberation_services.QuotaInput("gender", "female", 1, 3),
            deliberation_services.QuotaInput("gender", "male", 1, 3),
        ],
    )
    selection = deliberation_services.start_selection(actor=organiser, panel=panel, seed="graine-publique")
    hand_outbox_to(own_redis.url)
    log, marker = tmp_path / "workers.log", tmp_path / "stalled"

    # The lottery is published, the seats not yet recorded: the worst moment to lose the worker.
    first = start_stalling_worker(
        own_redis.url,
        log,
        marker,
        "deliberation.services:record_selection_result",
        **fake_smtp.worker_settings,
    )
    second = StandbyWorker(own_redis.url, log, **fake_smtp.worker_settings)
    try:
        _kill_when_stalled(first, marker, "the first worker to reach the seating", log)
        selection.refresh_from_db()
        assert selection.status == Selection.Status.RUNNING and selection.lottery_sha256
        assert not PanelMember.objects.filter(panel=panel).exists()
        published_first = selection.lottery_sha256

        second.take_over()
        wait_for(lambda: Selection.objects.get(pk=selection.pk).status != Selection.Status.RUNNING, 120,
                 "the second worker to record the draw", log)  # fmt: skip
        wait_for(lambda: _all_done(own_redis), 120, "the notices of the draw", log)
    finally:
        second.stop()

    selection.refresh_from_db()
    assert selection.status == Selection.Status.DONE, (selection.reasons, log.read_text()[-3000:])
    members = PanelMember.objects.filter(panel=panel)
    assert members.count() == 4 and members.values("volunteer").distinct().count() == 4
    assert sorted(str(m.volunteer_id) for m in members) == sorted(selection.drawn)
    assert selection.lottery_sha256 == published_first  # the same lottery published again, not another
    assert AuditEvent.objects.filter(action="selection.drawn", object_id=str(selection.pk)).count() == 1
    # Published by the first worker, found published by the second: one publication, its first date.
    published = AuditEvent.objects.filter(action="selection.lottery_published", object_id=str(selection.pk))
    assert published.count() == 1
    assert not events_recorded_twice()
    # Each person told once: the four seated, the six others that they were not drawn.
    pool = {v.user.email for v in Volunteer.objects.filter(panel=panel).select_related("user")}
    assert sorted(fake_smtp.recipients()) == sorted(pool)


# Where the first worker is lost: half-way through the archive (questions.csv and answers.csv written,
# proposals.csv next), or once the archive is stored but before the export is marked done.
OPEN_DATA_KILL_POINTS = {
    "half-way": {"target": "consultation.opendata:_csv", "call": 3, "when": "before"},
    "archive-stored": {
        "target": "django.core.files.storage:FileSystemStorage.save",
        "call": 1,
        "when": "after",
    },
}


@pytest.mark.parametrize("kill_point", list(OPEN_DATA_KILL_POINTS))
def test_an_open_data_build_killed_half_way_is_built_once(
    kill_point, own_redis, held_outbox, organiser, tmp_path
):
    consultation = make_consultation("donnees-tuees", questions=False)
    proposals = add_proposals(consultation, [f"Proposition numéro {i}" for i in range(30)])
    export = consultation_services.request_open_data_export(actor=organiser, consultation=consultation)
    hand_outbox_to(own_redis.url)
    log, marker, media = tmp_path / "workers.log", tmp_path / "stalled", tmp_path / "media"

    point = OPEN_DATA_KILL_POINTS[kill_point]
    first = start_stalling_worker(
        own_redis.url, log, marker, point["target"], call=point["call"], when=point["when"],
        DJANGO_MEDIA_ROOT=str(media),
    )  # fmt: skip
    second = StandbyWorker(own_redis.url, log, DJANGO_MEDIA_ROOT=str(media))
    try:
        _kill_when_stalled(first, marker, "the first worker to be half-way through the archive", log)
        export.refresh_from_db()
        assert export.state == OpenDataExport.State.RUNNING and not export.file
        if kill_point == "half-way":
            assert 0 < export.progress < 100
        else:  # the dead worker's archive is on disk, recorded nowhere
            assert len(list((media / "opendata").iterdir())) == 1

        second.take_over()
        wait_for(lambda: not OpenDataExport.objects.get(pk=export.pk).is_active, 120,
                 "the second worker to build the archive", log)  # fmt: skip
        export.refresh_from_db()
        built_at = export.finished_at
        # A copy of the message delivered again (at least once) must not build a second archive.
        assert send_and_wait(own_redis.url, "consultation.build_open_data", [export.pk], log) == "succeeded"
    finally:
        second.stop()

    export.refresh_from_db()
    assert export.state == OpenDataExport.State.DONE, (export.error, log.read_text()[-3000:])
    assert export.finished_at == built_at
    assert [p.name for p in (media / "opendata").iterdir()] == [Path(export.file.name).name]
    with zipfile.ZipFile(media / export.file.name) as archive:
        rows = archive.read("proposals.csv").decode().splitlines()[1:]
    assert sorted(int(row.split(",")[0]) for row in rows) == sorted(p.pk for p in proposals)
    assert not events_recorded_twice()


def test_a_contribution_import_killed_half_way_imports_each_row_once(
    own_redis, held_outbox, organiser, client, tmp_path
):
    consultation = make_consultation("import-tue", questions=False)
    lines = [f"Contribution importée numéro {i}" for i in range(1500)]  # two batches of the import
    job = consultation_services.start_import(
        actor=organiser, consultation=consultation, data=("texte\n" + "\n".join(lines) + "\n").encode(),
        file_name="contributions.csv", text_column="texte", date_column=None, strata_columns=(),
        language="fr",
    )  # fmt: skip
    hand_outbox_to(own_redis.url)
    log, marker = tmp_path / "workers.log", tmp_path / "stalled"

    # The first batch of 1,000 is written (not committed) and its progress reported, the second is next.
    first = start_stalling_worker(
        own_redis.url, log, marker, "consultation.models:Proposal.objects.bulk_create", call=2
    )
    second = StandbyWorker(own_redis.url, log)
    try:
        try:
            wait_for(marker.exists, 120, "the first worker to write its first batch", log)
            # While the import runs, another connection (this test's: the organiser's page) sees its
            # progress, and none of its rows: one transaction, nothing half-imported.
            job.refresh_from_db()
            assert job.state == ContributionImport.State.RUNNING and job.progress == 66
            assert not Proposal.objects.filter(consultation=consultation).exists()
            client.force_login(with_totp(organiser))
            polled = client.get(reverse("consultation:import_progress", args=[consultation.slug]),
                                HTTP_ACCEPT_LANGUAGE="en").json()  # fmt: skip
            assert (polled["active"], polled["percent"], polled["percent_label"]) == (True, 66, "66%")
        finally:
            kill_worker(first)

        second.take_over()
        wait_for(lambda: not ContributionImport.objects.get(pk=job.pk).is_active, 120,
                 "the second worker to import the file", log)  # fmt: skip
    finally:
        second.stop()

    job.refresh_from_db()
    assert job.state == ContributionImport.State.DONE, (job.failure, log.read_text()[-3000:])
    assert job.created == 1500
    imported = Proposal.objects.filter(consultation=consultation)
    assert imported.count() == 1500
    assert sorted(imported.values_list("text", flat=True)) == sorted(lines)
    assert AuditEvent.objects.filter(action="consultation.imported_csv").count() == 1
    assert not events_recorded_twice()


def test_a_contribution_import_whose_worker_is_lost_fails_once_stale_and_can_start_again(
    own_redis, held_outbox, organiser, client, settings, tmp_path
):
    """No worker takes the import over (the broker lost the message, or the visibility timeout is hours
    away): once PACTE_JOB_STALE_MINUTES pass without a sign of life, the organiser's page ends it as failed,
    nothing imported, and a new import goes through. The dead worker's message, delivered again, does
    nothing."""
    from datetime import timedelta

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.utils import timezone

    consultation = make_consultation("import-perdu", questions=False)
    content = ("texte\n" + "\n".join(f"Contribution perdue numéro {i}" for i in range(1500)) + "\n").encode()
    client.force_login(with_totp(organiser))
    page_address = reverse("consultation:import", args=[consultation.slug])

    def send() -> ContributionImport:
        upload = SimpleUploadedFile("contributions.csv", content, content_type="text/csv")
        sent = client.post(page_address, {"file": upload, "text_column": "texte"}, HTTP_ACCEPT_LANGUAGE="fr")
        assert sent.status_code == 302
        hand_outbox_to(own_redis.url)
        return ContributionImport.objects.latest("id")

    job = send()
    log, marker = tmp_path / "workers.log", tmp_path / "stalled"
    # Killed with its first batch of 1,000 rows written, not committed.
    first = start_stalling_worker(
        own_redis.url, log, marker, "consultation.models:Proposal.objects.bulk_create", call=2
    )
    second = StandbyWorker(own_redis.url, log)
    try:
        _kill_when_stalled(first, marker, "the first worker to write its first batch", log)
        job.refresh_from_db()
        assert job.state == ContributionImport.State.RUNNING
        page = client.get(page_address, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        assert "Un import est en cours" in page  # its last sign of life is recent: still waited for

        # The stale time passes with no sign of life (the dead worker writes nothing any more).
        silent_since = timezone.now() - timedelta(minutes=settings.PACTE_JOB_STALE_MINUTES + 1)
        ContributionImport.objects.filter(pk=job.pk).update(heartbeat_at=silent_since)
        page = client.get(page_address, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
        assert "Un import est en cours" not in page
        assert (
            "L’import n’a pas abouti (le traitement s’est interrompu). Rien n’a été importé\u00a0; vous "
            "pouvez recommencer." in page
        )
        assert not Proposal.objects.filter(consultation=consultation).exists()

        # The dead worker's message comes back to the next worker, which leaves the ended import alone.
        second.take_over()
        wait_for(lambda: broker_drained(own_redis), 120, "the dead worker's task to be delivered again", log)
        job.refresh_from_db()
        assert job.state == ContributionImport.State.FAILED
        assert not Proposal.objects.filter(consultation=consultation).exists()

        again = send()
        wait_for(lambda: not ContributionImport.objects.get(pk=again.pk).is_active, 120,
                 "the new import to end", log)  # fmt: skip
    finally:
        second.stop()

    again.refresh_from_db()
    assert (again.state, again.created) == (ContributionImport.State.DONE, 1500), log.read_text()[-3000:]
    assert Proposal.objects.filter(consultation=consultation).count() == 1500
    assert AuditEvent.objects.filter(action="consultation.imported_csv").count() == 1
    assert not events_recorded_twice()


def _panel_with_members(organiser, facilitator, n: int):
    panel = deliberation_services.create_panel(actor=organiser, title="Assise des notices", size=n)
    deliberation_services.assign_facilitator(actor=organiser, panel=panel, user=facilitator)
    return panel, [seat(panel) for _ in range(n)]


def _session_notice(organiser, facilitator):
    """A session scheduled for a panel of 5: each member is told (deliberation.notify_panel)."""
    from django.utils import timezone

    panel, members = _panel_with_members(organiser, facilitator, 5)
    deliberation_services.schedule_session(
        actor=facilitator, panel=panel, title="Séance 1", starts_at=timezone.now(), place="Lyon"
    )
    return "deliberation.tasks:send_panel_notice.delay", [m.volunteer.user.email for m in members]


def _not_drawn_notice(organiser, facilitator):
    """A draw that left 5 volunteers without a seat: each is told (deliberation.notify_not_drawn)."""
    panel, _members = _panel_with_members(organiser, facilitator, 1)
    selection = panel.selections.get()
    people = [UserFactory(roles=["citizen"]) for _ in range(5)]
    for person in people:
        Volunteer.objects.create(
            panel=panel, user=person, strata={}, source=Volunteer.Source.ACCOUNT, told_not_drawn_in=selection
        )
    from accounts import outbox
    from deliberation.tasks import notify_not_drawn

    outbox.enqueue(notify_not_drawn, selection.pk)
    return "deliberation.tasks:send_not_drawn_notice.delay", [p.email for p in people]


@pytest.mark.parametrize("notice", [_session_notice, _not_drawn_notice], ids=["panel", "not-drawn"])
def test_a_notice_fan_out_killed_half_way_tells_each_person_once(
    notice, own_redis, held_outbox, fake_smtp, organiser, facilitator, tmp_path
):
    enqueue_one, people = notice(organiser, facilitator)
    assert hand_outbox_to(own_redis.url)
    log, marker = tmp_path / "workers.log", tmp_path / "stalled"

    # Two of the five one-person tasks are enqueued, the third is next.
    first = start_stalling_worker(
        own_redis.url, log, marker, enqueue_one, call=3, **fake_smtp.worker_settings
    )
    second = StandbyWorker(own_redis.url, log, **fake_smtp.worker_settings)
    try:
        _kill_when_stalled(first, marker, "the first worker to be half-way through the fan-out", log)

        second.take_over()
        wait_for(lambda: len(fake_smtp.messages) >= len(people) and _all_done(own_redis), 120,
                 "every notice to be sent", log)  # fmt: skip
    finally:
        second.stop()

    assert sorted(fake_smtp.recipients()) == sorted(people), log.read_text()[-3000:]
    assert not events_recorded_twice()


def test_a_moderation_notice_killed_while_sending_goes_out_once(
    own_redis, held_outbox, fake_smtp, moderator, tmp_path
):
    consultation = make_consultation("moderation-tuee", moderation="pre")
    author = UserFactory(roles=["citizen"], email="autrice@example.org")
    consultation_services.accept_charter(user=author, consultation=consultation)
    proposal = consultation_services.submit_proposal(
        user=author, consultation=consultation, text="Un registre"
    )
    consultation_services.moderate(actor=moderator, proposal=proposal, decision="approve")
    assert "consultation.send_moderation_notice" in hand_outbox_to(own_redis.url)
    log, marker = tmp_path / "workers.log", tmp_path / "stalled"

    # The notice is claimed (accounts.notices.send_once), the message not yet handed to the server.
    first = start_stalling_worker(
        own_redis.url, log, marker, "django.core.mail.message:EmailMessage.send", **fake_smtp.worker_settings
    )
    second = StandbyWorker(own_redis.url, log, **fake_smtp.worker_settings)
    try:
        _kill_when_stalled(first, marker, "the first worker to be sending", log)
        assert not SentNotice.objects.exists() and not fake_smtp.messages  # the claim died with the worker

        second.take_over()
        wait_for(lambda: fake_smtp.messages and _all_done(own_redis), 120, "the notice to be sent", log)
    finally:
        second.stop()

    assert fake_smtp.recipients() == ["autrice@example.org"], log.read_text()[-3000:]
    assert SentNotice.objects.count() == 1
    assert not events_recorded_twice()
