"""The run page's "Started by" names the organiser who started an analysis as every back-office page names
staff (``accounts.roles.acted_by``): the organisers, their pseudonym in brackets, never the pseudonym
alone, which reads as a citizen's."""

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
