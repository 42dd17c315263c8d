"""An organiser asks for theme shares corrected for who took part: contributors are re-weighted (raked) to
the French adult population, from the strata they gave, and the public report shows both shares."""

import re

import pytest
from django.urls import reverse

from analysis import services
from analysis.models import Contribution, PipelineRun
from deliberation.strata import population_margins

from .conftest import add_proposals

pytestmark = [pytest.mark.django_db, pytest.mark.model]  # each test runs the pipeline

CORRECTED = {
    "en": "Share corrected for who took part",
    "fr": "Part corrigée selon le profil des participants",
}


def _shares(html: str) -> dict[str, tuple[int, int]]:
    """Theme label -> (raw share %, corrected share %) from the report's table of themes (right after
    the theme's name, where a phone shows them without scrolling)."""
    rows = re.findall(
        r'<tr><td>\d+</td><th scope="row"><a href="#theme-[^"]+"(?: lang="[^"]+")?>([^<]+)</a>[^\n]*?</th>'
        r"<td>(\d+)[^<]*</td><td>(\d+)",
        html,
    )
    return {label: (int(raw), int(corrected)) for label, raw, corrected in rows}


def test_a_theme_raised_by_an_under_represented_group_weighs_more_once_corrected(
    consultation, ccc_sample, organiser_client, client, django_capture_on_commit_callbacks
):
    # Food proposals come from women, housing and transport from men: women are a third of contributors,
    # against 52 % of French adults.
    strata = [{"gender": "female" if row["theme_key"] == "SE_NOURRIR" else "male"} for row in ccc_sample]
    add_proposals(consultation, [row["proposal"] for row in ccc_sample], source="import", strata=strata)
    start = organiser_client.get(reverse("analysis:runs", args=[consultation.slug])).content.decode()
    assert re.search(r'<input[^>]*name="reweight"[^>]*checked', start)  # on unless the organiser says no

    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(reverse("analysis:runs", args=[consultation.slug]), {"k": 3, "reweight": "on"})
    run = PipelineRun.objects.get()
    assert run.status == PipelineRun.Status.DONE, run.error_detail
    assert run.params["reference_margins"] == population_margins()
    services.publish_version(actor=None, version=run.versions.get())

    for language in ("en", "fr"):
        html = client.get(
            reverse("analysis:report", args=[consultation.slug]), HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
        assert CORRECTED[language] in html
        shares = _shares(html)
        assert len(shares) == 3
        # The theme with the most food proposals, mostly women's, grows; the two others shrink.
        food = max(run.themes.filter(parent__isnull=True, number__gte=0), key=_women_in)
        raw, corrected = shares[food.label]
        assert corrected > raw
        assert all(c < r for label, (r, c) in shares.items() if label != food.label)
        assert abs(sum(c for _r, c in shares.values()) - 100) <= 2  # rounding of three percentages

    # The run page says which profile questions nobody answered, by their names on the profile page.
    organiser_client.cookies["django_language"] = "fr"
    page = organiser_client.get(reverse("analysis:run", args=[run.pk])).content.decode()
    assert "tranche d’âge\u00a0: aucun contributeur n’a répondu à cette question" in page.replace(
        "&#x27;", "’"
    )
    # The run page's form to analyse again keeps the choice; a run without it shows one share only.
    assert re.search(r'<input[^>]*name="reweight"[^>]*checked', page)
    with django_capture_on_commit_callbacks(execute=True):
        organiser_client.post(reverse("analysis:runs", args=[consultation.slug]), {"k": 3})
    plain = PipelineRun.objects.exclude(pk=run.pk).get()
    assert "reference_margins" not in plain.params
    services.publish_version(actor=None, version=plain.versions.get())
    html = client.get(reverse("analysis:report", args=[consultation.slug]), HTTP_ACCEPT_LANGUAGE="en")
    assert CORRECTED["en"] not in html.content.decode()


def _women_in(theme) -> int:
    return sum(c.strata.get("gender") == "female" for c in Contribution.objects.filter(theme=theme))
