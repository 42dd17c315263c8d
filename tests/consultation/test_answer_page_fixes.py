"""What the tester saw on the answers pages, fixed: the rule form starts unticked and previews what the
values would require; the "Other contributions" group cannot be answered."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from analysis.models import PublishedSynthesis, SynthesisVersion, Theme
from analysis.theme_answers import record_theme_answer
from consultation import answers
from consultation.models import AnswerPolicy, Proposal
from tests.analysis.conftest import published_report
from tests.conftest import with_totp
from tests.consultation.test_answers import answer_fields, themes_of, world  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def unset(organiser, client):
    """A consultation with no rule yet; 6 proposals, the votes below; two themes of 50 % each."""
    consultation = published_report("regle-vierge", 6)
    votes = {0: (16, 4, 0), 1: (30, 0, 0), 2: (5, 15, 0), 3: (3, 0, 0)}
    for i, proposal in enumerate(Proposal.objects.filter(consultation=consultation).order_by("id")):
        agree, disagree, passed = votes.get(i, (0, 0, 0))
        Proposal.objects.filter(pk=proposal.pk).update(
            agree_count=agree, disagree_count=disagree, pass_count=passed
        )
    client.force_login(with_totp(organiser))
    client.cookies["django_language"] = "en"
    return consultation


def test_the_rule_form_starts_unticked_with_suggested_numbers(unset, client):
    url = reverse("consultation:answer_policy", args=[unset.slug])
    page = client.get(url).content.decode()
    ticked = [line for line in page.splitlines() if 'type="checkbox"' in line and "checked" in line]
    assert ticked == []
    assert 'name="proposal_min_agree_percent" value="60"' in page
    assert 'name="proposal_min_votes" value="20"' in page
    assert 'name="theme_min_percent" value="5"' in page
    assert "No rule is published yet" in page
    # Saving the untouched form publishes a rule that requires nothing.
    fields = {"proposal_min_agree_percent": "60", "proposal_min_votes": "20", "theme_min_percent": "5"}
    assert client.post(url, fields).status_code == 302
    policy = AnswerPolicy.objects.get(consultation=unset)
    assert not policy.proposals_required and not policy.themes_required


def test_the_rule_form_previews_what_the_values_require_without_saving(unset, client):
    url = reverse("consultation:answer_policy", args=[unset.slug])
    # The suggested values: proposals 0 (16/20 agree) and 1 (30/30); both themes hold 50 %.
    page = client.get(url).content.decode()
    preview = page.split('id="answer-rule-preview"')[1].split("</section>")[0]
    assert "Consultation proposals: <strong>2</strong>" in preview
    assert "Themes of the synthesis: <strong>2</strong>" in preview
    assert "this rule is not ticked" in preview
    fields = {
        "proposals_required": "on",
        "proposal_min_agree_percent": "50",
        "proposal_min_votes": "3",
        "themes_required": "on",
        "theme_min_percent": "60",
        "preview": "1",
    }
    page = client.post(url, fields).content.decode()
    preview = page.split('id="answer-rule-preview"')[1].split("</section>")[0]
    assert "What these values would require" in preview
    assert "Consultation proposals: <strong>3</strong>" in preview  # 0, 1 and 3 (3/3)
    assert "Themes of the synthesis: <strong>0</strong>" in preview
    assert "not ticked" not in preview
    assert not AnswerPolicy.objects.filter(consultation=unset).exists()  # a preview saves nothing
    # The same rule function as the follow-up page.
    policy = AnswerPolicy(proposals_required=True, proposal_min_agree_percent=50, proposal_min_votes=3)
    assert answers.proposals_required_by(unset, policy) == 3


def _make_catch_all(consultation, theme: Theme) -> None:
    """Turn `theme` into the "Other contributions" group, in the rows and in the published version."""
    Theme.objects.filter(pk=theme.pk).update(number=-1, label="")
    version = PublishedSynthesis.objects.get(consultation=consultation).version
    for entry in version.data["themes"]:
        if theme.pk in entry.get("theme_ids", []):
            entry["other"], entry["label"] = True, ""
    SynthesisVersion.objects.filter(pk=version.pk).update(data=version.data)


def test_the_other_contributions_group_cannot_be_answered(world, organiser, client):  # noqa: F811
    consultation, _proposals, themes = world
    other = themes["Alimentation"]
    _make_catch_all(consultation, other)
    other.refresh_from_db()
    fields = {**answer_fields("adopted"), "answered_on": timezone.localdate()}
    with pytest.raises(answers.AnswerError) as refused:
        record_theme_answer(actor=organiser, theme=other, **fields)
    assert refused.value.status == 409
    assert "Other contributions" in str(refused.value)
    client.force_login(organiser)
    client.cookies["django_language"] = "en"
    form = client.get(reverse("analysis:answer_theme", args=[other.pk])).content.decode()
    assert "it cannot receive an answer" in form
    page = client.get(reverse("consultation:followup", args=[consultation.slug])).content.decode()
    assert reverse("analysis:answer_theme", args=[other.pk]) not in page
    assert reverse("analysis:answer_theme", args=[themes["Logement"].pk]) in page


def _sections(page: str) -> dict[str, str]:
    return {
        key: page.split(f'id="source-{key}"')[1].split("</section>")[0]
        for key in ("recommendations", "proposals", "themes")
    }


def test_the_follow_up_lists_late_items_first_filters_and_pages(world, client, organiser):  # noqa: F811
    consultation, proposals, _themes = world
    client.cookies["django_language"] = "en"
    url = reverse("consultation:followup", args=[consultation.slug])
    proposals_of = _sections(client.get(url).content.decode())["proposals"]
    # Late first: proposal 5 (required, no answer, past the due date) before the answered ones.
    rows = proposals_of.split("<tbody>")[1].split("<tr>")[1:]
    assert "Late: no answer by the due date" in rows[0]
    assert "4 items." in proposals_of
    # The filter by status.
    late = _sections(client.get(url, {"status": "late"}).content.decode())
    assert late["proposals"].count("<tr>") == 2  # the header and proposal 5
    assert "Late: no answer by the due date" in late["proposals"]
    assert "No item of this source under this filter." in late["recommendations"]
    answered = _sections(client.get(url, {"status": "answered"}).content.decode())["proposals"]
    assert "3 items." in answered and "Late: no answer" not in answered
    # Paging: 30 more answered proposals make two pages of the proposals, the other sources untouched.
    extra = Proposal.objects.bulk_create(
        Proposal(consultation=consultation, text=f"Proposition en plus {i}.", status=Proposal.Status.VISIBLE)
        for i in range(30)
    )
    fields = {**answer_fields("rejected"), "answered_on": timezone.localdate()}
    for proposal in extra:
        answers.record_proposal_answer(actor=organiser, proposal=proposal, **fields)
    first = _sections(client.get(url).content.decode())["proposals"]
    assert "Items 1 to 25 of 34." in first and "fr-pagination" in first
    assert "Late: no answer by the due date" in first  # still first
    second = _sections(client.get(url, {"page-proposals": "2"}).content.decode())["proposals"]
    assert "Items 26 to 34 of 34." in second and "Previous page" in second


def test_the_follow_up_tables_scroll_on_a_phone_and_say_what_late_means(world, client):  # noqa: F811
    consultation, _proposals, _themes = world
    client.cookies["django_language"] = "en"
    page = client.get(reverse("consultation:followup", args=[consultation.slug])).content.decode()
    # Every table sits in the DSFR scrolling container, so a 390 px screen scrolls instead of cutting; the
    # container takes the keyboard focus so that the keyboard can scroll it too.
    focusable_box = (
        r'<div class="fr-table__container" tabindex="0"[^>]*>' r'<div class="fr-table__content"><table'
    )
    assert page.count("<table") == len(re.findall(focusable_box, page))
    definitions = page.split('id="overdue-definitions"')[1].split("</ul>")[0]
    assert "no answer counting as answered after the due date" in definitions
    assert "promised implementation date" in definitions and "It is not a late answer" in definitions
    header = page.split('id="adoption-by-source"')[1].split("</thead>")[0]
    assert "Implementation deadlines passed" in header


def test_one_name_for_the_adoption_rate_in_french(world, client):  # noqa: F811
    consultation, _proposals, _themes = world
    client.cookies["django_language"] = "fr"
    for url in (
        reverse("consultation:followup", args=[consultation.slug]),
        reverse("consultation:followup_all"),
    ):
        page = client.get(url).content.decode()
        assert "Taux d’adoption" in page
        assert "reprise" not in page.lower(), url
