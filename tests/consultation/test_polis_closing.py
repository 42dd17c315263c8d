"""A Pol.is conversation imported by `import_polis` closed when its last vote was cast, not on the day it
was imported: its card says "Closed on <that day>" and its phase history dates the close at that time
(fixtures: tests/data/polis, the last vote read from votes.csv independently of the importer)."""

import csv
import datetime as dt
import re
import shutil
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import formats, timezone, translation

from consultation import services
from consultation.models import Consultation, PhaseChange
from tests.conftest import with_totp

pytestmark = pytest.mark.django_db


def _last_vote(folder) -> dt.datetime:
    with (folder / "votes.csv").open(newline="", encoding="utf-8") as handle:
        last = max(int(row["timestamp"]) for row in csv.DictReader(handle))
    return dt.datetime.fromtimestamp(last / 1000, tz=dt.UTC)


def _card(page: str, title: str) -> str:
    start = page.index(title)
    return page[start : page.index("</li>", start)]


# The last vote of each conversation, as a French reader of the site (Paris time) is told it.
CLOSED_ON = {"brexit-consensus": "5 août 2017", "london.youth.policing": "27 juillet 2022"}


@pytest.mark.parametrize("name", sorted(CLOSED_ON))
def test_an_imported_conversation_says_it_closed_on_its_last_vote(client, organiser, test_data, name):
    folder = test_data / "polis" / name
    call_command("import_polis", str(folder), consultation="polis", stdout=StringIO())
    consultation = Consultation.objects.get(slug="polis")
    last_vote = _last_vote(folder)
    assert (consultation.phase, consultation.closes_at) == ("closed", last_vote)

    client.cookies["django_language"] = "fr"
    card = _card(client.get(reverse("consultation:list")).content.decode(), consultation.title)
    said = re.search(r'Clôturée le <time datetime="([^"]+)">([^<]+)</time>', card)
    assert said and said.group(2) == CLOSED_ON[name]
    assert dt.datetime.fromisoformat(said.group(1)) == last_vote

    # The phase history says the same close, by no one, once; importing again changes nothing.
    call_command("import_polis", str(folder), consultation="polis", stdout=StringIO())
    (change,) = PhaseChange.objects.filter(consultation=consultation)
    assert (change.from_phase, change.to_phase, change.actor, change.created_at) == (
        "open",
        "closed",
        None,
        last_vote,
    )
    client.force_login(with_totp(organiser))
    manage = client.get(reverse("consultation:manage", args=["polis"])).content.decode()
    history = manage[manage.index("<caption>Historique") :]
    with translation.override("fr"):  # the site's one date-time format (config/formats), Paris time
        shown = formats.date_format(timezone.localtime(last_vote), "DATETIME_FORMAT")
    assert shown.replace(" à ", " ").startswith(CLOSED_ON[name].replace("juillet", "juil."))
    assert shown in history
    assert timezone.localdate().strftime("%Y") not in history  # the import's day appears nowhere


def test_a_longer_export_moves_the_close_and_an_earlier_import_gets_its_date(test_data, tmp_path):
    folder = tmp_path / "conversation"
    shutil.copytree(test_data / "polis" / "london.youth.policing", folder)
    call_command("import_polis", str(folder), consultation="polis", stdout=StringIO())
    consultation = Consultation.objects.get(slug="polis")
    # As imported before closes_at was set on import: no closing time, no phase change.
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=None)
    PhaseChange.objects.filter(consultation=consultation).delete()

    later = _last_vote(folder) + dt.timedelta(days=3)
    with (folder / "votes.csv").open("a", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerow([int(later.timestamp() * 1000), "", 1, 1, 1])
    call_command("import_polis", str(folder), consultation="polis", stdout=StringIO())
    consultation.refresh_from_db()
    assert consultation.closes_at == later
    assert list(
        PhaseChange.objects.filter(consultation=consultation).values_list("created_at", flat=True)
    ) == [later]


def test_a_consultation_moved_by_its_organisers_keeps_its_own_dates(organiser, test_data):
    folder = test_data / "polis" / "london.youth.policing"
    call_command("import_polis", str(folder), consultation="polis", stdout=StringIO())
    consultation = Consultation.objects.get(slug="polis")
    services.transition(actor=organiser, consultation=consultation, to_phase="open")
    services.transition(actor=organiser, consultation=consultation, to_phase="closed")
    consultation.refresh_from_db()
    closed_by_them = consultation.closes_at
    call_command("import_polis", str(folder), consultation="polis", stdout=StringIO())
    consultation.refresh_from_db()
    assert consultation.closes_at == closed_by_them != _last_vote(folder)
    assert PhaseChange.objects.filter(consultation=consultation).count() == 3


def test_an_export_without_vote_dates_closes_on_its_last_comment(test_data, tmp_path):
    """participants-votes.csv has no dates: the last comment is the latest the export tells."""
    folder = tmp_path / "conversation"
    shutil.copytree(test_data / "polis" / "london.youth.policing", folder)
    (folder / "votes.csv").unlink()
    call_command("import_polis", str(folder), consultation="polis", stdout=StringIO())
    with (folder / "comments.csv").open(newline="", encoding="utf-8") as handle:
        last = max(int(row["timestamp"]) for row in csv.DictReader(handle))
    consultation = Consultation.objects.get(slug="polis")
    assert consultation.closes_at == dt.datetime.fromtimestamp(last / 1000, tz=dt.UTC)
