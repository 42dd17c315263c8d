"""On the French synthesis page, a theme's title and summary built from citizens' words (who type the
keyboard's l'accès) use the interface's typographic apostrophe (l’accès): applied once, where every
producer's titles are stored (analysis.runs.save_result, analysis.pipeline.typography). The quotes stay
as the citizens wrote them."""

import re

import pytest
from django.urls import reverse

from analysis import services
from analysis.models import PipelineRun
from tests.analysis.conftest import add_proposals

pytestmark = [pytest.mark.django_db, pytest.mark.model]  # runs the pipeline

STRAIGHT = re.compile(r"(?<=[^\W\d_])'(?=[^\W\d_])")

ORGANS = [
    "Le don d'organes devrait être automatique pour tous les adultes, sauf refus exprès.",
    "Informer chaque famille sur le don d'organes avant qu'un drame n'arrive.",
    "Le don d'organes sauve des vies : il faut en parler au lycée.",
    "Un registre du don d'organes simple, consultable en ligne par chacun.",
    "Le don d'organes doit rester gratuit et anonyme, c'est essentiel.",
    "Créer une journée nationale du don d'organes dans les hôpitaux.",
    "Former les médecins à parler du don d'organes avec les proches.",
    "Le don d'organes manque de moyens dans les hôpitaux de région.",
]
ACCESS = [
    "Il faut garantir l'accès aux soins dans les campagnes, c'est une priorité absolue.",
    "L'accès aux soins recule dans les villages : plus aucun médecin à moins d'une heure.",
    "Améliorer l'accès aux soins des personnes âgées qui vivent seules à la campagne.",
    "L'accès aux soins doit être le même partout, en ville comme à la campagne.",
    "Des maisons de santé pour l'accès aux soins dans chaque canton rural.",
    "Rembourser le transport pour l'accès aux soins des patients éloignés.",
    "L'accès aux soins passe par plus de médecins installés à la campagne.",
    "Faciliter l'accès aux soins avec des consultations à distance dans les campagnes.",
]


def test_french_theme_titles_and_summaries_use_the_typographic_apostrophe(
    consultation, client, django_capture_on_commit_callbacks
):
    add_proposals(consultation, [text for pair in zip(ORGANS, ACCESS, strict=True) for text in pair])
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_run(consultation=consultation, chunk_size=10, k=2)
    run.refresh_from_db()
    assert run.status == PipelineRun.Status.DONE, run.error_detail
    themes = list(run.themes.filter(number__gte=0))
    written = [t.label for t in themes] + [t.summary for t in themes]
    assert not [text for text in written if STRAIGHT.search(text)], written
    assert any("’" in text for text in written), written
    quotes = [q["text"] for t in themes for q in t.quotes]
    assert any("'" in q for q in quotes)  # the citizens' words, quoted as written

    services.publish_version(actor=None, version=run.versions.get())
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("analysis:report", args=[consultation.slug])).content.decode()
    shown = [t.label for t in themes if "’" in t.label] or [t.summary for t in themes if "’" in t.summary]
    assert shown[0].replace("’", "&#x27;") not in page and shown[0] in page
