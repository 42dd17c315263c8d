"""An import's progress is seen by the organiser's page while the import runs, and the import stays all or
nothing: its rows appear at the end, all of them, or none when it fails half-way (accounts/progress.py).
The same with a real worker, killed half-way: tests/faults/test_worker_killed_mid_task.py."""

import pytest
from django.db import connections

from consultation import services
from consultation.models import ContributionImport, Proposal
from tests.helpers import make_consultation

pytestmark = pytest.mark.django_db(transaction=True)  # the import's transaction, and a reader beside it


class ImportBroken(Exception):
    pass


@pytest.fixture(autouse=True)
def no_worker_runs_the_import(monkeypatch):
    """Each test runs the import itself: the task `start_import` sends must not reach the live worker
    that the integration tests leave running in the same session, or two imports of the same job would
    run at once (and the worker's would still hold locks when the tables are emptied)."""
    from accounts import outbox

    monkeypatch.setattr(outbox, "enqueue", lambda *args, **kwargs: None)


def _read_beside():
    """What another connection (the page's) reads now: the job's progress and the proposals it sees."""
    current = connections["default"]
    reader = type(current)(current.settings_dict, current.alias)
    try:
        with reader.cursor() as cursor:
            cursor.execute(f"SELECT progress FROM {ContributionImport._meta.db_table}")  # noqa: S608
            progress = [row[0] for row in cursor.fetchall()]
            cursor.execute(f"SELECT count(*) FROM {Proposal._meta.db_table}")  # noqa: S608
            return progress, cursor.fetchone()[0]
    finally:
        reader.close()


def _eight_rows_in_batches_of_two(organiser, monkeypatch, slug: str) -> ContributionImport:
    """An import of 8 rows, written in batches of 2, started (the test runs it)."""
    monkeypatch.setattr("consultation.services.imports.IMPORT_BATCH", 2)
    consultation = make_consultation(slug, questions=False)
    rows = "".join(f"Contribution numéro {i}\n" for i in range(8))
    return services.start_import(
        actor=organiser, consultation=consultation, data=f"texte\n{rows}".encode(), file_name=f"{slug}.csv",
        text_column="texte", date_column=None, strata_columns=(), language="en",
    )  # fmt: skip


@pytest.fixture
def four_batches(organiser, monkeypatch):
    """An import of 8 rows in batches of 2, and what a reader beside it saw after each batch."""
    job = _eight_rows_in_batches_of_two(organiser, monkeypatch, "import-suivi")
    seen, calls = [], {"n": 0, "break_at": None}
    real_bulk_create = Proposal.objects.bulk_create

    def bulk_create(objs, *args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 1:  # the previous batch is written, and its progress
            seen.append(_read_beside())
        if calls["n"] == calls["break_at"]:
            raise ImportBroken
        return real_bulk_create(objs, *args, **kwargs)

    monkeypatch.setattr(Proposal.objects, "bulk_create", bulk_create)
    return job, seen, calls


def test_a_reader_beside_the_import_sees_its_progress_and_none_of_its_rows(four_batches):
    job, seen, _calls = four_batches

    services.run_import(job.pk)

    assert seen == [([25], 0), ([50], 0), ([75], 0)]  # before the 2nd, 3rd and 4th batches
    job.refresh_from_db()
    assert (job.state, job.progress, job.created) == (ContributionImport.State.DONE, 100, 8)
    assert Proposal.objects.count() == 8


def test_an_import_broken_half_way_imports_nothing_and_says_so(four_batches):
    job, seen, calls = four_batches
    calls["break_at"] = 3  # the database refuses the third batch

    with pytest.raises(ImportBroken):
        services.run_import(job.pk)

    assert seen == [([25], 0), ([50], 0)]
    job.refresh_from_db()
    assert job.state == ContributionImport.State.FAILED
    assert job.failure == "The import failed; nothing was imported."
    assert not Proposal.objects.exists()


def test_an_import_whose_progress_cannot_be_written_still_imports_everything(organiser, monkeypatch):
    """The figure is advisory: a side connection that fails (no connection left, the server restarting)
    leaves the bar where it was, never the import failed."""
    from django.db import OperationalError

    from accounts import progress

    class Unreachable:
        """A connection of the same kind as the thread's, which cannot be opened."""

        settings_dict, alias = {}, "default"

        def __init__(self, *args, **kwargs):
            if args:
                raise OperationalError("too many connections")

    monkeypatch.setattr(progress, "connections", {"default": Unreachable()})
    job = _eight_rows_in_batches_of_two(organiser, monkeypatch, "import-sans-suivi")

    services.run_import(job.pk)

    job.refresh_from_db()
    assert (job.state, job.progress, job.created) == (ContributionImport.State.DONE, 100, 8)
    assert Proposal.objects.count() == 8
