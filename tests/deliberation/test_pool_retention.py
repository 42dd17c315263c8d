"""Retention of the volunteer pools (GDPR art. 5-1-e): PACTE_POOL_RETENTION_DAYS after a panel is closed,
the volunteers who never had a seat are deleted with their profile answers; seated members keep their
seat, strata and account but lose their contact details, address and import identifier; the public
pages, the selection report and the re-run of the draw stay as they were. The privacy notice and the
"not drawn" e-mail say how long, from the setting."""

import importlib
import re
from datetime import timedelta
from html import unescape
from io import StringIO

import pytest
from django.apps import apps
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from deliberation import gdpr, services, tasks
from deliberation.models import Panel, PanelMember, Selection, Volunteer
from tests.conftest import with_totp

from .conftest import adopt

DAYS = settings.PACTE_POOL_RETENTION_DAYS


def _close(panel, organiser) -> Panel:
    return services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.CLOSED)


def _closed_days_ago(panel, days: int) -> None:
    """Move the closing back in time (the closing itself is exercised through the service)."""
    Panel.objects.filter(pk=panel.pk).update(closed_at=timezone.now() - timedelta(days=days))


def _report(client, panel, language: str) -> str:
    """The public selection report as a reader sees it (the page's main content)."""
    client.cookies["django_language"] = language
    response = client.get(
        reverse("deliberation:selection_report", args=[panel.pk]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('<main id="content"') : html.index("</main>")]


def _purges(panel) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action="panel.pool_purged", object_type="deliberation.panel", object_id=str(panel.pk)
        )
    )


def test_a_closed_panel_past_the_retention_time_keeps_only_those_who_had_a_seat(
    client, drawn, organiser, facilitator, django_capture_on_commit_callbacks
):
    selection = drawn.selections.get(status=Selection.Status.DONE)
    # A member withdraws and the first fitting reserve takes the seat: both had a seat, both stay.
    leaving = PanelMember.objects.filter(panel=drawn).first()
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = services.replace_member(actor=facilitator, member=leaving, reason="Départ annoncé")
    had_seat = set(PanelMember.objects.filter(panel=drawn).values_list("volunteer_id", flat=True))
    assert len(had_seat) == 5
    never_seated = list(Volunteer.objects.filter(panel=drawn).exclude(pk__in=had_seat).select_related("user"))
    assert len(never_seated) == 5
    seated_strata = {v.pk: v.strata for v in Volunteer.objects.filter(pk__in=had_seat)}
    report_before = {language: _report(client, drawn, language) for language in ("fr", "en")}

    closed = _close(drawn, organiser)
    purged = services.purge_expired_pools(now=closed.closed_at + timedelta(days=DAYS))

    assert [(p.panel_id, p.deleted) for p in purged] == [(drawn.pk, 5)]
    assert set(Volunteer.objects.filter(panel=drawn).values_list("pk", flat=True)) == had_seat
    assert {v.pk: v.strata for v in Volunteer.objects.filter(pk__in=had_seat)} == seated_strata
    assert PanelMember.objects.filter(panel=drawn).count() == 5
    assert PanelMember.objects.get(pk=newcomer.pk).status == PanelMember.Status.ACTIVE
    # Who was never seated finds nothing left about this panel in their data; a member still does.
    for person in never_seated:
        assert gdpr.export(person.user)["volunteerings"] == []
    # The audit log, which outlives the pool, does not tie their account to their id in the published
    # lottery: it says they volunteered for this panel, not as which pool entry.
    for person in never_seated:
        logged = AuditEvent.objects.filter(actor_id=person.user.pk, action__startswith="panel.")
        assert {(e.action, e.object_type, e.object_id) for e in logged} == {
            ("panel.volunteered", "deliberation.panel", str(drawn.pk))
        }
        assert all(str(person.pk) not in str(e.details) for e in logged)
    seated_user = newcomer.volunteer.user
    assert [v["panel"] for v in gdpr.export(seated_user)["volunteerings"]] == [drawn.title]
    # The public record is unchanged: same report, and the draw re-run from its seed gives the same panel.
    for language, before in report_before.items():
        assert _report(client, drawn, language) == before
    assert "graine-publique" in report_before["fr"]
    assert sorted(services.redraw(selection)) == sorted(selection.drawn)
    out = StringIO()
    call_command("redraw_selection", str(selection.pk), stdout=out)
    assert "Same panel as the recorded draw." in out.getvalue()
    (event,) = _purges(drawn)
    assert event.details["deleted"] == 5 and event.details["retention_days"] == DAYS


