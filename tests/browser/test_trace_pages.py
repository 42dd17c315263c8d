"""The pages that follow a contribution to its theme, recommendations and answers pass axe (WCAG 2.1 A/AA)
in French and English: My contributions (full), a proposal's page, a search of the proposal list, the
report with a recommendation under a theme, the recommendation with its themes, and the linking page."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.test_accessibility import check_pages
from tests.browser.test_reflow import describe, narrow_window, too_wide  # noqa: F401 (fixture)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def trace_pages(organiser, citizen) -> tuple[dict, dict]:
    """A published synthesis, the citizen's proposal, vote and report, an adopted and answered
    recommendation linked to the theme "Alimentation": (the citizen's pages, the organiser's), each a
    path -> text the page must show (None: nothing in particular)."""
    from analysis.models import ThemeRecommendationLink
    from consultation import services as consultation_services
    from consultation.models import Proposal
    from deliberation import services as panel_services
    from tests.analysis.conftest import published_report
    from tests.conftest import with_totp

    consultation = published_report("don-trace", 6)
    proposals = list(Proposal.objects.filter(consultation=consultation).order_by("id"))
    Proposal.objects.filter(pk=proposals[0].pk).update(author=citizen, author_key=f"u{citizen.pk}")
    consultation_services.accept_charter(user=citizen, consultation=consultation)
    consultation_services.cast_vote(user=citizen, proposal=proposals[1], value="agree")
    consultation_services.report_proposal(user=citizen, proposal=proposals[3], reason="Hors sujet")
    panel = panel_services.create_panel(actor=organiser, title="Assises du don", consultation=consultation)
    session = panel_services.schedule_session(
        actor=organiser, panel=panel, title="Séance 1", starts_at=timezone.now(), place="Lyon"
    )
    recommendation = panel_services.create_recommendation(
        actor=organiser,
        panel=panel,
        session=session,
        title="Alimentation saine",
        text="Des cantines locales.",
    )
    panel.status = "deliberating"  # a draft panel shows nothing to the public
    panel.save(update_fields=["status"])
    recommendation.status, recommendation.decided_at = "adopted", timezone.now() - dt.timedelta(days=2)
    recommendation.save()
    panel_services.record_response(
        actor=organiser, recommendation=recommendation, decision_maker="Ministère", body="DGS",
        status="adopted", justification="Repris dans la loi.", answered_on=timezone.localdate(),
    )  # fmt: skip
    theme = consultation.pipeline_runs.get().themes.get(label="Alimentation")
    ThemeRecommendationLink.objects.create(
        theme=theme, recommendation=recommendation, confirmed_by=organiser, confirmed_at=timezone.now()
    )
    slug = consultation.slug
    with_totp(organiser)
    return (
        {
            "/consultations/mes-contributions/": "Alimentation saine",
            f"/consultations/{slug}/propositions/{proposals[0].pk}/": "Alimentation saine",
            f"/consultations/{slug}/propositions/?q=donn%C3%A9es": None,
            f"/analyse/{slug}/": "Alimentation saine",
            f"/panels/recommandations/{recommendation.pk}/": "Alimentation",
        },
        {f"/analyse/recommandations/{recommendation.pk}/themes/": "Alimentation"},
    )


def test_trace_pages_pass_axe(
    browser, open_in, run_axe, console_errors, login_browser, organiser, citizen, trace_pages
):
    citizen_pages, organiser_pages = trace_pages
    login_browser(citizen)
    check_pages(browser, open_in, run_axe, console_errors, citizen_pages)
    login_browser(organiser)
    check_pages(browser, open_in, run_axe, console_errors, organiser_pages)


@pytest.mark.usefixtures("narrow_window")
def test_trace_pages_reflow_at_320_css_pixels(
    browser, live_server, open_in, login_browser, organiser, citizen, trace_pages
):
    citizen_pages, organiser_pages = trace_pages
    login_browser(citizen)
    overflows = too_wide(browser, live_server, open_in, citizen_pages)
    browser.execute_cdp_cmd("Network.clearBrowserCookies", {})
    login_browser(organiser)
    overflows += too_wide(browser, live_server, open_in, organiser_pages)
    assert not overflows, "pages wider than 320 CSS px:\n" + "\n".join(map(describe, overflows))
