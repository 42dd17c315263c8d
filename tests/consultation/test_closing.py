"""A consultation's closing time: what its page and cards say (with how many took part), the beat that
closes it through its declared step once, and the organisers' checks."""

import datetime as dt
import html
import os
import subprocess
import sys
import threading
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib import admin
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection, connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from analysis.kpis import kpis
from consultation import services, tasks
from consultation.models import Consultation, PhaseChange, Proposal, Vote
from consultation.participants import participant_count
from tests.conftest import with_totp
from tests.factories import UserFactory
from tests.helpers import make_consultation

PARIS = ZoneInfo("Europe/Paris")
JAN_15 = dt.datetime(2030, 1, 15, 23, 59, tzinfo=PARIS)


def url(name, *args):
    return reverse(f"consultation:{name}", args=args)


def _took_part(consultation, people: int) -> None:
    """`people` distinct participants: one answers, one proposes and votes, the others vote."""
    users = [UserFactory() for _ in range(people)]
    for user in users:
        services.accept_charter(user=user, consultation=consultation)
    question = consultation.questions.get(kind="open")
    services.save_answers(user=users[0], consultation=consultation, answers={question.pk: "Parce que."})
    proposal = services.submit_proposal(user=users[1], consultation=consultation, text="Des bancs publics.")
    for user in users[1:]:
        services.cast_vote(user=user, proposal=proposal, value="agree")
    services.cast_vote(user=users[0], proposal=proposal, value="pass")  # answered and voted: one person


def _page(client, consultation, language: str) -> str:
    return client.get(url("detail", consultation.slug), HTTP_ACCEPT_LANGUAGE=language).content.decode()


def test_the_page_says_until_when_it_is_open_and_how_many_took_part(client, db):
    consultation = make_consultation(closes_at=JAN_15)
    _took_part(consultation, 3)
    french, english = _page(client, consultation, "fr"), _page(client, consultation, "en")
    stamp = 'datetime="2030-01-15T23:59:00+01:00"'
    assert f"Ouverte jusqu’au <time {stamp}>15 janvier 2030\u00a0à\u00a023:59</time>" in french
    assert "3 participants" in french
    assert f"Open until <time {stamp}>15 January 2030 at 23:59</time>" in english
    assert "3 participants" in english


def test_a_closed_consultation_says_when_it_closed(client, db):
    consultation = make_consultation(closes_at=JAN_15, phase="closed")  # closed by hand, before its time
    closed_at = timezone.localtime(consultation.closes_at)
    assert closed_at <= timezone.now() < JAN_15
    french = _page(client, consultation, "fr")
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
              "octobre", "novembre", "décembre"]  # fmt: skip
    written = f"{closed_at.day} {months[closed_at.month - 1]} {closed_at.year}"
    assert f'Clôturée le <time datetime="{closed_at.isoformat()}">{written}</time>' in french
    assert "0 participant" in french and "0 participants" not in french


def test_lists_group_thousands_and_count_every_consultation_in_bounded_queries(client, db):
    consultation = make_consultation(closes_at=JAN_15)
    proposal = Proposal.objects.create(consultation=consultation, text="Importée")
    Vote.objects.bulk_create(
        Vote(proposal=proposal, participant_key=f"polis:{i}", value=Vote.Value.AGREE) for i in range(1234)
    )
    for language, figure in (("fr", "1\u00a0234 participants"), ("en", "1,234 participants")):
        for page in (reverse("home"), url("list")):
            assert figure in client.get(page, HTTP_ACCEPT_LANGUAGE=language).content.decode(), (
                page,
                language,
            )

    def queries(page) -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(page).status_code == 200
        return len(captured)

    one = {page: queries(page) for page in (reverse("home"), url("list"))}
    for i in range(4):
        make_consultation(f"autre-{i}", closes_at=JAN_15)
    assert {page: queries(page) for page in one} == one


def test_the_count_of_participants_is_the_dashboards(db):
    consultation = make_consultation()
    _took_part(consultation, 4)
    Proposal.objects.create(consultation=consultation, text="Importée sans auteur")  # counts nobody
    assert participant_count(consultation) == kpis(consultation)["participation"]["participants"] == 4


def _due(slug="due", **fields):
    """An open consultation whose closing time has passed (organisers cannot set a past one)."""
    consultation = make_consultation(slug, closes_at=timezone.now() + dt.timedelta(hours=1), **fields)
    past = timezone.now() - dt.timedelta(minutes=5)
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=past)
    return consultation, past


