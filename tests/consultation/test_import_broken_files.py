"""A contributions file that is no text (a zip, an .xlsx, a picture, a NUL in a cell or a column's name)
ends its import with the reader's translated reason and imports nothing; the proposals already there are
kept, and the next import can start. Before, the worker's write of such text failed in PostgreSQL (it
refuses NUL): a 500 with eager tasks, and with a worker an import left running for ever, which refused
every later import of the consultation."""

import pytest

from consultation import services
from consultation.models import ContributionImport, Proposal
from consultation.services.imports import run_import
from tests.helpers import make_consultation

pytestmark = pytest.mark.django_db

UNREADABLE = {
    "en": "The file's character encoding cannot be read: please save it as UTF-8 CSV.",
    "fr": "L’encodage des caractères du fichier est illisible\u00a0: enregistrez-le en CSV UTF-8.",
}
NUL_ON_LINE = {
    "en": "Line %d holds a null character, which no text file has: please save the file as UTF-8 CSV.",
    "fr": "La ligne %d contient un caractère nul, qu’aucun fichier texte ne contient\u00a0: enregistrez le "
    "fichier en CSV UTF-8.",
}
# Each file, and the line of its first null character (the reader records it; the message names it), or
# None for bytes that are no text in any encoding read (a picture).
BROKEN = {
    "zip": (b"PK\x03\x04\x14\x00\x00\x00\x08\x00texte\x00\x00\x00", 1),
    "picture": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)), None),
    "NUL in a cell": ("texte,âge\nUne idée,30\nUne autre,3\x000\n".encode(), 3),
    "NUL in the column's name": ("tex\x00te\nUne idée\n".encode(), 1),
}


@pytest.fixture(autouse=True)
def no_worker_runs_the_import(monkeypatch):
    from accounts import outbox

    monkeypatch.setattr(outbox, "enqueue", lambda *args, **kwargs: None)


def _import(organiser, consultation, data: bytes, language: str) -> ContributionImport:
    job = services.start_import(
        actor=organiser, consultation=consultation, data=data, file_name="contributions.csv",
        text_column="texte", date_column=None, strata_columns=("âge",), language=language,
    )  # fmt: skip
    run_import(job.pk)
    job.refresh_from_db()
    return job


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_file_that_is_no_text_ends_its_import_with_the_reason(organiser, language):
    consultation = make_consultation("fichiers-casses", questions=False)
    first = _import(organiser, consultation, "texte,âge\nDéjà là,30\n".encode(), language)
    assert (first.state, first.created) == (ContributionImport.State.DONE, 1)
    for name, (data, line) in BROKEN.items():
        job = _import(organiser, consultation, data, language)
        assert (job.state, job.failure, job.created) == (
            ContributionImport.State.FAILED,
            NUL_ON_LINE[language] % line if line else UNREADABLE[language],
            0,
        ), name
    assert list(Proposal.objects.filter(consultation=consultation).values_list("text", flat=True)) == [
        "Déjà là"
    ]


def test_utf16_without_its_mark_imports(organiser):
    consultation = make_consultation("utf16-sans-marque", questions=False)
    job = _import(organiser, consultation, "texte,âge\nUne idée,30\n".encode("utf-16-le"), "fr")
    assert (job.state, job.created) == (ContributionImport.State.DONE, 1)
    assert Proposal.objects.get(consultation=consultation).text == "Une idée"
