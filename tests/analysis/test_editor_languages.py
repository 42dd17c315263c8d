"""The synthesis editor quotes the citizens' texts it finds: each is marked with the language its proposal
was written in (WCAG 3.1.2, RGAA 8.7), so an organiser's screen reader reads an English proposal on the
French editor in English."""

import pytest
from django.urls import reverse

from analysis.models import PipelineRun
from consultation.models import Proposal
from tests.analysis.conftest import published_report
from tests.html_parts import language_of_text

pytestmark = pytest.mark.django_db


def test_the_editor_marks_the_texts_it_finds_in_their_language(organiser_client):
    consultation = published_report("editeur-langues", 6)
    english = "Proposition numéro 1 sur les données."
    Proposal.objects.filter(consultation=consultation, text=english).update(language="en")
    run = PipelineRun.objects.get(consultation=consultation)
    organiser_client.cookies["django_language"] = "fr"
    address = reverse("analysis:editor", args=[run.pk])
    page = organiser_client.get(address, {"q": "Proposition"}).content.decode()
    assert '<html lang="fr"' in page
    assert language_of_text(page, english) == "en"
    assert language_of_text(page, "Proposition numéro 2 sur les données.") == "fr"  # unknown: the page's
