"""Reflow (WCAG 2.1 1.4.10, RGAA 10.11): at 320 CSS pixels wide (a 1280 px screen zoomed to 400 %) a
page reads without scrolling sideways. axe does not check it, so this test measures the page itself:
the document may not be wider than the window's layout viewport (its width without the vertical
scrollbar). A data table that scrolls inside its own box (the DSFR's `fr-table`) is the allowed
exception: it does not widen the page."""

import pytest
from selenium.webdriver.common.by import By

from tests.browser.conftest import LANGUAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

NARROW = 320

# Opens every <details> (the forms folded inside must reflow too), then measures the page. When the page
# is too wide, lists the elements that stick out of the viewport and are not clipped by a box that
# scrolls or hides its overflow (a data table's wrapper), the ones whose parent fits first: that is
# where the overflow starts.
MEASURE = """
document.querySelectorAll('details').forEach(d => { d.open = true; });
const root = document.documentElement, viewport = root.clientWidth;
const report = {viewport, page_width: root.scrollWidth, inner: window.innerWidth, culprits: []};
if (report.page_width <= viewport) return report;
const clipped = el => {
  for (let a = el.parentElement; a && a !== document.body; a = a.parentElement) {
    if (getComputedStyle(a).overflowX !== 'visible') return true;
  }
  return false;
};
const name = el => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
  + [...el.classList].map(c => '.' + c).join('');
const out = [];
for (const el of document.body.querySelectorAll('*')) {
  const box = el.getBoundingClientRect();
  if (box.width === 0 || box.right <= viewport + 0.5 || clipped(el)) continue;
  const parent = el.parentElement.getBoundingClientRect();
  out.push({
    element: name(el), in: name(el.parentElement), right: Math.round(box.right),
    width: Math.round(box.width), starts_here: parent.right <= viewport + 0.5,
  });
}
out.sort((a, b) => (b.starts_here - a.starts_here) || (b.right - a.right));
report.culprits = out.slice(0, 10);
return report;
"""


@pytest.fixture
def narrow_window(browser):
    """The browser lives for the whole session: the next test gets its 1280 x 900 window back."""
    browser.set_window_size(NARROW, 900)
    try:
        yield
    finally:
        browser.set_window_size(1280, 900)


# What a refused or missing page is called: the page under test must not be one (nor a redirect).
ERROR_TITLES = ("Accès refusé", "Page introuvable", "Access refused", "Page not found")


def too_wide(browser, live_server, open_in, pages, languages=LANGUAGES) -> list[dict]:
    """Each page in each language at 320 px: what sticks out, for the pages wider than the window."""
    found = []
    for language in languages:
        for path in pages:
            open_in(path, language)
            shown = (language, browser.current_url, browser.title.startswith(ERROR_TITLES))
            assert shown == (language, live_server.url + path, False)
            measure = browser.execute_script(MEASURE)
            assert measure["inner"] == NARROW, "the window did not shrink to 320 CSS px"
            if measure["page_width"] > measure["viewport"]:
                found.append({**measure, "page": path, "language": language})
    return found


def describe(overflow: dict) -> str:
    culprits = "".join(
        f"\n    {c['element']} in {c['in']}: right edge at {c['right']} px, {c['width']} px wide"
        + (" (its parent fits: the overflow starts here)" if c["starts_here"] else "")
        for c in overflow["culprits"]
    )
    return (
        f"{overflow['page']} ({overflow['language']}): {overflow['page_width']} px in a"
        f" {overflow['viewport']} px viewport{culprits}"
    )


def test_pages_reflow_at_320_css_pixels(
    browser, live_server, open_in, login_browser, narrow_window, citizen, organiser, organiser_pages,
    participation_data, followed_recommendation,
):  # fmt: skip
    """Public pages, a citizen's pages and the organiser's working pages (the follow-up of a
    recommendation with its milestone forms opened) all fit in 320 CSS px, in French and English."""
    from consultation import services as consultation_services
    from consultation.models import Consultation
    from tests.conftest import with_totp

    slug = participation_data.slug
    public = [
        "/",
        "/accounts/login/",
        "/accounts/signup/",
        "/consultations/",
        f"/consultations/{slug}/",
        f"/consultations/{slug}/propositions/",
        f"/analyse/{slug}/",
        "/panels/",
        "/panels/suivi/",
    ]
    overflows = too_wide(browser, live_server, open_in, public)

    consultation_services.accept_charter(
        user=citizen, consultation=Consultation.objects.get(slug="data-donation")
    )
    login_browser(citizen)
    citizen_pages = [
        "/compte/",
        "/compte/profil/",
        "/compte/mes-donnees/",
        "/compte/supprimer/",
        "/consultations/data-donation/proposer/",
        "/consultations/mes-contributions/",
    ]
    overflows += too_wide(browser, live_server, open_in, citizen_pages)

    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login_browser(with_totp(organiser))
    follow_up = f"/panels/recommandations/{followed_recommendation.pk}/"
    results = "/consultations/data-donation/resultats/"  # charts and their tables, while it runs
    overflows += too_wide(browser, live_server, open_in, [follow_up, results, *organiser_pages])
    # The milestone forms were measured open (the organiser can answer, the forms are there).
    open_in(follow_up, "fr")
    browser.execute_script(MEASURE)
    assert browser.find_element(By.CSS_SELECTOR, "details form input[name=note]").is_displayed()

    assert not overflows, "pages wider than 320 CSS px:\n" + "\n".join(map(describe, overflows))


def test_the_synthesis_editor_reflows_with_long_theme_titles(
    browser, live_server, open_in, login_browser, narrow_window, organiser
):
    """The editor's menus of themes (the search's "In the theme" had no width of its own) take the width
    of their longest option: with a theme title of 200 characters, they stay inside 320 px."""
    from analysis.models import SynthesisVersion
    from tests.analysis.conftest import published_report
    from tests.conftest import with_totp

    consultation = published_report("editeur-etroit", 6)
    version = SynthesisVersion.objects.get(run__consultation=consultation)
    version.data["themes"][0]["label"] = ("Alimentation durable et données de santé des cantines " * 4)[:200]
    version.save(update_fields=["data"])
    login_browser(with_totp(organiser))
    overflows = too_wide(browser, live_server, open_in, [f"/analyse/analyses/{version.run_id}/synthese/"])
    assert not overflows, "\n".join(map(describe, overflows))
    widest = browser.execute_script(
        "return Math.max(...[...document.querySelectorAll('select')]"
        ".map(s => s.getBoundingClientRect().width))"
    )
    assert 0 < widest <= NARROW