def test_the_beat_closes_a_consultation_past_its_time_once_and_leaves_the_others(client, db):
    due, past = _due()
    later = make_consultation("later", closes_at=JAN_15)
    unset = make_consultation("unset")
    events = AuditEvent.objects.filter(action="consultation.phase").count()
    assert "Clôturée le" in _page(client, due, "fr")  # from its closing time, before the beat's run
    assert tasks.close_due() == {"closed": ["due"]}
    assert tasks.close_due() == {"closed": []}
    call_command("close_due_consultations", stdout=open("/dev/null", "w"))  # noqa: SIM115
    phases = dict(Consultation.objects.values_list("slug", "phase"))
    assert phases == {"due": "closed", "later": "open", "unset": "open"}
    change = PhaseChange.objects.get(consultation=due, to_phase="closed")
    assert (change.from_phase, change.actor) == ("open", None)
    assert AuditEvent.objects.filter(action="consultation.phase").count() == events + 1
    due.refresh_from_db()
    assert due.closes_at == past  # closed at the time planned, as its page says
    assert "Clôturée le" in _page(client, due, "fr")
    assert later.pk and unset.pk


def _beat_entry(period: str | None) -> list[str]:
    """The beat's closing entry read in a fresh process, as a deployer starts it (`period`: the
    PACTE_CLOSING_SWEEP_SECONDS they set, None: not set): task name, period, the registered task's name."""
    script = (
        "import django; django.setup()\n"
        "from config.celery import app\n"
        "app.loader.import_default_modules()\n"
        "entry = app.conf.beat_schedule['close-due-consultations']\n"
        "task = app.tasks.get(entry['task'])\n"
        "print(entry['task'], entry['schedule'], task.name if task else None)\n"
    )
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"}
    environment.pop("PACTE_CLOSING_SWEEP_SECONDS", None)
    if period is not None:
        environment["PACTE_CLOSING_SWEEP_SECONDS"] = period
    ran = subprocess.run(
        [sys.executable, "-c", script],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr[-2000:]
    return ran.stdout.split()


def test_the_beat_runs_close_due_at_the_configured_period():
    """The schedule entry names a task the workers know, every PACTE_CLOSING_SWEEP_SECONDS: read in a
    fresh process started with another period, as a deployer would set it. Unset, the period is at most
    a minute: the history and the public results follow the closing time within it."""
    assert _beat_entry("17") == ["consultation.close_due", "17", "consultation.close_due"]
    task, period, registered = _beat_entry(None)
    assert task == registered == "consultation.close_due"
    assert 1 <= int(period) <= 60
    assert settings.CELERY_BEAT_SCHEDULE["close-due-consultations"] == {
        "task": tasks.close_due.name,
        "schedule": settings.PACTE_CLOSING_SWEEP_SECONDS,
    }


@pytest.mark.django_db(transaction=True)
def test_runs_at_the_same_moment_close_it_once():
    if connection.vendor != "postgresql":
        pytest.fail("this test needs PostgreSQL (DATABASE_URL): run it with `make test`")
    due, _past = _due()
    runs = 4
    barrier, closed, errors = threading.Barrier(runs), [], []

    def run():
        try:
            barrier.wait()
            closed.extend(services.close_due_consultations())
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append(repr(exc))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(runs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert (errors, closed) == ([], ["due"])
    assert PhaseChange.objects.filter(consultation=due, to_phase="closed").count() == 1
    assert AuditEvent.objects.filter(action="consultation.phase", object_id=str(due.pk)).count() == 2


def test_an_organiser_cannot_set_a_closing_time_in_the_past(client, organiser):
    consultation = make_consultation(phase="draft")
    with_totp(organiser)
    client.force_login(organiser)
    form = {"title_fr": "Consultation test", "moderation": "post", "max_proposal_length": "1000"}
    response = client.post(
        url("manage", consultation.slug), {**form, "closes_at": "2020-03-01T12:00"}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    assert response.status_code == 400  # the form again, with what was typed (400 as every refused form)
    page = html.unescape(response.content.decode())
    assert "La date et l’heure de clôture (1 mars 2020\u00a0à\u00a012:00) sont passées" in page
    consultation.refresh_from_db()
    assert consultation.closes_at is None
    response = client.post(url("manage", consultation.slug), {**form, "closes_at": "2030-01-15T23:59"})
    assert response.status_code == 302
    consultation.refresh_from_db()
    assert consultation.closes_at == JAN_15


def test_a_draft_whose_closing_time_has_passed_does_not_open(db):
    consultation = make_consultation(phase="draft", closes_at=JAN_15)
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=timezone.now() - dt.timedelta(days=1))
    with pytest.raises(services.ConsultationError, match="sont passées"):
        services.transition(actor=None, consultation=consultation, to_phase="open")
    consultation.refresh_from_db()
    assert consultation.phase == "draft"


def test_reopening_forgets_when_it_closed(db):
    consultation = make_consultation(phase="closed", closes_at=JAN_15)
    services.transition(actor=None, consultation=consultation, to_phase="open")
    consultation.refresh_from_db()
    assert (consultation.phase, consultation.closes_at) == ("open", None)


def test_the_admin_edits_the_closing_time_with_the_same_check(client, db):
    consultation = make_consultation()
    superuser = with_totp(UserFactory(is_staff=True, is_superuser=True))
    client.force_login(superuser)
    address = reverse("admin:consultation_consultation_change", args=[consultation.pk])
    form = {
        "title_fr": consultation.title_fr,
        "title_en": consultation.title_en,
        "moderation": "post",
        "proposals_allowed": "on",
        "max_proposal_length": "1000",
    }
    past = {**form, "closes_at_0": "2020-03-01", "closes_at_1": "12:00"}
    response = client.post(address, past, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert "The closing date and time (1 March 2020 at 12:00) has passed" in response.content.decode()
    response = client.post(address, {**form, "closes_at_0": "2030-01-15", "closes_at_1": "23:59"})
    assert response.status_code == 302, response.content.decode()[:2000]
    consultation.refresh_from_db()
    assert consultation.closes_at == JAN_15
    assert consultation.phase == "open"
    listing = client.get(reverse("admin:consultation_consultation_changelist"))
    assert listing.status_code == 200 and consultation.slug in listing.content.decode()
    assert admin.site._registry[Consultation].has_delete_permission(None) is False


def test_the_api_gives_the_closing_time(client, db):
    consultation = make_consultation(closes_at=JAN_15)
    data = client.get(f"/api/consultations/{consultation.slug}/").json()
    assert data["closes_at"] == "2030-01-15T23:59:00+01:00"
    assert data["ends_on"] == "2030-01-15"


def test_a_closed_consultations_settings_stay_editable_with_the_time_it_closed(client, organiser):
    consultation = make_consultation(phase="closed", closes_at=JAN_15)  # closed now, seconds and all
    with_totp(organiser)
    client.force_login(organiser)
    shown = timezone.localtime(consultation.closes_at).strftime("%Y-%m-%dT%H:%M")  # as the form shows it
    form = {"title_fr": "Nouveau titre", "moderation": "post", "max_proposal_length": "1000"}
    response = client.post(url("manage", consultation.slug), {**form, "closes_at": shown})
    assert response.status_code == 302
    closed_at = consultation.closes_at
    consultation.refresh_from_db()
    assert (consultation.title_fr, consultation.closes_at) == ("Nouveau titre", closed_at)


def test_moving_a_closing_time_that_has_passed_does_not_reopen_it(db):
    """Closed by its time, the beat not run yet: a later closing time (or none) would reopen it with no
    trace in its phase history; the organiser reopens it through the phase instead."""
    consultation = make_consultation(closes_at=JAN_15)
    passed = timezone.now() - dt.timedelta(minutes=1)
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=passed)
    consultation.refresh_from_db()
    for later in (JAN_15, None):
        with pytest.raises(services.ConsultationError, match="ne peut plus être déplacée"):
            services.update_consultation(actor=None, consultation=consultation, closes_at=later)
    consultation.refresh_from_db()
    assert (consultation.phase, consultation.closes_at) == ("open", passed)
    services.update_consultation(actor=None, consultation=consultation, title_fr="Titre corrigé")
    assert services.close_due_consultations() == [consultation.slug]
    services.transition(actor=None, consultation=consultation, to_phase="open")
    services.update_consultation(actor=None, consultation=consultation, closes_at=JAN_15)
    consultation.refresh_from_db()
    assert (consultation.phase, consultation.closes_at) == ("open", JAN_15)


def test_the_organisers_page_closes_what_is_due_so_reopen_is_offered(client, organiser):
    """Closed by its time, the beat not run yet: the organisers' page shows it closed, with its close in the
    history and Reopen among the phase buttons, as once the beat has run."""
    consultation = make_consultation(closes_at=JAN_15)
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    with_totp(organiser)
    client.force_login(organiser)
    page = client.get(url("manage", consultation.slug), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "open" in [move["phase"] for move in page.context["transitions"]]  # Reopen
    consultation.refresh_from_db()
    assert consultation.phase == "closed"
    assert PhaseChange.objects.filter(consultation=consultation, to_phase="closed").count() == 1
    assert services.close_due_consultations() == []  # the beat finds nothing left to do


def test_reopening_says_that_the_closing_time_is_gone(client, organiser):
    consultation = make_consultation(phase="closed", closes_at=JAN_15)
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=timezone.now() - dt.timedelta(days=1))
    client.force_login(with_totp(organiser))
    response = client.post(
        url("change_phase", consultation.slug), {"phase": "open", "understood": "yes"}, follow=True
    )
    page = html.unescape(response.content.decode())
    assert "Elle n’a plus de date de clôture : fixez-en une dans ses réglages" in page.replace("\xa0", " ")
    consultation.refresh_from_db()
    assert (consultation.phase, consultation.closes_at) == ("open", None)


def test_the_admin_lists_an_english_only_consultation_by_its_english_title(client, db):
    make_consultation("english-only", title_fr="", title_en="Health data in research")
    client.force_login(with_totp(UserFactory(is_staff=True, is_superuser=True)))
    listing = client.get(reverse("admin:consultation_consultation_changelist"), HTTP_ACCEPT_LANGUAGE="fr")
    assert '<span lang="en">Health data in research</span>' in listing.content.decode()
