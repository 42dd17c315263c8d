"""Leaving the pool of volunteers from the site: the panel's page, the volunteering page and My account show
where the person stands and lead to a confirmation page; the withdrawal itself is a POST. Before or after
the draw (on the reserve list or not drawn) the person leaves; a seated member is told how to leave the
panel; nobody can withdraw someone else."""

import pytest
from django.urls import reverse

from accounts.models import AuditEvent
from deliberation import services
from deliberation.models import Panel, PanelMember, Volunteer
from tests.deliberation.conftest import citizen_in_pool, messages_of

STATE = {
    "pool": {
        "en": "You are in the pool of volunteers: the panel has not been drawn yet.",
        "fr": "Vous faites partie du vivier de volontaires\u00a0: le panel n’a pas encore été tiré au sort.",
    },
    "reserve": {
        "en": "You were not drawn, but you are on the reserve list",
        "fr": "Vous n’avez pas été tiré·e au sort, mais vous êtes sur la liste de réserve",
    },
    "seated": {
        "en": "You have been drawn: you have a seat on this panel.",
        "fr": "Vous avez été tiré·e au sort\u00a0: vous siégez dans ce panel.",
    },
}
BUTTON = {"en": "Withdraw from the pool", "fr": "Me retirer du vivier"}
EXPLAINS = {
    "en": "Your answers to the volunteering form (the profile answers copied when you volunteered, and your "
    "consent) are deleted.",
    "fr": "Vos réponses au formulaire de volontariat (les réponses de votre profil copiées au moment où vous "
    "vous êtes porté·e volontaire, et votre consentement) sont supprimées.",
}
LEFT = {
    "en": "You have left the pool of volunteers for this panel; your answers to the volunteering form have "
    "been deleted.",
    "fr": "Vous avez quitté le vivier de volontaires de ce panel\u00a0; vos réponses au formulaire de "
    "volontariat ont été supprimées.",
}
SEATED_REFUSAL = {
    "en": "You have a seat on this panel: to leave it, tell the panel's facilitators, who will give your "
    "seat to a person from the reserve list.",
    "fr": "Vous siégez dans ce panel\u00a0: pour le quitter, prévenez ses animateur·rice·s, qui attribueront "
    "votre place à une personne de la liste de réserve.",
}
NOT_IN_POOL = {
    "en": "You are not in the pool of volunteers for this panel.",
    "fr": "Vous ne faites pas partie du vivier de volontaires de ce panel.",
}
VOLUNTEER_AGAIN = {"en": "Volunteer for this panel", "fr": "Me porter volontaire pour ce panel"}


def _html(client, url, language) -> str:
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return response.content.decode()


