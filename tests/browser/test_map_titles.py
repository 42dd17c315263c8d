"""On the published synthesis map, the themes' titles no longer hide the points they name: each is drawn
beside its points, after its theme's marker (`analysis.map_labels`). At 375 px, where the map is drawn at
about half size, the theme's number (the legend's) is written instead of words 6 px high. The table
alternative stays. Measured on the map as Chromium draws it."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# The points whose marker a visible title's text or number covers (screen boxes, 1 px of tolerance), and
# the height at which the titles are drawn.
MEASURE = """
const figure = document.querySelector('figure.pacte-map');
const shown = el => getComputedStyle(el).display !== 'none';
const labels = [...figure.querySelectorAll('.pacte-map__title text')].filter(shown);
const boxes = labels.map(el => el.getBoundingClientRect());
const hidden = [];
figure.querySelectorAll('.pacte-map__point').forEach(point => {
  const p = point.querySelector('circle, rect, path').getBoundingClientRect();
  boxes.forEach((b, i) => {
    if (p.right > b.left + 1 && p.left < b.right - 1 && p.bottom > b.top + 1 && p.top < b.bottom - 1) {
      hidden.push(labels[i].textContent);
    }
  });
});
return {
  labels: labels.map(el => el.textContent), hidden,
  heights: boxes.map(b => Math.round(b.height)),
  tableRows: document.querySelectorAll('#contributions-map-table tbody tr').length,
};
"""


def test_the_titles_hide_no_point_and_stay_readable_on_a_phone(browser, open_in):
    from analysis.models import Contribution
    from tests.analysis.conftest import published_report

    published_report("carte-titres", 60)
    # Two dense groups of 30 points side by side (a grid each): a title written at a group's centre lay
    # over a row of its points.
    for row in Contribution.objects.filter(run__consultation__slug="carte-titres"):
        i = row.position // 2
        row.x, row.y = (i % 6) + 9 * (row.position % 2), i // 6
        row.save(update_fields=["x", "y"])
    try:
        for width, labels in ((1280, ["Alimentation", "Logement"]), (375, ["1", "2"])):
            browser.set_window_size(width, 900)
            open_in("/analyse/carte-titres/", "fr")
            browser.execute_async_script("document.fonts.ready.then(arguments[0])")
            drawn = browser.execute_script(MEASURE)
            assert sorted(drawn["labels"]) == labels, (width, drawn)
            assert drawn["hidden"] == [], (width, drawn)
            assert min(drawn["heights"]) >= 10, (width, drawn)  # letters of at least about 8 px
            assert drawn["tableRows"] == 2, (width, drawn)  # the table alternative, one row a theme
    finally:
        browser.set_window_size(1280, 900)
