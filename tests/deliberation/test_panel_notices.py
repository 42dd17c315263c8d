"""Panel members hear by e-mail when they are drawn (or called from the reserve list), when a session is
scheduled and when a decision-maker answers one of their recommendations; the volunteers the lottery did
not draw hear it once."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.services import update_profile
from deliberation import services, tasks
from deliberation.models import Panel, PanelMember, Selection, Volunteer
from tests.factories import UserFactory

from .conftest import adopt, seat


@pytest.fixture
def recruiting(panel, organiser):
    return services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.RECRUITING)


def _volunteer_from_the_page(client, panel, language):
    """A citizen volunteers on the site in `language`."""
    user = UserFactory(roles=["citizen"])
    update_profile(user=user, strata={"gender": "female"})
    client.force_login(user)
    client.cookies["django_language"] = language
    client.post(reverse("deliberation:volunteer", args=[panel.pk]), {"consent": "on"})
    return user


def _seat(panel, *users):
    """Seat these volunteers as if the draw had picked them (the draw closes the pool: volunteer first)."""
    selection = panel.selections.first() or Selection.objects.create(
        panel=panel, seed="test", algorithm="maximin", status=Selection.Status.DONE
    )
    for user in users:
        person = Volunteer.objects.get(user=user)
        PanelMember.objects.create(panel=panel, volunteer=person, selection=selection)


def test_every_member_is_told_in_their_language_unless_they_turned_notices_off(
    client, recruiting, recommendation, organiser, django_capture_on_commit_callbacks, eager_celery
):
    french = _volunteer_from_the_page(client, recruiting, "fr")
    english = _volunteer_from_the_page(client, recruiting, "en")
    _seat(recruiting, french, english)
    quiet = seat(recruiting)
    quiet.volunteer.user.email_notices = False
    quiet.volunteer.user.save()
    adopt(recommendation, days_ago=3)

    with django_capture_on_commit_callbacks(execute=True):
        services.record_response(
            actor=organiser, recommendation=recommendation, decision_maker="Ministre de la Santé",
            body="Ministère de la Santé", status="partly_adopted",
            justification="Registre créé, <b>sans</b> appli.",
            answered_on=timezone.localdate() - timedelta(days=1),
        )  # fmt: skip
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == sorted([french.email, english.email])
    assert len(mail.outbox) == 2
    fr, en = by_address[french.email], by_address[english.email]
    assert fr.subject == "La recommandation de votre panel a reçu une réponse — Registre des refus en ligne"
    assert (
        "Réponse\u00a0: Partiellement adoptée" in fr.body and "Registre créé, <b>sans</b> appli." in fr.body
    )
    assert f"/panels/recommandations/{recommendation.pk}/" in fr.body and "/compte/" in fr.body
    assert en.subject == "Your panel's recommendation has an answer — Registre des refus en ligne"
    assert "Answer: Partly adopted" in en.body and "Ministre de la Santé (Ministère de la Santé)" in en.body


NOT_DRAWN_FR = "Le tirage au sort a eu lieu pour le panel citoyen — Don de données par défaut"
NOT_DRAWN_EN = "The draw has taken place for the citizen panel — Don de données par défaut"
SEAT_FR = "Vous siégez au panel citoyen — Don de données par défaut"
SEAT_EN = "You sit on the citizen panel — Don de données par défaut"


def test_a_draw_tells_the_people_drawn_and_every_other_volunteer_once(
    client, recruiting, organiser, django_capture_on_commit_callbacks, eager_celery
):
    language = {}
    for i in range(8):
        user = _volunteer_from_the_page(client, recruiting, ["fr", "en"][i % 2])
        language[user.email] = ["fr", "en"][i % 2]
    recruiting.size = 3
    recruiting.save()
    services.replace_quotas(
        actor=organiser, panel=recruiting, quotas=[services.QuotaInput("gender", "female", 0, 3)]
    )
    with django_capture_on_commit_callbacks(execute=True):
        selection = services.start_selection(actor=organiser, panel=recruiting, seed="graine")
    selection.refresh_from_db()
    assert selection.status == Selection.Status.DONE, selection.failure_text
    seated = {m.volunteer.user.email for m in PanelMember.objects.filter(panel=recruiting)}
    assert len(seated) == 3 and len(mail.outbox) == 8  # one e-mail each, no more
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == sorted(language)
    subjects = {
        ("fr", True): SEAT_FR,
        ("en", True): SEAT_EN,
        ("fr", False): NOT_DRAWN_FR,
        ("en", False): NOT_DRAWN_EN,
    }
    for address, message in by_address.items():
        assert message.subject == subjects[language[address], address in seated]
    assert all(f"/panels/{recruiting.pk}/espace/" in by_address[address].body for address in seated)
    # Everyone else can sit if a member withdraws (one quota, no household): they are all reserves.
    reserves = {Volunteer.objects.get(pk=int(i)).user.email for i in selection.reserves}
    assert reserves == set(language) - seated
    fr = next(by_address[a] for a in reserves if language[a] == "fr")
    assert "Le tirage au sort public a eu lieu et a désigné ses 3 membres." in fr.body
    assert "mais vous êtes sur la liste de réserve\u00a0: si une place se libère" in fr.body
    assert f"/panels/{recruiting.pk}/tirage/" in fr.body and "/compte/" in fr.body
    en = next(by_address[a] for a in reserves if language[a] == "en")
    assert "The public lottery has taken place and has drawn its 3 members." in en.body
    assert "You were not drawn this time, but you are on the reserve list" in en.body
    assert f"/panels/{recruiting.pk}/tirage/" in en.body and f"/panels/{recruiting.pk}/\n" in en.body

    leaving = PanelMember.objects.filter(panel=recruiting).first()
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = services.replace_member(actor=organiser, member=leaving, reason="Départ annoncé")
    assert len(mail.outbox) == 9  # the reserve called to the seat, and nobody told twice
    called = mail.outbox[8]
    assert called.to == [newcomer.volunteer.user.email]
    assert called.subject == subjects[newcomer.volunteer.language, True]
    assert ("liste de réserve" if newcomer.volunteer.language == "fr" else "reserve list") in called.body


def _draw(panel, volunteers, drawn, reserves=(), excluded=()):
    """Commit a draw of `drawn` (reserves ranked as given) through the service, as the selection task
    does, without the solver: the test decides who is drawn."""
    from deliberation.sortition import SelectionResult, lottery_from_portfolio

    ids = tuple(str(v.pk) for v in drawn)
    selection = Selection.objects.create(panel=panel, seed="graine", algorithm="maximin")
    result = SelectionResult(
        algorithm="maximin", panel_size=len(ids), seed="graine",
        probabilities={str(v.pk): 0.5 for v in volunteers if v not in excluded},
        lottery=lottery_from_portfolio(len(ids), [(ids, 1.0)], ids), panel=ids,
        reserves=tuple(str(v.pk) for v in reserves),
        composition=(), min_probability=0.5, median_probability=0.5,
    )  # fmt: skip
    left_out = [{"volunteer": v.pk, "missing": ["gender"]} for v in excluded]
    return services.record_selection_result(selection_id=selection.pk, result=result, excluded=left_out)


def test_who_is_not_drawn_hears_why_and_is_told_only_once_whatever_comes_next(
    client, recruiting, django_capture_on_commit_callbacks, eager_celery
):
    users = [_volunteer_from_the_page(client, recruiting, lang) for lang in ["fr", "en", "fr", "en"]]
    quiet = _volunteer_from_the_page(client, recruiting, "fr")
    quiet.email_notices = False
    quiet.save()
    users.append(quiet)
    without_gender = UserFactory(roles=["citizen"])
    client.force_login(without_gender)
    client.cookies["django_language"] = "en"
    client.post(reverse("deliberation:volunteer", args=[recruiting.pk]), {"consent": "on"})
    users.append(without_gender)
    # An imported volunteer has no account: like the seat notice, no e-mail (the file's contact is not used).
    imported = Volunteer.objects.create(
        panel=recruiting, external_id="A7", contact="a7@example.org", source=Volunteer.Source.IMPORT
    )
    pool = [*(Volunteer.objects.get(user=u) for u in users), imported]
    drawn, reserve, plain_fr, plain_en, quiet_one, left_out, _imported = pool

    with django_capture_on_commit_callbacks(execute=True):
        _draw(recruiting, pool, drawn=[drawn], reserves=[reserve, quiet_one], excluded=[left_out])
    by_address = {message.to[0]: message for message in mail.outbox}
    assert len(mail.outbox) == 5  # not the one who turned notices off, nor the imported volunteer
    assert sorted(by_address) == sorted(v.user.email for v in (drawn, reserve, plain_fr, plain_en, left_out))
    assert by_address[drawn.user.email].subject == SEAT_FR
    assert (
        "You were not drawn this time, but you are on the reserve list" in by_address[reserve.user.email].body
    )
    fr = by_address[plain_fr.user.email]
    assert fr.subject == NOT_DRAWN_FR and "a eu lieu et a désigné 1 membre." in fr.body
    assert "Vous n’avez pas été tiré au sort cette fois-ci.\n" in fr.body and "réserve" not in fr.body
    en = by_address[plain_en.user.email]
    assert en.subject == NOT_DRAWN_EN and "has drawn its 1 member." in en.body
    assert "You were not drawn this time.\n" in en.body and "reserve" not in en.body
    missing = by_address[left_out.user.email].body
    assert "Your profile did not answer every question that the quotas of this panel use" in missing
    assert "not drawn" not in missing and "reserve" not in missing

    # The draw committed again (a redelivered selection message) tells nobody anything.
    tasks.run_selection(recruiting.selections.get().pk)
    # A second draw is refused (a committed draw is final): nobody is seated, nobody is told anything.
    quiet.email_notices = True
    quiet.save()
    with django_capture_on_commit_callbacks(execute=True):
        second = _draw(recruiting, pool, drawn=[reserve])
    assert second.status == Selection.Status.FAILED
    assert len(mail.outbox) == 5
    assert not PanelMember.objects.filter(volunteer=reserve).exists()


def test_seated_members_are_told_of_a_new_session(
    client, recruiting, facilitator, organiser, django_capture_on_commit_callbacks, eager_celery
):
    english = _volunteer_from_the_page(client, recruiting, "en")
    french = _volunteer_from_the_page(client, recruiting, "fr")
    _seat(recruiting, english, french)
    left = seat(recruiting)
    left.status = PanelMember.Status.DROPPED
    left.save()
    with django_capture_on_commit_callbacks(execute=True):
        services.schedule_session(
            actor=facilitator, panel=recruiting, title="Audition des chercheurs",
            starts_at=timezone.make_aware(datetime(2026, 12, 12, 9, 30)), place="Salle du conseil, Lyon",
        )  # fmt: skip
    by_address = {message.to[0]: message for message in mail.outbox}
    assert sorted(by_address) == sorted([english.email, french.email])  # not the member who left
    fr = by_address[french.email]
    assert (
        fr.subject
        == "Séance de votre panel citoyen\u00a0: Audition des chercheurs, 12 déc. 2026 à\u00a009:30"
    )
    assert "Lieu\u00a0: Salle du conseil, Lyon" in fr.body and f"/panels/{recruiting.pk}/espace/" in fr.body
    en = by_address[english.email]
    assert "meets for “Audition des chercheurs” on 12 Dec 2026, 09:30." in en.body


def test_a_notice_task_delivered_again_sends_nothing_more(
    client, recruiting, recommendation, organiser, django_capture_on_commit_callbacks, eager_celery
):
    """Celery delivers at least once: the fan-out and each send may run again after a worker is lost."""
    member_user = _volunteer_from_the_page(client, recruiting, "fr")
    _seat(recruiting, member_user)
    member = PanelMember.objects.get(volunteer__user=member_user)
    adopt(recommendation, days_ago=3)
    with django_capture_on_commit_callbacks(execute=True):
        response = services.record_response(
            actor=organiser, recommendation=recommendation, decision_maker="Ministre de la Santé",
            body="", status="adopted", justification="", answered_on=timezone.localdate(),
        )  # fmt: skip
    assert [m.to for m in mail.outbox] == [[member_user.email]]

    assert tasks.notify_panel("answer", response.pk) == 1  # the fan-out run again queues the send again
    assert tasks.send_panel_notice("answer", response.pk, member.pk) is False
    assert len(mail.outbox) == 1
    # A later answer is another notice.
    with django_capture_on_commit_callbacks(execute=True):
        services.record_response(
            actor=organiser, recommendation=recommendation, decision_maker="Ministre de la Recherche",
            body="", status="adopted", justification="", answered_on=timezone.localdate(),
        )  # fmt: skip
    assert len(mail.outbox) == 2
