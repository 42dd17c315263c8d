"""On a phone (a 360 px page) a table's key figure is in sight without scrolling it sideways: the synthesis's
themes table had each theme's share in its fifth column, off to the right, and rows of about 350 px (its
list of sub-themes squeezed to a few words a line); the panel's table of votes hid its « Résultat » column
off-screen. The share comes right after the theme's name, the outcome right after the recommendation's
title; the tables keep their headers (a row's name in its <th scope="row">) for screen readers."""

import pytest
from selenium.webdriver.common.by import By

from tests.analysis.test_theme_text_language import french_synthesis

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# For the first body row of the table whose caption starts with ``arguments[0]``: the table's column
# headers, the right edge of its cell in the ``arguments[1]`` column, the row's height, the viewport, and
# the tag of its cell in the ``arguments[2]`` column (the row's header).
MEASURE = """
const table = [...document.querySelectorAll('table')]
  .find(t => t.caption && t.caption.textContent.trim().startsWith(arguments[0]));
const headers = [...table.tHead.rows[0].cells].map(c => c.textContent.trim());
const row = table.tBodies[0].rows[0];
const cell = row.cells[headers.indexOf(arguments[1])];
return {headers, right: cell.getBoundingClientRect().right, height: row.getBoundingClientRect().height,
        viewport: document.documentElement.clientWidth,
        rowHeader: row.cells[headers.indexOf(arguments[2])].tagName};
"""


@pytest.mark.parametrize(
    ("language", "themes", "share", "theme", "votes", "outcome", "recommendation"),
    [
        ("fr", "Thèmes et sous-thèmes", "Part des contributions distinctes", "Thème",
         "Recommandations soumises au vote", "Résultat", "Recommandation"),
        ("en", "Themes and sub-themes", "Share of distinct contributions", "Theme",
         "Recommendations put to the vote", "Outcome", "Recommendation"),
    ],
)  # fmt: skip
def test_the_key_figure_of_each_table_is_in_sight_at_360_px(
    browser, open_in, run_axe, followed_recommendation, language, themes, share, theme, votes, outcome,
    recommendation,
):  # fmt: skip
    consultation = french_synthesis("telephone-chiffres")  # a theme with two sub-themes
    panel = followed_recommendation.panel
    browser.set_window_size(375, 900)  # less the test browser's 15 px scrollbar: a 360 px page
    try:
        open_in(f"/analyse/{consultation.slug}/", language)
        measured = browser.execute_script(MEASURE, themes, share, theme)
        assert measured["viewport"] == 360
        assert measured["headers"].index(share) == measured["headers"].index(theme) + 1, measured
        assert measured["right"] <= measured["viewport"], measured  # the share is in sight
        assert measured["rowHeader"] == "TH"
        assert measured["height"] < 150, measured  # a few lines, not ~350 px
        assert run_axe() == []

        open_in(f"/panels/{panel.pk}/", language)
        measured = browser.execute_script(MEASURE, votes, outcome, recommendation)
        assert measured["headers"].index(outcome) == 1, measured
        assert measured["right"] <= measured["viewport"], measured  # the outcome is in sight
        assert measured["rowHeader"] == "TH"  # the recommendation names its row for screen readers
        assert browser.find_element(By.TAG_NAME, "tbody")
        assert run_axe() == []
    finally:
        browser.set_window_size(1280, 900)
