"""An English page of a consultation with no English title, as Chromium renders it: the French title and
context are in elements with lang="fr" (WCAG 3.1.2), and the page passes axe (valid-lang included)."""

import pytest
from selenium.webdriver.common.by import By

from tests.helpers import make_consultation

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "Don de données de santé"


def test_an_english_page_marks_the_french_title_and_passes_axe(browser, open_in, run_axe, console_errors):
    make_consultation("sante", title_fr=TITLE, title_en="", context_fr="Faut-il donner ?")
    for path in ("/consultations/sante/", "/consultations/", "/"):
        open_in(path, "en")
        assert (path, run_axe()) == (path, [])
        assert (path, console_errors()) == (path, [])
        marked = browser.find_elements(By.XPATH, f"//main//*[@lang='fr'][contains(., '{TITLE}')]")
        assert (path, len(marked)) == (path, 1)
