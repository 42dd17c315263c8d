"""Who moved a consultation's phase, as each reader sees it: the public transparency page names an
organiser's move by the role ("Les organisateurs"), the platform's by the platform and why, never the
organiser's pseudonym (which would tie them to what they wrote as a citizen under it), name or e-mail, and
neither does any other public page or export; the organisers' own page adds the pseudonym, the name the
audit console knows them by (with their role there too). One presenter says it for both
(consultation.presenters.moved_by)."""

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from consultation import opendata, tasks
from consultation.models import Consultation
from tests.conftest import with_totp
from tests.factories import UserFactory
from tests.helpers import make_consultation
from tests.html_parts import audit_console, table_rows

TEAM = {"fr": "Les organisateurs", "en": "The organisers"}
PLATFORM = {"fr": "La plateforme (heure de clôture atteinte)", "en": "The platform (closing time reached)"}
PHASES = {"fr": ("Brouillon", "Ouverte", "Clôturée"), "en": ("Draft", "Open", "Closed")}


@pytest.fixture
def moved(client, db):
    """A consultation an organiser with a name and an e-mail opened from their page, then closed by the
    platform at its closing time."""
    organiser = with_totp(
        UserFactory(
            roles=["citizen", "organiser"],
            email="camille.durand@ministere.example",
            first_name="Camille",
            last_name="Durand",
        )
    )
    consultation = make_consultation(
        "par-qui", phase="draft", closes_at=timezone.now() + dt.timedelta(hours=1)
    )
    client.force_login(organiser)
    client.post(
        reverse("consultation:change_phase", args=[consultation.slug]), {"phase": "open", "understood": "yes"}
    )
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=timezone.now() - dt.timedelta(minutes=1))
    assert tasks.close_due() == {"closed": ["par-qui"]}
    client.logout()
    return consultation, organiser


def _by_column(client, url: str, language: str) -> list[tuple[str, str, str]]:
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    return [
        tuple(cell["text"] for cell in row[1:]) for row in table_rows(page.content.decode(), "phase-history")
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_public_reads_the_organisers_role_and_the_platforms_reason(client, moved, language):
    consultation, organiser = moved
    draft, opened, closed = PHASES[language]
    url = reverse("analysis:transparency", args=[consultation.slug])
    assert _by_column(client, url, language) == [
        (draft, opened, TEAM[language]),
        (opened, closed, PLATFORM[language]),
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_organisers_page_adds_the_pseudonym(client, moved, language):
    consultation, organiser = moved
    client.force_login(organiser)
    url = reverse("consultation:manage", args=[consultation.slug])
    (opened_by,), (closed_by,) = ([by] for *_, by in _by_column(client, url, language))
    assert opened_by == f"{TEAM[language]} ({organiser.pseudonym})"
    assert closed_by == PLATFORM[language]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_audit_console_names_the_organiser_as_the_organisers_page_does(client, moved, language):
    consultation, organiser = moved
    client.force_login(organiser)
    actors = [row["actor"] for row in audit_console(client, language) if row["code"] == "consultation.phase"]
    assert actors == [PLATFORM[language], f"{TEAM[language]} ({organiser.pseudonym})"]  # newest first


def test_no_public_page_or_export_names_the_organiser(client, moved):
    consultation, organiser = moved
    texts = {}
    for language in ("fr", "en"):
        for name in ("analysis:transparency", "consultation:detail", "api-consultation"):
            response = client.get(reverse(name, args=[consultation.slug]), HTTP_ACCEPT_LANGUAGE=language)
            assert response.status_code == 200, name
            texts[f"{name} {language}"] = response.content.decode()
    archive = zipfile.ZipFile(io.BytesIO(opendata.build_archive(consultation)))
    texts.update({name: archive.read(name).decode() for name in archive.namelist()})
    assert TEAM["fr"] in texts["analysis:transparency fr"]  # the move is there, by its role
    for secret in (organiser.pseudonym, organiser.email, "camille.durand", "Camille", "Durand"):
        assert not [where for where, text in texts.items() if secret in text], secret
