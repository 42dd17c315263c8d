"""The synthesis overview accounts for every row of its table: it read "454 contributions regroupées en 10
thèmes" above a table of 11 rows, the last being "Autres contributions". It now says how many of them fit no
theme and where they are."""

import pytest
from django.urls import reverse

from analysis.models import Theme
from tests.analysis.conftest import published_report
from tests.consultation.test_answer_page_fixes import _make_catch_all

pytestmark = pytest.mark.django_db

SENTENCE = {
    "fr": "Parmi elles, 3 n’entrent dans aucun thème : elles sont regroupées en dernier, "
    "sous « Autres contributions ».",
    "en": "Among them, 3 fit no theme: they are listed last, under “Other contributions”.",
}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_overview_says_how_many_contributions_fit_no_theme(client, language):
    consultation = published_report("autres", 6)
    client.cookies["django_language"] = language
    url = reverse("analysis:report", args=[consultation.slug])
    assert "Other contributions" not in client.get(url).content.decode()  # no such group: nothing said
    _make_catch_all(consultation, Theme.objects.get(run__consultation=consultation, label="Logement"))
    page = client.get(url).content.decode()
    expected = SENTENCE[language]
    if language == "fr":
        expected = expected.replace(" :", "\u00a0:").replace("« ", "«\u00a0").replace(" »", "\u00a0»")
    assert expected in page
