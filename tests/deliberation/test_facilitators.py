"""Per-panel facilitators: organisers assign who runs a panel; a facilitator runs only those panels."""

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import AuditEvent
from deliberation import rules, selectors, services
from deliberation.models import AgendaItem, Attendance, Panel, PanelFacilitator, Session
from tests.conftest import with_totp
from tests.factories import UserFactory

from .conftest import seat


@pytest.fixture
def outsider(db):
    """A facilitator who is not assigned to the `panel` fixture."""
    return with_totp(UserFactory(roles=["citizen", "facilitator"]))


def test_only_assigned_facilitators_and_organisers_run_a_panel(
    panel, facilitator, outsider, organiser, citizen
):
    from django.contrib.auth.models import AnonymousUser

    other = services.create_panel(actor=organiser, title="Panel sans animateur", size=4)
    expected = {
        # person: (runs `panel`, runs `other`)
        "assigned facilitator": (facilitator, True, False),
        "unassigned facilitator": (outsider, False, False),
        "organiser": (organiser, True, True),
        "citizen": (citizen, False, False),
        "anonymous": (AnonymousUser(), False, False),
    }
    for name, (user, runs_panel, runs_other) in expected.items():
        assert (rules.can_run_panel(user, panel), rules.can_run_panel(user, other)) == (
            runs_panel,
            runs_other,
        ), name
        # The list a person sees agrees with the rule.
        listed = set(selectors.panels_run_by(user))
        assert listed == {p for p, runs in ((panel, runs_panel), (other, runs_other)) if runs}, name


def test_a_facilitator_who_loses_the_role_no_longer_runs_the_panel(panel, facilitator, organiser):
    from django.contrib.auth.models import Group

    facilitator.groups.remove(Group.objects.get(name="facilitator"))
    facilitator = type(facilitator).objects.get(pk=facilitator.pk)  # roles are read once per object
    assert not rules.can_run_panel(facilitator, panel)
    assert list(selectors.panels_run_by(facilitator)) == []


def test_services_refuse_an_unassigned_facilitator_and_save_nothing(panel, session, outsider):
    with pytest.raises(PermissionDenied):
        services.schedule_session(
            actor=outsider, panel=panel, title="Séance pirate", starts_at=timezone.now(), place="Nantes"
        )
    with pytest.raises(PermissionDenied):
        services.add_agenda_item(
            actor=outsider, session=session, title="X", kind="plenary", duration_minutes=5
        )
    assert panel.sessions.count() == 1 and not AgendaItem.objects.exists()


@pytest.fixture
def running_panel(panel, session, recommendation, organiser, facilitator):
    """A panel with a seated member, a proposed amendment, a document: everything a facilitator acts on."""
    member = seat(panel)
    services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.DELIBERATING)
    amendment = services.propose_amendment(
        user=member.volunteer.user, recommendation=recommendation, text="Registre en ligne et papier."
    )
    document = services.upload_document(
        actor=facilitator, panel=panel, title="Note", file=SimpleUploadedFile("note.txt", b"Note.")
    )
    return {"member": member, "amendment": amendment, "document": document}


