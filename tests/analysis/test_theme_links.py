"""Theme <-> recommendation links: Pacte suggests by text similarity, those who run the panel confirm;
only confirmed links to decided recommendations are public, in both directions."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from analysis.models import PipelineRun, ThemeRecommendationLink
from analysis.pipeline.match import best_matches, similarities
from deliberation import services as panel_services
from tests.analysis.conftest import published_report
from tests.conftest import with_totp
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def linked_setup(organiser, facilitator):
    """A published synthesis with the themes "Alimentation" and "Logement", and a panel of its
    consultation, run by `facilitator`, with an adopted recommendation about food in school canteens."""
    with_totp(facilitator)  # staff roles sign in with a second factor
    consultation = published_report("don-liens", 6)
    panel = panel_services.create_panel(actor=organiser, title="Assises", consultation=consultation)
    panel_services.assign_facilitator(actor=organiser, panel=panel, user=facilitator)
    session = panel_services.schedule_session(
        actor=facilitator, panel=panel, title="Séance 1", starts_at=timezone.now(), place="Lyon"
    )
    recommendation = panel_services.create_recommendation(
        actor=facilitator,
        panel=panel,
        session=session,
        title="Une alimentation saine",
        text="Servir une alimentation locale et saine dans les cantines scolaires.",
    )
    themes = {t.label: t for t in PipelineRun.objects.get(consultation=consultation).themes.all()}
    return consultation, recommendation, themes


def adopt(recommendation):
    """Adopted at a session of the panel, which deliberates by then (a draft panel shows nothing)."""
    from deliberation.models import Panel

    Panel.objects.filter(pk=recommendation.panel_id).update(status=Panel.Status.DELIBERATING)
    recommendation.status = "adopted"
    recommendation.decided_at = timezone.now() - dt.timedelta(days=1)
    recommendation.save()


def page_url(recommendation):
    return reverse("analysis:recommendation_themes", args=[recommendation.pk])


def test_text_similarity_ranks_the_theme_that_shares_the_words():
    scores = similarities(
        ["Un registre national des refus en ligne"],
        ["registre des refus, opposition en ligne", "cantines et alimentation"],
    )
    assert scores[0, 0] > 0.1 and scores[0, 1] == 0
    assert best_matches("le la les de", ["un deux"]) == []  # stop words only: nothing suggested
    assert best_matches("registre", []) == []


def test_facilitator_confirms_a_suggestion_and_both_pages_show_the_link(linked_setup, client, facilitator):
    consultation, recommendation, themes = linked_setup
    adopt(recommendation)
    client.force_login(facilitator)
    client.cookies["django_language"] = "en"
    response = client.post(page_url(recommendation), {"action": "suggest"}, follow=True)
    page = response.content.decode()
    assert "Suggested by Pacte (similarity" in page
    suggested = ThemeRecommendationLink.objects.get(recommendation=recommendation)
    assert suggested.theme == themes["Alimentation"] and suggested.score > 0 and not suggested.is_confirmed
    # A suggestion nobody confirmed is not public.
    client.logout()
    client.cookies["django_language"] = "en"
    report = reverse("analysis:report", args=[consultation.slug])
    recommendation_page = reverse("deliberation:recommendation", args=[recommendation.pk])
    assert "Une alimentation saine" not in client.get(report).content.decode()
    assert "#theme-t" not in client.get(recommendation_page).content.decode()
    # Confirmed: shown on the report under the theme, and on the recommendation's page with a link back.
    client.force_login(facilitator)
    client.post(page_url(recommendation), {"action": "link", "theme": themes["Alimentation"].pk})
    suggested.refresh_from_db()
    assert suggested.is_confirmed and suggested.confirmed_by == facilitator
    client.logout()
    client.cookies["django_language"] = "en"
    report_page = client.get(report).content.decode()
    # Named once by its panel, then by its own title (not "Recommendation X of the panel Y" in each line).
    assert "Recommendations of the panel “Assises” linked to this theme" in report_page
    assert re.search(rf'<a href="{recommendation_page}"[^>]*>Une alimentation saine</a>', report_page)
    assert "of the panel “Assises”</a>" not in report_page
    page = client.get(recommendation_page).content.decode()
    assert f"{report}#theme-t{themes['Alimentation'].pk}" in page and "Alimentation" in page
    assert page_url(recommendation) not in page  # the public gets no way to the linking page


def test_a_draft_recommendation_linked_stays_unknown_to_the_public(linked_setup, client, facilitator):
    consultation, recommendation, themes = linked_setup
    client.force_login(facilitator)
    client.post(page_url(recommendation), {"action": "link", "theme": themes["Logement"].pk})
    assert ThemeRecommendationLink.objects.get().is_confirmed
    client.logout()
    assert (
        "Une alimentation saine"
        not in client.get(reverse("analysis:report", args=[consultation.slug])).content.decode()
    )
    refused = client.get(reverse("deliberation:recommendation", args=[recommendation.pk]))
    assert refused.status_code in (403, 404) or refused["Location"].startswith("/accounts/login/")


def test_only_those_who_run_the_panel_reach_the_linking_page(linked_setup, client, citizen):
    _consultation, recommendation, themes = linked_setup
    other_facilitator = with_totp(UserFactory(roles=["citizen", "facilitator"]))
    for user in (None, citizen, other_facilitator):
        if user is None:
            client.logout()
        else:
            client.force_login(user)
        # A visitor is sent to sign in first; a signed-in outsider finds nothing there (404).
        expected = 302 if user is None else 404
        assert client.get(page_url(recommendation)).status_code == expected
        response = client.post(page_url(recommendation), {"action": "link", "theme": themes["Logement"].pk})
        assert response.status_code == expected
    assert not ThemeRecommendationLink.objects.exists()


def test_an_organiser_links_and_removes_and_bad_input_is_refused(linked_setup, organiser_client):
    _consultation, recommendation, themes = linked_setup
    organiser_client.cookies["django_language"] = "en"
    url = page_url(recommendation)
    for bad in ("", "abc", "999999999"):
        page = organiser_client.post(url, {"action": "link", "theme": bad}, follow=True).content.decode()
        assert "This theme is not in the published synthesis of the panel" in page
    assert organiser_client.post(url, {"action": "nonsense"}, follow=True).status_code == 200
    assert not ThemeRecommendationLink.objects.exists()
    organiser_client.post(url, {"action": "link", "theme": themes["Logement"].pk})
    assert ThemeRecommendationLink.objects.filter(confirmed_at__isnull=False).count() == 1
    # Suggesting again keeps a confirmed link as it is.
    organiser_client.post(url, {"action": "suggest"})
    assert ThemeRecommendationLink.objects.get(theme=themes["Logement"]).is_confirmed
    organiser_client.post(url, {"action": "unlink", "theme": themes["Logement"].pk})
    assert not ThemeRecommendationLink.objects.filter(theme=themes["Logement"]).exists()


def test_a_panel_without_a_published_synthesis_says_so(organiser, organiser_client):
    panel = panel_services.create_panel(actor=organiser, title="Sans consultation")
    session = panel_services.schedule_session(
        actor=organiser, panel=panel, title="S", starts_at=timezone.now(), place="Paris"
    )
    recommendation = panel_services.create_recommendation(
        actor=organiser, panel=panel, session=session, title="R", text="Texte."
    )
    organiser_client.cookies["django_language"] = "fr"
    page = organiser_client.get(page_url(recommendation)).content.decode()
    assert "Ce panel n’est rattaché à aucune consultation" in page
    page = organiser_client.post(
        page_url(recommendation), {"action": "suggest"}, follow=True
    ).content.decode()
    assert "Aucune synthèse de la consultation de ce panel n’est publiée" in page


def test_the_demo_command_suggests_and_confirms_the_best_theme(linked_setup):
    from io import StringIO

    from django.core.management import call_command

    _consultation, recommendation, themes = linked_setup
    out = StringIO()
    call_command("suggest_theme_links", "don-liens", "--confirm-best", stdout=out)
    link = ThemeRecommendationLink.objects.get(recommendation=recommendation)
    assert link.is_confirmed and link.theme == themes["Alimentation"]
    assert "1 links confirmed" in out.getvalue() or "1 lien" in out.getvalue()
