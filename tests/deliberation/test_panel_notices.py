"""Panel members hear by e-mail when they are drawn (or called from the reserve list) and when a
decision-maker answers one of their recommendations."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from accounts.services import update_profile
from deliberation import services
from deliberation.models import Panel, PanelMember, Selection, Volunteer
from tests.factories import UserFactory

from .conftest import adopt, seat


@pytest.fixture
def recruiting(panel, organiser):
    return services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.RECRUITING)


def _volunteer_from_the_page(client, panel, language, seated=True):
    """A citizen volunteers on the site in `language`; with `seated`, as if the draw had picked them."""
    user = UserFactory(roles=["citizen"])
    update_profile(user=user, strata={"gender": "female"})
    client.force_login(user)
    client.cookies["django_language"] = language
    client.post(reverse("deliberation:volunteer", args=[panel.pk]), {"consent": "on"})
    person = Volunteer.objects.get(user=user)
    if not seated:
        return user
    selection = panel.selections.first() or Selection.objects.create(
        panel=panel, seed="test", algorithm="maximin", status=Selection.Status.DONE
    )
    PanelMember.objects.create(panel=panel, volunteer=person, selection=selection)
    return user


def test_every_member_is_told_in_their_language_unless_they_turned_notices_off(
    client, recruiting, recommendation, organiser, django_capture_on_commit_callbacks, eager_celery
):
    french = _volunteer_from_the_page(client, recruiting, "fr")
    english = _volunteer_from_the_page(client, recruiting, "en")
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
    assert "Réponse : Partiellement adoptée" in fr.body and "Registre créé, <b>sans</b> appli." in fr.body
    assert f"/panels/recommandations/{recommendation.pk}/" in fr.body and "/compte/" in fr.body
    assert en.subject == "Your panel's recommendation has an answer — Registre des refus en ligne"
    assert "Answer: Partly adopted" in en.body and "Ministre de la Santé (Ministère de la Santé)" in en.body


def test_the_people_drawn_are_told_and_so_is_a_reserve_who_takes_a_seat(
    client, recruiting, organiser, django_capture_on_commit_callbacks, eager_celery
):
    for _ in range(8):
        _volunteer_from_the_page(client, recruiting, "fr", seated=False)
    recruiting.size = 3
    recruiting.save()
    services.replace_quotas(
        actor=organiser, panel=recruiting, quotas=[services.QuotaInput("gender", "female", 0, 3)]
    )
    with django_capture_on_commit_callbacks(execute=True):
        selection = services.start_selection(actor=organiser, panel=recruiting, seed="graine")
    selection.refresh_from_db()
    assert selection.status == Selection.Status.DONE, selection.error
    seated = {m.volunteer.user.email for m in PanelMember.objects.filter(panel=recruiting)}
    assert len(seated) == 3 and {message.to[0] for message in mail.outbox} == seated  # not the 5 others
    drawn = mail.outbox[0]
    assert drawn.subject == "Vous siégez au panel citoyen — Don de données par défaut"
    assert "le tirage au sort public vous a désigné" in drawn.body
    assert f"/panels/{recruiting.pk}/espace/" in drawn.body

    leaving = PanelMember.objects.filter(panel=recruiting).first()
    with django_capture_on_commit_callbacks(execute=True):
        newcomer = services.replace_member(actor=organiser, member=leaving)
    called = mail.outbox[3]
    assert called.to == [newcomer.volunteer.user.email] and len(mail.outbox) == 4
    assert "liste de réserve" in called.body


def test_seated_members_are_told_of_a_new_session(
    client, recruiting, facilitator, organiser, django_capture_on_commit_callbacks, eager_celery
):
    english = _volunteer_from_the_page(client, recruiting, "en")
    french = _volunteer_from_the_page(client, recruiting, "fr")
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
    assert fr.subject == "Séance de votre panel citoyen : Audition des chercheurs, 12 décembre 2026 09:30"
    assert "Lieu : Salle du conseil, Lyon" in fr.body and f"/panels/{recruiting.pk}/espace/" in fr.body
    en = by_address[english.email]
    assert "meets for “Audition des chercheurs” on Dec. 12, 2026, 9:30 a.m." in en.body
