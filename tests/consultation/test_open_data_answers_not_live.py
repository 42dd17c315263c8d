"""The open-data archive publishes the questionnaire's answers only once the consultation's results are
public (closed), as the results page and the API's answer counts do: anyone may download an archive, so
one built while the consultation is open gave every answer so far (live results), and kept the answers
a participant took back afterwards ("Take back all my answers" says they are deleted). A consultation
reopened after an archive was built while closed: taking answers back withdraws that archive and builds
a fresh one without them."""

import csv
import io
import zipfile

import pytest
from django.urls import reverse

from consultation import services
from consultation.models import OpenDataExport
from tests.consultation.test_required_questions import _q
from tests.factories import UserFactory
from tests.helpers import open_questionnaire

pytestmark = pytest.mark.django_db

SECRET = "Réponse-ouverte-marqueur-5d7e : je tiens un carnet de mes refus."


@pytest.fixture
def archive_dir(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def consultation(db, archive_dir, eager_celery):
    return open_questionnaire("archive-reponses", kinds=("open",))


def _answer(user, consultation, text=SECRET):
    services.accept_charter(user=user, consultation=consultation)
    services.save_answers(user=user, consultation=consultation, answers={_q(consultation)["open"].pk: text})


def _build(consultation, capture) -> OpenDataExport:
    with capture(execute=True):
        services.request_open_data_export(actor=None, consultation=consultation)
    return OpenDataExport.objects.filter(consultation=consultation).order_by("-created_at", "-id").first()


def _answers_downloaded(client, export) -> list[list[str]]:
    response = client.get(
        reverse("consultation:open_data_download", args=[export.consultation.slug, export.pk])
    )
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))) as archive:
        return list(csv.reader(io.StringIO(archive.read("answers.csv").decode())))


def test_an_archive_of_an_open_consultation_publishes_no_answer(
    client, consultation, organiser, django_capture_on_commit_callbacks
):
    _answer(UserFactory(roles=["citizen"]), consultation)
    export = _build(consultation, django_capture_on_commit_callbacks)
    assert export.state == OpenDataExport.State.DONE
    # The visitor reads the header only: no live results, as on the results page.
    header = ["participant", "question_id", "choice_id", "text", "answered_at"]
    assert _answers_downloaded(client, export) == [header]

    services.transition(actor=organiser, consultation=consultation, to_phase="closed")
    rows = _answers_downloaded(client, _build(consultation, django_capture_on_commit_callbacks))
    assert [row[3] for row in rows[1:]] == [SECRET]


def test_answers_taken_back_after_a_reopening_leave_the_archive_built_while_closed(
    client, consultation, organiser, django_capture_on_commit_callbacks, archive_dir
):
    person = UserFactory(roles=["citizen"])
    _answer(person, consultation)
    services.transition(actor=organiser, consultation=consultation, to_phase="closed")
    closed_export = _build(consultation, django_capture_on_commit_callbacks)
    assert [row[3] for row in _answers_downloaded(client, closed_export)[1:]] == [SECRET]
    services.transition(actor=organiser, consultation=consultation, to_phase="open")

    client.force_login(person)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("consultation:withdraw_answers", args=[consultation.slug]),
            {"answered": str(_q(consultation)["open"].pk)},
        )
    assert response.status_code == 302
    client.logout()

    # The archive that published the answer is gone, its file too; the fresh one does not hold it.
    assert not OpenDataExport.objects.filter(pk=closed_export.pk).exists()
    url = reverse("consultation:open_data_download", args=[consultation.slug, closed_export.pk])
    assert client.get(url).status_code == 404
    assert not any(SECRET.encode() in path.read_bytes() for path in archive_dir.rglob("*") if path.is_file())
    fresh = OpenDataExport.objects.get(consultation=consultation)
    assert fresh.state == OpenDataExport.State.DONE
    assert _answers_downloaded(client, fresh)[1:] == []

    # Another take-back rebuilds nothing more: the archive built since holds no answer.
    other = UserFactory(roles=["citizen"])
    _answer(other, consultation, text="Une autre réponse.")
    services.withdraw_answers(user=other, consultation=consultation, shown=[_q(consultation)["open"].pk])
    assert list(OpenDataExport.objects.filter(consultation=consultation)) == [fresh]


def test_the_open_data_page_says_answers_come_once_closed(client, consultation, organiser):
    notice = {  # the archive's list of files (presenters.open_data_page) says when answers.csv gets them
        "fr": "answers.csv\u00a0: les réponses sont publiées une fois la consultation clôturée",
        "en": "answers.csv: the answers are published once the consultation closes",
    }
    url = reverse("consultation:open_data", args=[consultation.slug])
    for language, text in notice.items():
        assert text in client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
    services.transition(actor=organiser, consultation=consultation, to_phase="closed")
    for language, text in notice.items():
        assert text not in client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