def test_nothing_is_purged_while_the_panel_works_or_before_the_retention_time(drawn, organiser):
    pool = Volunteer.objects.filter(panel=drawn).count()
    far_future = timezone.now() + timedelta(days=10 * DAYS + 10)
    assert services.purge_expired_pools(now=far_future) == []  # drawn, not closed

    closed = _close(drawn, organiser)
    closed_at = closed.closed_at
    assert services.purge_expired_pools(now=closed_at + timedelta(days=DAYS) - timedelta(minutes=1)) == []
    # Closing an already closed panel does not restart the clock.
    services.set_panel_status(actor=organiser, panel=closed, status=Panel.Status.CLOSED)
    assert Panel.objects.get(pk=drawn.pk).closed_at == closed_at
    # Reopened, it is no longer closed: its pool stays, however long ago it was first closed.
    services.set_panel_status(actor=organiser, panel=closed, status=Panel.Status.DELIBERATING)
    assert Panel.objects.get(pk=drawn.pk).closed_at is None
    assert services.purge_expired_pools(now=far_future) == []
    assert Volunteer.objects.filter(panel=drawn).count() == pool
    assert _purges(drawn) == []


def test_the_command_dry_run_changes_nothing_and_a_second_run_deletes_nothing_more(drawn, organiser):
    _close(drawn, organiser)
    _closed_days_ago(drawn, DAYS + 1)
    recent = services.create_panel(actor=organiser, title="Panel fermé hier", size=4)
    Volunteer.objects.create(panel=recent, external_id="X1", strata={"gender": "male"}, source="import")
    _close(recent, organiser)
    _closed_days_ago(recent, DAYS - 1)
    pool = Volunteer.objects.count()

    out = StringIO()
    call_command("purge_volunteer_pools", "--dry-run", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert f"Panel #{drawn.pk} “{drawn.title}”" in text
    assert "6 volunteer(s) without a seat would be deleted" in text
    assert "Panel fermé hier" not in text
    assert "nothing changed" in text
    assert Volunteer.objects.count() == pool and _purges(drawn) == []

    out, progress = StringIO(), StringIO()
    call_command("purge_volunteer_pools", stdout=out, stderr=progress)
    assert "6 volunteer(s) without a seat deleted" in out.getvalue()
    assert "6 volunteer(s) deleted and 0 seated member(s)' details blanked in 1 panel(s)." in out.getvalue()
    assert "Purging pools" in progress.getvalue() and "1/1" in progress.getvalue()
    assert Volunteer.objects.filter(panel=drawn).count() == 4
    assert Volunteer.objects.filter(panel=recent).count() == 1

    out = StringIO()
    call_command("purge_volunteer_pools", stdout=out, stderr=StringIO())
    assert "0 volunteer(s) deleted and 0 seated member(s)' details blanked in 0 panel(s)." in out.getvalue()
    assert Volunteer.objects.count() == pool - 6
    assert len(_purges(drawn)) == 1 and _purges(recent) == []


def test_the_daily_task_purges_what_the_service_does(drawn, organiser, eager_celery):
    schedule = settings.CELERY_BEAT_SCHEDULE["purge-volunteer-pools"]
    assert schedule["task"] == tasks.purge_volunteer_pools.name
    _close(drawn, organiser)
    _closed_days_ago(drawn, DAYS)
    assert tasks.purge_volunteer_pools.delay().get() == 6
    assert tasks.purge_volunteer_pools.delay().get() == 0
    assert Volunteer.objects.filter(panel=drawn).count() == 4
    assert PanelMember.objects.filter(panel=drawn).count() == 4


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("fr", "45\u00a0jours après la clôture du panel, celles de chaque volontaire qui n’a pas eu de"),
        ("en", "45 days after the panel is closed, those of every volunteer who did not get a seat"),
    ],
)
def test_the_privacy_notice_states_the_retention_time_from_the_setting(
    client, db, settings, language, sentence
):
    settings.PACTE_POOL_RETENTION_DAYS = 45
    client.cookies["django_language"] = language
    html = client.get(reverse("pages:privacy"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    paragraph = re.search(r'<p id="pool-retention">(.*?)</p>', html, re.S).group(1)
    assert sentence in paragraph
    assert "180" not in paragraph


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        (
            "fr",
            "dans le dossier public du panel\u00a0; à cette même date, les coordonnées, l’adresse et "
            "l’identifiant dans le fichier des organisateur·rice·s conservés pour chaque membre sont effacés "
            "(un membre qui a un compte reste informé·e, à l’adresse électronique de son compte, des suites "
            "données aux recommandations).",
        ),
        (
            "en",
            "stay in the panel's public record; on that same date, the contact details, address and "
            "identifier in the organisers' file kept for each member are erased (a member with an account is "
            "still told, at their account's e-mail address, what becomes of the recommendations).",
        ),
    ],
)
def test_the_privacy_notice_says_what_happens_to_the_members_contact_details(client, db, language, sentence):
    client.cookies["django_language"] = language
    html = client.get(reverse("pages:privacy"), HTTP_ACCEPT_LANGUAGE=language).content.decode()
    paragraph = re.search(r'<p id="pool-retention">(.*?)</p>', html, re.S).group(1)
    assert sentence in unescape(paragraph)


