"""The public page telling how a consultation was run: phases, moderation, panels, synthesis, open data,
audit chain; nobody's identity on it."""

import hashlib
import html

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from accounts.audit import record_event
from accounts.models import AuditEvent
from analysis import services as analysis_services
from analysis.models import Contribution, PipelineRun, SynthesisVersion, Theme
from analysis.synthesis import initial_data
from consultation.models import OpenDataExport, PhaseChange, Proposal
from deliberation import models as d
from tests.factories import UserFactory
from tests.helpers import make_consultation

ARCHIVE = b"PK\x05\x06" + b"\0" * 18


@pytest.fixture
def run_consultation(db):
    organiser = UserFactory(roles=["citizen", "organiser"])
    organiser.pseudonym = "Organisatrice-Secrete"
    organiser.save()
    consultation = make_consultation("transparente", phase="closed")
    PhaseChange.objects.create(
        consultation=consultation, from_phase="closed", to_phase="open", actor=organiser
    )
    for reason, n in (("Propos injurieux", 3), ("Hors sujet", 1)):
        for i in range(n):
            Proposal.objects.create(
                consultation=consultation, text=f"Texte {reason} {i}", author_key=f"import:{reason}{i}",
                status=Proposal.Status.HIDDEN, hide_reason=reason,
            )  # fmt: skip
    Proposal.objects.create(consultation=consultation, text="En attente", status=Proposal.Status.PENDING)
    run = PipelineRun.objects.create(
        consultation=consultation, status=PipelineRun.Status.DONE, model_id="tfidf-char-3-5",
        params={"backend": "tfidf", "seed": 7, "k": None, "model": "/srv/models/secret-path"},
        k_selection={"k": 2, "method": "silhouette"}, n_contributions=3, n_distinct=3, input_hash="ab" * 32,
    )  # fmt: skip
    theme = Theme.objects.create(run=run, number=0, label="Consentement", keywords=["consentement"])
    for position in range(3):
        Contribution.objects.create(
            run=run, position=position, source_type="answer", source_id=position + 1, text="Texte.",
            text_hash=f"{position:064x}", theme=theme, health_flag=position == 0, duplicate_group=position,
        )  # fmt: skip
    data = initial_data(run)
    data["themes"][0]["hidden"] = True  # as the organisers' "hide" edit leaves it
    version = SynthesisVersion.objects.create(run=run, number=1, action="pipeline", data=data)
    analysis_services.publish_version(actor=None, version=version)
    panel = d.Panel.objects.create(
        title="Panel des données", status="deliberating", consultation=consultation
    )
    d.Selection.objects.create(panel=panel, seed="s", algorithm="maximin", status="done")
    export = OpenDataExport.objects.create(
        consultation=consultation, state="done", finished_at=timezone.now()
    )
    export.file.save("archive.zip", ContentFile(ARCHIVE))
    record_event(actor=organiser, action="test.event", obj=consultation)
    return consultation


def _page(client, slug="transparente") -> str:
    response = client.get(reverse("analysis:transparency", args=[slug]))
    assert response.status_code == 200
    return html.unescape(response.content.decode())


def test_the_page_tells_how_the_consultation_was_run(run_consultation, client):
    page = _page(client)
    assert "Changements de phase" in page and "Ouverte" in page and "Clôturée" in page
    assert "Propos injurieux</td><td>3" in page and "Hors sujet</td><td>1" in page
    assert "1 proposition en attente d’un modérateur" in page
    assert "1 contribution n’est pas citée" in page  # the health disclosure
    assert "1 thème masqué par les organisateurs" in page
    assert reverse("deliberation:selection_report", args=[run_consultation.panels.get().pk]) in page
    assert "tfidf-char-3-5" in page and "ab" * 32 in page
    assert hashlib.sha256(ARCHIVE).hexdigest() in page
    assert "Chaîne d’audit intacte" in page
    latest = AuditEvent.objects.order_by("-id").first()
    assert latest.hash in page


def test_nobody_is_named_and_no_server_path_is_shown(run_consultation, client):
    page = _page(client)
    assert "Organisatrice-Secrete" not in page
    assert "/srv/models" not in page


def test_a_broken_audit_chain_shows_as_broken(run_consultation, client):
    AuditEvent.objects.filter(pk=AuditEvent.objects.order_by("id").first().pk).update(action="forged")
    page = _page(client)
    assert "Chaîne d’audit rompue" in page


def test_a_draft_consultation_has_no_transparency_page_for_the_public(db, client):
    make_consultation("brouillon", phase="draft")
    assert client.get(reverse("analysis:transparency", args=["brouillon"])).status_code == 404


def test_the_consultation_page_links_to_it_and_organisers_to_the_dashboard(run_consultation, client):
    detail = reverse("consultation:detail", args=["transparente"])
    page = client.get(detail).content.decode()
    assert reverse("analysis:transparency", args=["transparente"]) in page
    assert reverse("analysis:consultation_dashboard", args=["transparente"]) not in page
