from accounts.services import erase_account, export_personal_data
from deliberation import services
from deliberation.models import PanelMember, Volunteer

from .conftest import seat


def test_export_and_erasure_of_panel_data(panel, recommendation, organiser):
    member = seat(panel)
    person = member.volunteer.user
    Volunteer.objects.filter(pk=member.volunteer_id).update(
        strata={"gender": "female"}, contact="0601020304", name="Camille Martin"
    )
    services.propose_amendment(user=person, recommendation=recommendation, text="Texte amendé.")
    PanelMember.objects.filter(pk=member.pk).update(status="dropped", drop_reason="Raisons de santé")
    exported = export_personal_data(person)["citizen_panels"]
    assert exported["volunteerings"][0]["panel"] == panel.title
    assert exported["amendments"][0]["text"] == "Texte amendé."
    assert exported["volunteerings"][0]["name_given"] == "Camille Martin"
    assert exported["volunteerings"][0]["seats"][0]["reason_for_leaving"] == "Raisons de santé"
    erase_account(user=person, keep_contributions=False)
    volunteer = Volunteer.objects.get(pk=member.volunteer_id)
    # The seat stays (the panel's composition is a public record) but no longer points at the person.
    assert volunteer.user is None and volunteer.contact == "" and volunteer.name == ""
    assert PanelMember.objects.get(pk=member.pk).drop_reason == ""
    assert not recommendation.amendments.exists()


def test_facilitator_export_lists_the_panels_they_run_and_erasure_ends_the_assignment(panel, facilitator):
    assert export_personal_data(facilitator)["citizen_panels"]["panels_run"][0]["panel"] == panel.title
    erase_account(user=facilitator, keep_contributions=True)
    assert not panel.facilitators.exists()