def test_who_is_not_drawn_is_told_how_long_their_details_are_kept(
    client, pool_panel, organiser, settings, eager_celery, django_capture_on_commit_callbacks
):
    settings.PACTE_POOL_RETENTION_DAYS = 90
    french = Volunteer.objects.filter(panel=pool_panel).first()
    Volunteer.objects.filter(pk=french.pk).update(language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        services.start_selection(actor=organiser, panel=pool_panel, seed="graine-publique")
    seated = set(
        PanelMember.objects.filter(panel=pool_panel).values_list("volunteer__user__email", flat=True)
    )
    not_drawn = {m.to[0]: m.body for m in mail.outbox if m.to[0] not in seated}
    assert len(not_drawn) == 6
    for address, body in not_drawn.items():
        if address == french.user.email:
            assert (
                "Les informations que vous avez données en vous portant volontaire pour ce panel (les "
                "réponses de profil copiées alors) sont supprimées 90\u00a0jours après la clôture du panel"
                in body
            )
        else:
            assert (
                "The details you gave when volunteering for this panel (the profile answers copied then) are "
                "deleted 90 days after the panel is closed, unless you take a seat on it meanwhile." in body
            )


def test_panels_closed_before_the_closing_date_was_recorded_get_one(drawn, organiser, db):
    """The migration dates panels already closed: from their last closing in the audit log, else now."""
    migration = importlib.import_module("deliberation.migrations.0007_panel_closed_at")
    closed = _close(drawn, organiser)
    logged = AuditEvent.objects.filter(action="panel.status", object_id=str(drawn.pk)).latest("id")
    unlogged = Panel.objects.create(title="Fermé sans journal", status=Panel.Status.CLOSED)
    Panel.objects.filter(pk=closed.pk).update(closed_at=None)
    before = timezone.now()
    migration.date_closed_panels(apps, None)
    assert Panel.objects.get(pk=drawn.pk).closed_at == logged.created_at
    assert Panel.objects.get(pk=unlogged.pk).closed_at >= before


# --------------------------------------------------------------------------------------------------
# Seated members: contact details, address and import identifier go, the seat and the strata stay
# --------------------------------------------------------------------------------------------------

IMPORTED = (
    "id;contact;gender;address\n"
    "R-01;anne.durand@example.org;other;3 rue des Lilas, 69003 Lyon\n"
    "R-02;06 12 34 56 78;other;8 avenue Jean Jaurès, 33000 Bordeaux\n"
    "R-03;paul.martin@example.org;other;12 place du Marché, 35000 Rennes\n"
    "R-04;07 98 76 54 32;other;1 impasse des Roses, 13001 Marseille\n"
)
CLEARED = ("contact", "address", "external_id")


@pytest.fixture
def mixed(pool_panel, organiser, eager_celery, django_capture_on_commit_callbacks):
    """`pool_panel` (10 citizens with accounts) plus 4 people imported by the organisers with contact
    details and an address; the quotas seat exactly 2 imported people and 2 account holders."""
    report = services.import_volunteers(actor=organiser, panel=pool_panel, text=IMPORTED)
    assert report.created == 4 and not report.errors
    services.replace_quotas(
        actor=organiser,
        panel=pool_panel,
        quotas=[
            services.QuotaInput("gender", "female", 0, 4),
            services.QuotaInput("gender", "male", 0, 4),
            services.QuotaInput("gender", "other", 2, 2),
        ],
    )
    with django_capture_on_commit_callbacks(execute=True):
        selection = services.start_selection(actor=organiser, panel=pool_panel, seed="graine-publique")
    selection.refresh_from_db()
    assert selection.status == Selection.Status.DONE, selection.failure_text
    pool_panel.refresh_from_db()
    return pool_panel


def _identifiers(panel) -> dict[int, tuple]:
    """What the purge may blank, per volunteer who had a seat."""
    rows = Volunteer.objects.filter(panel=panel, memberships__isnull=False)
    return {row["pk"]: tuple(row[f] for f in CLEARED) for row in rows.values("pk", *CLEARED)}


def _public_record(panel) -> dict:
    """What the purge must keep about everyone who had a seat: the seat with its history, the public
    name, the strata, the account, the notice language and the consent date."""
    return {
        m.pk: (m.volunteer.public_name, m.volunteer.strata, m.volunteer.user_id, m.volunteer.language,
               m.volunteer.consent_at, m.volunteer.source, m.status, m.replaced_by_id, m.dropped_at,
               m.joined_at)
        for m in PanelMember.objects.filter(panel=panel).select_related("volunteer__user")
    }  # fmt: skip


def _page(client, name, panel, language: str) -> str:
    client.cookies["django_language"] = language
    response = client.get(reverse(name, args=[panel.pk]), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index('<main id="content"') : html.index("</main>")]


def test_past_the_retention_time_seated_members_lose_their_contact_details_and_keep_their_seat(
    client, mixed, organiser, facilitator, django_capture_on_commit_callbacks
):
    # An imported member withdraws and an imported reserve takes the seat (the "other" quota).
    imported_seat = PanelMember.objects.filter(panel=mixed, volunteer__source="import").first()
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = services.replace_member(actor=facilitator, member=imported_seat, reason="Départ annoncé")
    assert newcomer.volunteer.source == Volunteer.Source.IMPORT
    before = _identifiers(mixed)
    imported = {pk for pk, values in before.items() if any(values)}
    assert len(before) == 5 and len(imported) == 3
    assert all(contact and address and external_id for contact, address, external_id in
               (before[pk] for pk in imported))  # fmt: skip
    record = _public_record(mixed)
    composition = Selection.objects.get(panel=mixed, status=Selection.Status.DONE).composition

    closed = _close(mixed, organiser)
    pages = {
        (name, language): _page(client, name, mixed, language)
        for name in ("deliberation:panel_detail", "deliberation:selection_report")
        for language in ("fr", "en")
    }
    assert (
        "Quotas compared with the composition of the drawn panel"
        in pages["deliberation:selection_report", "en"]
    )
    purged = services.purge_expired_pools(now=closed.closed_at + timedelta(days=DAYS))

    assert [(p.panel_id, p.deleted, p.members_cleared) for p in purged] == [(mixed.pk, 9, 3)]
    assert _identifiers(mixed) == dict.fromkeys(before, ("", "", ""))
    assert _public_record(mixed) == record
    left = PanelMember.objects.get(pk=imported_seat.pk)
    assert left.replaced_by_id == newcomer.pk and left.drop_reason == ""  # the seat stays, not the reason
    assert Selection.objects.get(panel=mixed, status=Selection.Status.DONE).composition == composition
    for (name, language), html in pages.items():
        assert _page(client, name, mixed, language) == html
    # The organisers' list of members still names each seat, with no contact details left.
    client.force_login(with_totp(organiser))
    manage = _page(client, "deliberation:manage", mixed, "en")
    assert (
        f"Volunteer #{newcomer.volunteer_id}" in manage
        and f"Volunteer #{imported_seat.volunteer_id}" in manage
    )
    assert not any(value in manage for values in before.values() for value in values if value)
    (event,) = _purges(mixed)
    assert event.details["deleted"] == 9 and event.details["members_cleared"] == 3
    # A second run finds nothing to change and records nothing.
    assert services.purge_expired_pools(now=closed.closed_at + timedelta(days=2 * DAYS)) == []
    assert len(_purges(mixed)) == 1


def test_a_member_with_an_account_still_hears_the_answers_after_the_purge(
    mixed, organiser, recommendation, eager_celery, django_capture_on_commit_callbacks
):
    adopt(recommendation, days_ago=3)
    closed = _close(mixed, organiser)
    (purge,) = services.purge_expired_pools(now=closed.closed_at + timedelta(days=DAYS))
    assert purge.members_cleared == 2
    account_holders = set(
        PanelMember.objects.filter(panel=mixed, volunteer__user__isnull=False).values_list(
            "volunteer__user__email", flat=True
        )
    )
    assert len(account_holders) == 2
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.record_response(
            actor=organiser, recommendation=recommendation, decision_maker="Ministre de la Santé",
            body="Ministère de la Santé", status="adopted", justification="Registre créé.",
            answered_on=timezone.localdate(),
        )  # fmt: skip
    assert {message.to[0] for message in mail.outbox} == account_holders
    assert all(
        message.subject == "Your panel's recommendation has an answer — Registre des refus en ligne"
        for message in mail.outbox
    )


def _seat_imported(panel, external_id: str) -> Volunteer:
    """An imported person with contact details and an address, seated as if the draw had picked them."""
    selection = panel.selections.first() or Selection.objects.create(
        panel=panel, seed="test", algorithm="maximin", status=Selection.Status.DONE
    )
    person = Volunteer.objects.create(
        panel=panel, external_id=external_id, contact=f"{external_id.lower()}@example.org",
        address="5 rue de la Paix, 75002 Paris", strata={"gender": "other"}, source=Volunteer.Source.IMPORT,
    )  # fmt: skip
    PanelMember.objects.create(panel=panel, volunteer=person, selection=selection)
    return person


def test_recent_and_open_panels_keep_their_members_contact_details(mixed, organiser):
    open_panel = services.create_panel(actor=organiser, title="Panel en cours", size=4)
    _seat_imported(open_panel, "O-1")
    services.set_panel_status(actor=organiser, panel=open_panel, status=Panel.Status.DELIBERATING)
    _close(mixed, organiser)
    _closed_days_ago(mixed, DAYS - 1)
    before = {panel.pk: _identifiers(panel) for panel in (mixed, open_panel)}

    assert services.purge_expired_pools(now=timezone.now() + timedelta(hours=23)) == []

    assert {panel.pk: _identifiers(panel) for panel in (mixed, open_panel)} == before
    assert sum(1 for values in before[mixed.pk].values() if any(values)) == 2
    assert _purges(mixed) == [] and _purges(open_panel) == []


def test_the_command_counts_the_members_cleared_and_its_dry_run_changes_nothing(mixed, organiser):
    _close(mixed, organiser)
    _closed_days_ago(mixed, DAYS + 1)
    # A panel whose pool an earlier purge already emptied still holds a member's contact details.
    emptied = services.create_panel(actor=organiser, title="Panel déjà purgé", size=4)
    member = _seat_imported(emptied, "E-1")
    _close(emptied, organiser)
    _closed_days_ago(emptied, DAYS + 30)
    before = {panel.pk: _identifiers(panel) for panel in (mixed, emptied)}
    pool = Volunteer.objects.count()

    out = StringIO()
    call_command("purge_volunteer_pools", "--dry-run", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert (
        f"Panel #{mixed.pk} “{mixed.title}” (closed " in text
        and "10 volunteer(s) without a seat would be deleted; 2 seated member(s)' contact, address and "
        "import id would be blanked."
        in text
    )
    assert (
        f"Panel #{emptied.pk} “Panel déjà purgé”" in text
        and "0 volunteer(s) without a seat would be deleted; 1 seated member(s)' contact, address and "
        "import id would be blanked."
        in text
    )
    assert (
        "Dry run: 10 volunteer(s) would be deleted and 3 seated member(s)' details would be blanked in 2 "
        in text
    )
    assert "nothing changed" in text
    assert {panel.pk: _identifiers(panel) for panel in (mixed, emptied)} == before
    assert Volunteer.objects.count() == pool and _purges(mixed) == [] and _purges(emptied) == []

    out = StringIO()
    call_command("purge_volunteer_pools", stdout=out, stderr=StringIO())
    text = out.getvalue()
    assert (
        "10 volunteer(s) without a seat deleted; 2 seated member(s)' contact, address and import id blanked."
        in text
    )
    assert (
        "0 volunteer(s) without a seat deleted; 1 seated member(s)' contact, address and import id blanked."
        in text
    )
    assert "10 volunteer(s) deleted and 3 seated member(s)' details blanked in 2 panel(s)." in text
    member.refresh_from_db()
    assert (member.contact, member.address, member.external_id) == ("", "", "")
    assert member.strata == {"gender": "other"} and member.memberships.exists()
    (event,) = _purges(emptied)
    assert event.details["deleted"] == 0 and event.details["members_cleared"] == 1

    out = StringIO()
    call_command("purge_volunteer_pools", stdout=out, stderr=StringIO())
    assert "0 volunteer(s) deleted and 0 seated member(s)' details blanked in 0 panel(s)." in out.getvalue()
    assert len(_purges(mixed)) == 1 and len(_purges(emptied)) == 1
