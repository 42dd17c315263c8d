"""The run page's "Started by" names the organiser who started an analysis as every back-office page names
staff (``accounts.roles.acted_by``): the organisers, their pseudonym in brackets, never the pseudonym
alone, which reads as a citizen's."""

import re

import pytest
from django.urls import reverse

from analysis import services

STARTED_BY = {"fr": "Lancée par", "en": "Started by"}
ORGANISERS = {"fr": "Les organisateurs", "en": "The organisers"}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_run_page_names_the_organiser_by_role(consultation, organiser, organiser_client, language):
    run = services.start_run(consultation=consultation, actor=organiser, enqueue=False)
    page = organiser_client.get(reverse("analysis:run", args=[run.pk]), HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200
    html = page.content.decode()
    started = next(row for row in _rows(html) if row[0] == STARTED_BY[language])
    assert started[1].startswith(f"{ORGANISERS[language]} ({organiser.pseudonym}), ")


def _rows(html):
    import re

    return [
        (re.sub(r"\s+", " ", header).strip(), re.sub(r"<[^>]+>", "", cell).strip())
        for header, cell in re.findall(r'<th scope="row">(.*?)</th><td>(.*?)</td>', html, flags=re.S)
    ]


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_runs_list_and_the_charters_versions_name_staff_by_role(
    consultation, organiser, organiser_client, language
):
    """The other back-office lists of who did what: the analyses of a consultation and the charter's
    versions. A bare pseudonym there read as a citizen's."""
    from consultation import services as consultation_services

    services.start_run(consultation=consultation, actor=organiser, enqueue=False)
    consultation_services.update_charter(
        actor=organiser, consultation=consultation, text_fr="Charte révisée.", text_en="Revised charter."
    )
    named = f"{ORGANISERS[language]} ({organiser.pseudonym})"
    for address in (
        reverse("analysis:runs", args=[consultation.slug]),
        reverse("consultation:charter", args=[consultation.slug]),
    ):
        html = organiser_client.get(address, HTTP_ACCEPT_LANGUAGE=language).content.decode()
        cells = [c.strip() for c in re.findall(r"<td>([^<]*)</td>", html)]
        assert named in cells, address
        assert organiser.pseudonym not in [c for c in cells if c != named], address
