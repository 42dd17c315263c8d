"""The dashboard's CSV downloads are named in the reader's language: the French page listed
"summary.csv", "weeks.csv", "representativeness.csv", "panels.csv", "adoption.csv" (the tables' internal
keys, in English)."""

import pytest
from django.urls import reverse

from tests.analysis.conftest import published_report
from tests.conftest import with_totp

pytestmark = pytest.mark.django_db

NAMES = {
    "fr": [
        "Tous les chiffres de la page, un par ligne (CSV)",
        "Participation semaine par semaine (CSV)",
        "Qui a participé, par réponse de profil, comparé à la population française (CSV)",
        "Chiffres des panels citoyens (CSV)",
        "Taux d’adoption par source (CSV)",
    ],
    "en": [
        "Every figure of the page, one per line (CSV)",
        "Participation week by week (CSV)",
        "Who took part, by profile answer, compared with the French population (CSV)",
        "Citizen panels’ figures (CSV)",
        "Adoption rate by source (CSV)",
    ],
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_csv_downloads_are_named_in_the_readers_language(client, organiser, language):
    consultation = published_report("telechargements-kpi", 4)
    client.force_login(with_totp(organiser))
    client.cookies["django_language"] = language
    page = client.get(reverse("analysis:consultation_dashboard", args=[consultation.slug])).content.decode()
    downloads = page[page.index('id="downloads"') :]
    tables = ("summary", "weeks", "representativeness", "panels", "adoption")
    for table, name in zip(tables, NAMES[language], strict=True):
        url = reverse("analysis:consultation_dashboard_csv", args=[consultation.slug, table])
        assert f'href="{url}" download>{name}</a>' in downloads
    assert ">summary.csv<" not in page
