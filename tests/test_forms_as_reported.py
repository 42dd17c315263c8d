"""The forms testers found behaving unlike the site's good ones, checked as a user meets them: the
moderation queue (reading order, heading, the proposal a report says it repeats, "Hide" without a reason),
the schedule-a-session form (one of place or video link), sign-up (the privacy box last), the questionnaire
sent with nothing answered, and yes/no settings drawn as DSFR checkboxes. The error summary, title and
field association of every form are walked in tests/test_form_errors_everywhere.py."""

import pytest
from django.urls import reverse
from django.utils import timezone

from consultation import services
from consultation.models import Proposal
from tests.consultation.test_take_back_answers import (  # noqa: F401 (fixtures)
    _page,
    _sent_by_browser,
    consultation,
    member,
)
from tests.helpers import make_consultation
from tests.html_parts import elements
from tests.test_form_errors_everywhere import problems_of_error_page

pytestmark = pytest.mark.django_db


def _by_id(html):
    return {e["attrs"]["id"]: e for e in elements(html) if e["attrs"].get("id")}


@pytest.fixture
def reported(citizen):
    moderated = make_consultation(slug="moderee")
    original = Proposal.objects.create(
        consultation=moderated, text="Mettre un lien vers le registre des refus sur chaque courrier."
    )
    copy = Proposal.objects.create(
        consultation=moderated, text="Mettre un lien vers le registre des refus sur chaque courrier !"
    )
    services.report_proposal(user=citizen, proposal=copy, reason="Elle répète une autre mot pour mot.")
    return original, copy


def test_a_moderation_card_reads_proposal_first_then_the_decision(client, moderator, reported):
    original, copy = reported
    client.force_login(moderator)
    html = client.get(reverse("consultation:moderation"), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    card = html[html.index(f'id="mod-{copy.pk}"') :]
    heading = _by_id(html)[f"mod-{copy.pk}"]["text"].replace("\xa0", " ")
    assert heading.startswith(f"Proposition n° {copy.pk}")
    # In the page's order (the order of reading and of the focus): text, report, then the decision.
    assert card.index(copy.text) < card.index("mot pour mot") < card.index(f'name="p{copy.pk}-decision"')
    assert "fr-card" not in html  # the DSFR card reorders its content visually
    # The proposal it may repeat, linked for comparison.
    assert reverse("consultation:proposal", args=["moderee", original.pk]) in card


def test_hiding_without_a_reason_keeps_hide_and_marks_the_reason(client, moderator, reported):
    _, copy = reported
    client.force_login(moderator)
    prefix = f"p{copy.pk}"
    response = client.post(
        reverse("consultation:moderate", args=[copy.pk]),
        {f"{prefix}-decision": "hide", f"{prefix}-reason": ""},
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert problems_of_error_page(html) == []
    ids = _by_id(html)
    assert "checked" in ids[f"id_{prefix}-decision_1"]["attrs"]  # "Masquer" still chosen
    reason = ids[f"id_{prefix}-reason"]
    assert reason["attrs"].get("aria-invalid") == "true"
    described = reason["attrs"]["aria-describedby"].split()
    assert any("motif public" in ids[i]["text"] for i in described if i in ids)
    copy.refresh_from_db()
    assert copy.status == Proposal.Status.VISIBLE  # nothing decided


@pytest.fixture
def team_panel(facilitator):
    from deliberation.models import Panel, PanelFacilitator
    from tests.conftest import with_totp

    panel = Panel.objects.create(title="Panel", status=Panel.Status.DELIBERATING)
    PanelFacilitator.objects.create(panel=panel, user=with_totp(facilitator))
    return panel


@pytest.mark.parametrize("language, optional", [("fr", "(Optionnel)"), ("en", "(Optional)")])
def test_place_or_video_link_is_said_up_front_and_refused_on_the_fieldset(
    client, facilitator, team_panel, language, optional
):
    client.force_login(facilitator)
    page = client.get(reverse("deliberation:facilitate", args=[team_panel.pk]), HTTP_ACCEPT_LANGUAGE=language)
    html = page.content.decode()
    where = _by_id(html)["session-where"]
    assert where["tag"] == "fieldset"
    assert "l’un des deux" in where["text"] or "at least one" in where["text"]
    assert optional not in where["text"]

    response = client.post(
        reverse("deliberation:schedule_session", args=[team_panel.pk]),
        {"title": "Séance", "starts_at": timezone.now().strftime("%Y-%m-%dT%H:%M")},
        HTTP_ACCEPT_LANGUAGE=language,
    )
    html = response.content.decode()
    assert problems_of_error_page(html, language) == []
    ids = _by_id(html)
    labelled_by = ids["session-where"]["attrs"]["aria-labelledby"].split()
    assert "session-where-error" in labelled_by and ids["session-where-error"]["text"]
    summary_links = [e["attrs"]["href"] for e in elements(html) if e["tag"] == "a" and e["parent"]
                     and e["attrs"].get("href", "").startswith("#session-where")]  # fmt: skip
    assert summary_links == ["#session-where"]


def test_signup_puts_the_privacy_box_after_the_passwords(client):
    html = client.get(reverse("account_signup")).content.decode()
    assert html.index('name="password2"') < html.index('name="accept_privacy"')


def test_a_questionnaire_sent_with_nothing_answered_says_so_neutrally(client, member, consultation):  # noqa: F811
    data = _sent_by_browser(_page(client, consultation, "fr"))
    response = client.post(
        reverse("consultation:answer", args=[consultation.slug]), data, HTTP_ACCEPT_LANGUAGE="fr"
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Vous n’avez répondu à aucune question." in html
    assert "0 réponse" not in html and "fr-alert--success" not in html
    assert 'id="questionnaire"' in html  # the questionnaire still there, the form's "#questionnaire"


@pytest.mark.parametrize(
    "form_path, field",
    [
        ("accounts.forms.NoticesForm", "email_notices"),
        ("consultation.forms.ConsultationForm", "proposals_allowed"),
        ("analysis.forms.StartRunForm", "reweight"),
    ],
)
def test_a_setting_checkbox_is_drawn_as_a_dsfr_checkbox(form_path, field):
    import importlib

    module, name = form_path.rsplit(".", 1)
    form = getattr(importlib.import_module(module), name)()
    html = str(form[field].as_field_group())
    group = html.index("fr-checkbox-group")
    assert group < html.index(f'name="{field}"') < html.index("<label")