def test_unassigned_facilitator_gets_403_everywhere_and_changes_nothing(
    client, settings, tmp_path, panel, session, recommendation, outsider, running_panel
):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(outsider)
    member, amendment = running_panel["member"], running_panel["amendment"]
    pages = [
        reverse("deliberation:facilitate", args=[panel.pk]),
        reverse("deliberation:console", args=[session.pk]),
        reverse("deliberation:member_space", args=[panel.pk]),
        reverse("deliberation:document", args=[running_panel["document"].pk]),
    ]
    for url in pages:
        assert client.get(url).status_code == 403, url
    actions = [
        ("schedule_session", panel.pk, {"title": "S", "starts_at": "2030-01-01T10:00", "place": "Nantes"}),
        ("upload_document", panel.pk, {"title": "Doc", "file": SimpleUploadedFile("d.txt", b"d")}),
        ("create_recommendation", panel.pk, {"session": session.pk, "title": "T", "text": "Texte"}),
        ("move_agenda", session.pk, {"direction": "next"}),
        ("add_agenda_item", session.pk, {"title": "Vote", "kind": "vote", "duration_minutes": 10}),
        ("check_in", session.pk, {"member": member.pk}),
        ("save_minutes", session.pk, {"minutes": "Compte rendu pirate"}),
        ("decide_amendment", amendment.pk, {"decision": "accept", "reason": ""}),
        ("open_vote", recommendation.pk, {"session": session.pk}),
        ("close_vote", recommendation.pk, {}),
        ("replace_member", member.pk, {}),
    ]
    for name, pk, data in actions:
        assert client.post(reverse(f"deliberation:{name}", args=[pk]), data).status_code == 403, name
    session.refresh_from_db()
    recommendation.refresh_from_db()
    amendment.refresh_from_db()
    member.refresh_from_db()
    assert Session.objects.filter(panel=panel).count() == 1 and session.minutes == ""
    assert panel.recommendations.count() == 1 and panel.documents.count() == 1
    assert not Attendance.objects.filter(member=member).exists()
    assert (recommendation.status, amendment.status, member.status) == ("draft", "proposed", "active")
    # The panel is public, so it is in the list of panels, but not among the panels they run.
    html = client.get(reverse("deliberation:panel_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Panels you run" in html and f"Facilitate: {panel.title}" not in html
    assert reverse("deliberation:facilitate", args=[panel.pk]) not in html
    detail = client.get(reverse("deliberation:panel_detail", args=[panel.pk])).content.decode()
    assert reverse("deliberation:facilitate", args=[panel.pk]) not in detail


def test_assigned_facilitator_runs_the_panel_from_the_pages(
    client, panel, session, recommendation, facilitator, running_panel
):
    client.force_login(with_totp(facilitator))
    html = client.get(reverse("deliberation:panel_list"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert f"Facilitate: {panel.title}" in html
    assert client.get(reverse("deliberation:facilitate", args=[panel.pk])).status_code == 200
    assert client.get(reverse("deliberation:console", args=[session.pk])).status_code == 200
    client.post(reverse("deliberation:check_in", args=[session.pk]), {"member": running_panel["member"].pk})
    client.post(
        reverse("deliberation:decide_amendment", args=[running_panel["amendment"].pk]),
        {"decision": "accept", "reason": ""},
    )
    client.post(reverse("deliberation:open_vote", args=[recommendation.pk]), {"session": session.pk})
    recommendation.refresh_from_db()
    assert Attendance.objects.filter(member=running_panel["member"], session=session).exists()
    assert recommendation.status == "voting" and recommendation.text == "Registre en ligne et papier."


def test_draft_panel_is_visible_to_its_facilitators_only(client, panel, facilitator, outsider):
    url = reverse("deliberation:panel_detail", args=[panel.pk])
    client.force_login(with_totp(facilitator))
    assert client.get(url).status_code == 200
    client.force_login(outsider)
    refused = client.get(url)  # a draft does not exist for those who cannot see it
    assert refused.status_code == 404 and panel.title not in refused.content.decode()
    assert panel.title not in client.get(reverse("deliberation:panel_list")).content.decode()


def test_organiser_assigns_and_unassigns_from_the_management_page(client, organiser, outsider):
    panel = services.create_panel(actor=organiser, title="Panel à confier", size=4)
    client.force_login(with_totp(organiser))
    manage = reverse("deliberation:manage", args=[panel.pk])
    html = client.get(manage, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "only organisers can run it" in html and outsider.email in html  # offered in the list
    response = client.post(
        reverse("deliberation:assign_facilitator", args=[panel.pk]),
        {"facilitator": outsider.pk},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()
    assert "now runs this panel" in html and "only organisers can run it" not in html
    assert list(panel.facilitators.all()) == [outsider]
    event = AuditEvent.objects.get(action="panel.facilitator_assigned")
    assert (event.actor_id, event.object_id, event.details) == (
        organiser.pk,
        str(panel.pk),
        {"facilitator": outsider.pk},
    )
    client.force_login(outsider)
    assert client.get(reverse("deliberation:facilitate", args=[panel.pk])).status_code == 200

    client.force_login(organiser)
    response = client.post(
        reverse("deliberation:unassign_facilitator", args=[panel.pk, outsider.pk]),
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "no longer runs this panel" in response.content.decode()
    assert not PanelFacilitator.objects.exists()
    event = AuditEvent.objects.get(action="panel.facilitator_unassigned")
    assert (event.actor_id, event.details) == (organiser.pk, {"facilitator": outsider.pk})
    client.force_login(outsider)
    assert client.get(reverse("deliberation:facilitate", args=[panel.pk])).status_code == 403


def test_assignment_refusals_are_clear(client, panel, organiser, facilitator, citizen, outsider):
    with pytest.raises(services.DeliberationError, match="does not have the facilitator role"):
        services.assign_facilitator(actor=organiser, panel=panel, user=citizen)
    with pytest.raises(services.DeliberationError, match="already runs this panel"):
        services.assign_facilitator(actor=organiser, panel=panel, user=facilitator)
    with pytest.raises(services.DeliberationError, match="does not run this panel"):
        services.unassign_facilitator(actor=organiser, panel=panel, user=outsider)
    with pytest.raises(PermissionDenied):
        services.assign_facilitator(actor=facilitator, panel=panel, user=outsider)
    # From the page: a person who is not a facilitator is not a valid choice; a facilitator cannot assign.
    client.force_login(with_totp(organiser))
    response = client.post(
        reverse("deliberation:assign_facilitator", args=[panel.pk]),
        {"facilitator": citizen.pk},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    client.force_login(outsider)
    url = reverse("deliberation:assign_facilitator", args=[panel.pk])
    assert client.post(url, {"facilitator": outsider.pk}).status_code == 403
    assert list(panel.facilitators.all()) == [facilitator]
    assert AuditEvent.objects.filter(action="panel.facilitator_assigned").count() == 1
