"""An import whose worker stopped answering (killed, out of memory, its result never written) does not stay
"in progress" for ever: after PACTE_JOB_STALE_MINUTES without a sign of life (accounts.progress.stale) the
import page, or the beat, ends it as failed with a message that says nothing was imported, and the organiser
starts again. The import commits its rows and its result together: a worker that comes back after its job
was ended commits nothing, and a fault while writing the result leaves nothing half-imported.

With a real worker killed mid-import: tests/faults/test_worker_killed_mid_task.py."""

import threading
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from consultation.models import ContributionImport, Proposal
from consultation.services import imports as import_services
from consultation.tasks import fail_stale_jobs, run_contribution_import
from tests.conftest import with_totp
from tests.helpers import make_consultation

pytestmark = pytest.mark.django_db

INTERRUPTED = {
    "fr": "L’import n’a pas abouti (le traitement s’est interrompu). Rien n’a été importé\u00a0; vous pouvez "
    "recommencer.",
    "en": "The import did not go through (its processing was interrupted). Nothing was imported; you can "
    "start again.",
}
FILE = "texte\nUn registre des refus simple\nInformer par le médecin traitant\n".encode()


@pytest.fixture(autouse=True)
def no_worker_runs_the_import(monkeypatch):
    """The test runs the worker's task itself, when it wants to."""
    from accounts import outbox

    monkeypatch.setattr(outbox, "enqueue", lambda *args, **kwargs: None)


def _send(client, consultation, language: str) -> ContributionImport:
    upload = SimpleUploadedFile("registre.csv", FILE, content_type="text/csv")
    address = reverse("consultation:import", args=[consultation.slug])
    assert (
        client.post(
            address, {"file": upload, "text_column": "texte"}, HTTP_ACCEPT_LANGUAGE=language
        ).status_code
        == 302
    )
    return ContributionImport.objects.latest("id")


def _silent_for(job: ContributionImport, minutes: float, state=ContributionImport.State.RUNNING) -> None:
    """The job's worker gave its last sign of life `minutes` ago."""
    ContributionImport.objects.filter(pk=job.pk).update(
        state=state, progress=66, heartbeat_at=timezone.now() - timedelta(minutes=minutes)
    )


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_import_whose_worker_stopped_answering_fails_on_the_page_and_can_start_again(
    client, organiser, settings, language
):
    settings.PACTE_JOB_STALE_MINUTES = 10
    consultation = make_consultation("import-interrompu", questions=False)
    client.force_login(with_totp(organiser))
    job = _send(client, consultation, language)
    page_address = reverse("consultation:import", args=[consultation.slug])
    progress_address = reverse("consultation:import_progress", args=[consultation.slug])

    _silent_for(job, 9)  # quiet, not yet stale: still shown running
    assert client.get(progress_address).json()["active"] is True
    _silent_for(job, 11)
    assert client.get(progress_address).json() == {"active": False}  # the page's script then reloads
    page = client.get(page_address, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    job.refresh_from_db()
    assert (job.state, job.failure, bytes(job.data)) == (
        ContributionImport.State.FAILED,
        INTERRUPTED[language],
        b"",
    )
    assert INTERRUPTED[language] in page.replace("&#x27;", "'")
    assert not Proposal.objects.filter(consultation=consultation).exists()

    # The dead worker's message, delivered again later, does nothing; a new import goes through.
    run_contribution_import(job.pk)
    job.refresh_from_db()
    assert job.state == ContributionImport.State.FAILED
    again = _send(client, consultation, language)
    run_contribution_import(again.pk)
    again.refresh_from_db()
    assert (again.state, again.created) == (ContributionImport.State.DONE, 2)
    assert Proposal.objects.filter(consultation=consultation).count() == 2


def test_the_beat_ends_every_stale_import_and_leaves_the_others(organiser, settings):
    settings.PACTE_JOB_STALE_MINUTES = 10
    first, second = (make_consultation(slug, questions=False) for slug in ("beat-un", "beat-deux"))
    jobs = {
        name: import_services.start_import(
            actor=organiser,
            consultation=consultation,
            data=FILE,
            file_name=f"{name}.csv",
            text_column="texte",
            date_column=None,
            strata_columns=(),
            language="fr",
        )  # fmt: skip
        for name, consultation in (("running", first), ("queued", second), ("alive", second))
    }
    _silent_for(jobs["running"], 30)
    _silent_for(jobs["queued"], 30, state=ContributionImport.State.PENDING)  # no worker ever took it
    _silent_for(jobs["alive"], 2)
    assert fail_stale_jobs() == {"imports": 2}
    states = dict(ContributionImport.objects.values_list("file_name", "state"))
    assert states == {"running.csv": "failed", "queued.csv": "failed", "alive.csv": "running"}
    assert fail_stale_jobs() == {"imports": 0}


def _elsewhere(work) -> None:
    """Run `work` on a connection of its own (another process's, the page's or the beat's), committed."""
    from django.db import connection

    def run():
        try:
            work()
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()


@pytest.mark.django_db(transaction=True)
def test_a_worker_that_comes_back_after_its_import_was_ended_commits_nothing(organiser, monkeypatch):
    consultation = make_consultation("import-tardif", questions=False)
    job = import_services.start_import(
        actor=organiser, consultation=consultation, data=FILE, file_name="registre.csv",
        text_column="texte", date_column=None, strata_columns=(), language="fr",
    )  # fmt: skip
    original = import_services.import_contributions
    ended = []

    def slow_then_ended(**kwargs):
        report = original(**kwargs)  # the rows are written, not committed

        # Meanwhile the worker was silent so long that the page ended the job as stale.
        def page_reads_it():
            _silent_for(job, 60)
            ended.append(import_services.fail_stale_imports())

        _elsewhere(page_reads_it)
        return report

    monkeypatch.setattr(import_services, "import_contributions", slow_then_ended)
    run_contribution_import(job.pk)
    job.refresh_from_db()
    assert ended == [1]
    assert (job.state, job.failure, job.created) == (ContributionImport.State.FAILED, INTERRUPTED["fr"], 0)
    assert not Proposal.objects.filter(consultation=consultation).exists()  # as the message says


def test_a_fault_while_writing_the_result_leaves_nothing_imported(organiser, monkeypatch):
    consultation = make_consultation("resultat-casse", questions=False)
    job = import_services.start_import(
        actor=organiser, consultation=consultation, data=FILE, file_name="registre.csv",
        text_column="texte", date_column=None, strata_columns=(), language="en",
    )  # fmt: skip
    original = import_services.import_contributions

    class Unwritable:
        def __str__(self):
            raise RuntimeError("a bug while writing the import's result")

    def with_a_broken_result(**kwargs):
        report = original(**kwargs)
        report.warnings.append(Unwritable())
        return report

    monkeypatch.setattr(import_services, "import_contributions", with_a_broken_result)
    with pytest.raises(RuntimeError):
        run_contribution_import(job.pk)
    job.refresh_from_db()
    assert (job.state, job.failure) == (
        ContributionImport.State.FAILED,
        "The import failed; nothing was imported.",
    )
    assert not Proposal.objects.filter(consultation=consultation).exists()
