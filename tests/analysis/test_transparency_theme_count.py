"""The transparency page says the number of themes once: it read "Nombre de thèmes : 10 — 10 thèmes : le
plus petit nombre…", the figure before an explanation that starts with it."""

import pytest
from django.urls import reverse

from analysis.models import PipelineRun
from tests.analysis.conftest import published_report

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "said", "twice"),
    [
        ("fr", "3 thèmes, comme fixé par l", "3 — 3 thèmes"),
        ("en", "3 themes, as set by the organiser.", "3 — 3 themes"),
    ],
)
def test_the_number_of_themes_is_said_once(client, language, said, twice):
    consultation = published_report("nombre-de-themes", 4)
    PipelineRun.objects.filter(consultation=consultation).update(k_selection={"method": "override", "k": 3})
    client.cookies["django_language"] = language
    page = client.get(reverse("analysis:transparency", args=[consultation.slug])).content.decode()
    assert said in page
    assert twice not in page
