"""A change made in the Django admin is recorded with the staff member who made it: the audit console
names them (as every back-office page names staff) instead of "The platform (reason not recorded)"."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import AuditEvent
from deliberation import services
from deliberation.models import Document
from tests.conftest import with_totp
from tests.factories import UserFactory
from tests.helpers import make_consultation
from tests.html_parts import audit_console


@pytest.fixture
def staff(db):
    """The first organiser, made with createsuperuser and given the organisers' role."""
    return with_totp(UserFactory(is_staff=True, is_superuser=True, roles=["citizen", "organiser"]))


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_consultation_edited_in_the_admin_names_who_edited_it(client, staff, language):
    consultation = make_consultation()
    client.force_login(staff)
    form = {
        "title_fr": "Nouveau titre",
        "title_en": consultation.title_en,
        "moderation": "post",
        "proposals_allowed": "on",
        "max_proposal_length": "1000",
    }
    address = reverse("admin:consultation_consultation_change", args=[consultation.pk])
    assert client.post(address, form).status_code == 302
    event = AuditEvent.objects.filter(action="consultation.updated").latest("id")
    assert (event.actor_id, event.actor_role, event.details["via"]) == (staff.pk, "organiser", "admin")
    rows = audit_console(client, language, type="consultation.updated")
    team = {"fr": "Les organisateurs", "en": "The organisers"}[language]
    assert [row["actor"] for row in rows] == [f"{team} ({staff.pseudonym})"]


def test_a_document_deleted_in_the_admin_names_who_deleted_it(client, staff, session, facilitator):
    """Sessions, their agenda and the volunteers are read-only there (WrittenByServicesAdmin); a panel's
    document can still be deleted by staff, and the console says who did."""
    document = services.upload_document(
        actor=facilitator,
        panel=session.panel,
        title="Dossier du participant",
        file=SimpleUploadedFile("dossier.pdf", b"%PDF-1.4 dossier", content_type="application/pdf"),
    )
    client.force_login(staff)
    address = reverse("admin:deliberation_document_delete", args=[document.pk])
    assert client.post(address, {"post": "yes"}).status_code == 302
    assert not Document.objects.filter(pk=document.pk).exists()
    rows = audit_console(client, "en", type="admin.deleted")
    assert [(row["actor"], row["object"]) for row in rows] == [
        (f"The organisers ({staff.pseudonym})", f"Document no. {document.pk}")
    ]
