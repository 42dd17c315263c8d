"""The selection report of a drawn panel, with the commitment, the lottery's SHA-256, the seed and the
command to check it (long words without spaces): no axe violation and no sideways scrolling at 320 CSS
px, in French and English."""

import pytest

from tests.browser.test_accessibility import check_pages
from tests.browser.test_reflow import describe, narrow_window, too_wide  # noqa: F401 (fixture)
from tests.deliberation.conftest import drawn, panel, pool_panel  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_report_of_a_verifiable_draw_passes_axe(browser, open_in, run_axe, console_errors, drawn):  # noqa: F811
    selection = drawn.selections.get()
    check_pages(
        browser, open_in, run_axe, console_errors, {f"/panels/{drawn.pk}/tirage/": selection.lottery_sha256}
    )


def test_the_report_of_a_verifiable_draw_fits_320_px(browser, live_server, open_in, narrow_window, drawn):  # noqa: F811
    overflows = too_wide(browser, live_server, open_in, [f"/panels/{drawn.pk}/tirage/"])
    assert not overflows, "pages wider than 320 CSS px:\n" + "\n".join(map(describe, overflows))