def _withdrawals(user) -> int:
    return AuditEvent.objects.filter(action="panel.volunteering_withdrawn", actor_id=user.pk).count()


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_volunteer_leaves_the_pool_before_the_draw_and_may_volunteer_again(client, pool_panel, language):
    user = citizen_in_pool(pool_panel, "female")
    client.force_login(user)
    panel_url = reverse("deliberation:panel_detail", args=[pool_panel.pk])
    withdraw_url = reverse("deliberation:withdraw", args=[pool_panel.pk])

    # The panel's page and the volunteering page say where they stand and lead to the confirmation page.
    for url in (panel_url, reverse("deliberation:volunteer", args=[pool_panel.pk])):
        html = _html(client, url, language)
        assert STATE["pool"][language] in html and withdraw_url in html and BUTTON[language] in html
        assert VOLUNTEER_AGAIN[language] not in html

    # The confirmation page explains what happens; opening it withdraws nothing.
    html = _html(client, withdraw_url, language)
    assert EXPLAINS[language] in html and 'name="csrfmiddlewaretoken"' in html and 'method="post"' in html
    assert Volunteer.objects.filter(panel=pool_panel, user=user).exists() and _withdrawals(user) == 0

    left = client.post(withdraw_url, HTTP_ACCEPT_LANGUAGE=language, follow=True)
    assert left.redirect_chain == [(panel_url, 302)]
    assert messages_of(left) == [LEFT[language]]
    html = left.content.decode()
    assert STATE["pool"][language] not in html and withdraw_url not in html
    assert VOLUNTEER_AGAIN[language] in html  # still recruiting: they may come back
    assert not Volunteer.objects.filter(panel=pool_panel, user=user).exists()
    assert pool_panel.volunteers.count() == 10
    assert _withdrawals(user) == 1  # audited by the service
    # The form sent again (double click, old tab): back to the panel, told they are not in the pool.
    again = client.post(withdraw_url, HTTP_ACCEPT_LANGUAGE=language, follow=True)
    assert again.redirect_chain == [(panel_url, 302)] and messages_of(again) == [NOT_IN_POOL[language]]
    assert client.get(withdraw_url).status_code == 404


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_reserve_leaves_the_pool_after_the_draw_and_cannot_come_back(client, drawn, language):
    ranking = list(drawn.selections.get().reserves)
    reserve = Volunteer.objects.select_related("user").get(pk=int(ranking[0]))
    client.force_login(reserve.user)
    panel_url = reverse("deliberation:panel_detail", args=[drawn.pk])
    withdraw_url = reverse("deliberation:withdraw", args=[drawn.pk])

    html = _html(client, panel_url, language)
    assert STATE["reserve"][language] in html and withdraw_url in html
    html = _html(client, withdraw_url, language)
    assert {"en": "and from its reserve list", "fr": "et de sa liste de réserve"}[language] in html

    left = client.post(withdraw_url, HTTP_ACCEPT_LANGUAGE=language, follow=True)
    assert left.redirect_chain == [(panel_url, 302)] and messages_of(left) == [LEFT[language]]
    html = left.content.decode()
    assert STATE["reserve"][language] not in html and withdraw_url not in html
    assert VOLUNTEER_AGAIN[language] not in html  # drawn: the pool is closed
    assert not Volunteer.objects.filter(pk=reserve.pk).exists() and _withdrawals(reserve.user) == 1
    # The draw record is not edited: nobody seated changed.
    assert PanelMember.objects.filter(panel=drawn).count() == drawn.size


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_seated_member_is_told_how_to_leave_and_keeps_the_seat(client, drawn, facilitator, language):
    member = PanelMember.objects.filter(panel=drawn).select_related("volunteer__user").first()
    user = member.volunteer.user
    client.force_login(user)
    withdraw_url = reverse("deliberation:withdraw", args=[drawn.pk])

    html = _html(client, reverse("deliberation:panel_detail", args=[drawn.pk]), language)
    assert STATE["seated"][language] in html and withdraw_url in html
    assert BUTTON[language] not in html

    html = _html(client, withdraw_url, language)
    assert SEATED_REFUSAL[language].replace("'", "&#x27;") in html
    assert facilitator.email in html  # who to contact: the panel's facilitators
    assert 'method="post"' not in html.split("<main", 1)[1]

    # A POST anyway (an old tab, a crafted request): refused with the message, no error page.
    refused = client.post(withdraw_url, HTTP_ACCEPT_LANGUAGE=language, follow=True)
    assert refused.status_code == 200 and refused.redirect_chain == [(withdraw_url, 302)]
    assert messages_of(refused) == [SEATED_REFUSAL[language]]
    member.refresh_from_db()
    assert member.status == PanelMember.Status.ACTIVE and _withdrawals(user) == 0


def test_nobody_can_withdraw_someone_else(client, pool_panel, citizen):
    someone = citizen_in_pool(pool_panel, "male")
    withdraw_url = reverse("deliberation:withdraw", args=[pool_panel.pk])
    client.force_login(citizen)  # not in the pool
    assert client.get(withdraw_url).status_code == 404
    assert client.post(withdraw_url).status_code == 302  # back to the panel, nothing withdrawn
    client.logout()
    assert client.post(withdraw_url).status_code == 302  # to the login page
    assert Volunteer.objects.filter(panel=pool_panel, user=someone).exists() and _withdrawals(someone) == 0
    # A volunteer of another panel cannot reach this panel's pool through their own volunteering.
    other = services.create_panel(actor=pool_panel.created_by, title="Autre panel", size=4)
    services.set_panel_status(actor=pool_panel.created_by, panel=other, status=Panel.Status.RECRUITING)
    stranger = citizen_in_pool(other, "female")
    client.force_login(stranger)
    assert client.post(withdraw_url).status_code == 302
    assert pool_panel.volunteers.count() == 11 and other.volunteers.count() == 1


@pytest.mark.parametrize("language", ["en", "fr"])
def test_my_account_lists_my_panels_with_the_way_out(client, pool_panel, language):
    user = citizen_in_pool(pool_panel, "female")
    client.force_login(user)
    html = _html(client, reverse("accounts:dashboard"), language)
    assert {"en": "My citizen panels", "fr": "Mes panels citoyens"}[language] in html
    assert pool_panel.title in html and STATE["pool"][language] in html
    assert reverse("deliberation:withdraw", args=[pool_panel.pk]) in html
    services.withdraw_volunteering(user=user, panel=pool_panel)
    html = _html(client, reverse("accounts:dashboard"), language)
    assert pool_panel.title not in html
