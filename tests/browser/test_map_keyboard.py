"""Each map of the synthesis (the contributions' and the opinion groups') is one tab stop, as accessible
chart guidance asks: the drawing, an image named by the map's label and described by its caption and its
table alternative. Its points are no tab stops (a keyboard user tabbed through hundreds of them, and a
screen reader read "Participant in group 2Participant in group 1…"); once the map has the focus, the
arrow keys walk its points and the line under the map names the one reached. Measured by pressing Tab
through the page as a keyboard user does, in French and English, axe-core checking the page."""

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from tests.analysis.conftest import published_report

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Where the focus is: the map (its <svg>) it belongs to, or "" outside every map's drawing.
FOCUS_IN_MAP = """
const active = document.activeElement;
const svg = active && active.closest ? active.closest('svg.pacte-map__svg') : null;
return svg ? (svg === active ? svg.id : svg.id + ' (inside)') : '';
"""


def tab_stops_per_map(browser, limit: int = 400) -> dict[str, int]:
    """Press Tab from the top of the page to its end; how many stops fell on each map's drawing."""
    browser.execute_script("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0);")
    body = browser.find_element(By.TAG_NAME, "body")
    body.send_keys(Keys.TAB)
    stops: dict[str, int] = {}
    seen = []
    for _ in range(limit):
        where = browser.execute_script(FOCUS_IN_MAP)
        if where:
            stops[where] = stops.get(where, 0) + 1
        current = browser.switch_to.active_element
        if seen and current == seen[0]:
            break  # back to the first stop: the whole page was walked
        seen.append(current)
        current.send_keys(Keys.TAB)
    return stops


@pytest.mark.parametrize("language", ["fr", "en"])
def test_each_map_is_one_tab_stop_whose_points_the_arrow_keys_walk(browser, open_in, run_axe, language):
    consultation = published_report("carte-clavier", 60)
    open_in(f"/analyse/{consultation.slug}/", language)
    drawn = browser.execute_script(
        "return document.querySelectorAll('#contributions-map .pacte-map__point').length"
    )
    assert drawn == 60
    maps = browser.execute_script(
        "return [...document.querySelectorAll('svg.pacte-map__svg')].map(s => s.id)"
    )
    assert sorted(maps) == ["contributions-map", "opinion-map"]
    # One stop per map, on the drawing itself; none on its points.
    assert tab_stops_per_map(browser) == dict.fromkeys(maps, 1)
    svg = browser.find_element(By.ID, "contributions-map")
    assert svg.get_attribute("role") == "img" and svg.get_attribute("aria-label")
    described = svg.get_attribute("aria-describedby").split()
    alternative = " ".join(browser.find_element(By.ID, i).get_attribute("textContent") for i in described)
    table_words = {"fr": "Le tableau qui suit la carte", "en": "The table after the map"}[language]
    arrow_words = {"fr": "flèches", "en": "arrow keys"}[language]
    assert table_words in alternative and arrow_words in alternative, alternative
    # The arrow keys: the first point, then the next; the line under the map names each.
    svg.send_keys(Keys.ARROW_RIGHT)
    first = browser.execute_script(
        "const p = document.querySelector('#contributions-map .pacte-map__point--current');"
        "return p && p.querySelector('title').textContent;"
    )
    live = browser.find_element(By.CSS_SELECTOR, "figure.pacte-map [aria-live]")
    assert first and first in live.text and ("Alimentation" in live.text or "Logement" in live.text)
    svg.send_keys(Keys.ARROW_RIGHT)
    second = browser.execute_script(
        "return document.querySelector('#contributions-map .pacte-map__point--current title').textContent"
    )
    assert second != first and second in live.text
    assert browser.execute_script(FOCUS_IN_MAP) == "contributions-map"  # the focus stays on the map
    assert run_axe() == []
