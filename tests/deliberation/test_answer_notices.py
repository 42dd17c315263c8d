"""Panel members hear by e-mail when a decision-maker answers one of their recommendations."""

from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from deliberation import services
from deliberation.models import Panel, PanelMember, Selection, Volunteer
from tests.factories import UserFactory

from .conftest import adopt, seat


@pytest.fixture
def recruiting(panel, organiser):
    return services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.RECRUITING)


def _volunteer_from_the_page(client, panel, language):
    """A citizen volunteers on the site in `language`, then the draw seats them."""
    user = UserFactory(roles=["citizen"])
    client.force_login(user)
    client.cookies["django_language"] = language
    client.post(reverse("deliberation:volunteer", args=[panel.pk]), {"consent": "on"})
    person = Volunteer.objects.get(user=user)
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
