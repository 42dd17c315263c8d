"""The pages of the two-step draw (the panel awaiting its public value, the organiser's two forms): one
<h1>, no axe violation, no console error, in French and English."""

import pytest

from deliberation import services
from tests.browser.test_accessibility import check_pages
from tests.conftest import with_totp
from tests.deliberation.conftest import panel, pool_panel  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def awaiting(pool_panel, organiser, eager_celery):  # noqa: F811
    selection = services.start_selection(
        actor=organiser, panel=pool_panel, public_value_source="somme de trois dés lancés le 12 janvier"
    )
    selection.refresh_from_db()
    assert selection.is_awaiting_public_value, selection.failure_text
    return selection


def test_the_awaiting_panel_pages_pass_axe(browser, open_in, run_axe, console_errors, awaiting):
    pk = awaiting.panel_id
    check_pages(
        browser,
        open_in,
        run_axe,
        console_errors,
        {f"/panels/{pk}/": awaiting.lottery_sha256, f"/panels/{pk}/tirage/": awaiting.lottery_sha256},
    )


def test_the_organisers_two_step_pages_pass_axe(
    browser, open_in, run_axe, console_errors, login_browser, organiser, awaiting
):
    login_browser(with_totp(organiser))
    check_pages(
        browser,
        open_in,
        run_axe,
        console_errors,
        {
            f"/panels/{awaiting.panel_id}/gestion/": awaiting.lottery_sha256,
            f"/panels/tirages/{awaiting.pk}/valeur-publique/": awaiting.lottery_sha256,
        },
    )
