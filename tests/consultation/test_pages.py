import json

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format

from accounts.models import Profile
from consultation import hooks, services
from consultation.models import Answer, Consultation, Proposal, Vote
from tests.conftest import with_totp
from tests.factories import UserFactory
from tests.helpers import make_consultation


def url(name, *args):
    return reverse(f"consultation:{name}", args=args)


def test_citizen_accepts_charter_then_answers_and_edits(client, citizen, consultation):
    client.force_login(citizen)
    page = client.get(url("detail", consultation.slug)).content.decode()
    assert "Compréhension et maîtrise" in page or "Understanding and control" in page
    assert "Questionnaire" not in page  # no questionnaire before the charter
    single = consultation.questions.first()
    yes, no = single.choices.all()
    client.post(url("answer", consultation.slug), {f"q{single.pk}": yes.pk})
    assert not Answer.objects.exists()  # refused: charter first
    client.post(url("accept_charter", consultation.slug), {"accept": "on"})
    client.post(url("answer", consultation.slug), {f"q{single.pk}": yes.pk})
    client.post(url("answer", consultation.slug), {f"q{single.pk}": no.pk})
    assert [c.pk for c in Answer.objects.get().choices.all()] == [no.pk]
    form = client.get(url("detail", consultation.slug)).context["questionnaire"]
    assert form[f"q{single.pk}"].value() == str(no.pk)  # the form shows the current answer


def test_proposal_two_steps_shows_similar_then_saves(client, member, consultation):
    other = UserFactory()
    services.accept_charter(user=other, consultation=consultation)
    similar = services.submit_proposal(
        user=other,
        consultation=consultation,
        text="Les données de santé doivent être hébergées en Europe sur un cloud souverain.",
    )
    services.submit_proposal(user=other, consultation=consultation, text="Former les médecins au numérique.")
    client.force_login(member)
    draft = "Héberger les données de santé sur un cloud souverain européen"
    preview = client.post(url("propose", consultation.slug), {"text": draft, "step": "preview"})
    assert preview.status_code == 200
    assert Proposal.objects.count() == 2  # nothing saved at the preview step
    body = preview.content.decode()
    assert similar.text in body and "Former les médecins" not in body
    client.post(url("propose", consultation.slug), {"text": draft, "step": "confirm"})
    assert Proposal.objects.filter(author=member, text=draft).exists()


def test_honeypot_saves_nothing(client, member, consultation):
    client.force_login(member)
    response = client.post(
        url("propose", consultation.slug), {"text": "Une idée", "step": "confirm", "website": "http://spam"}
    )
    assert response.status_code == 200
    assert not Proposal.objects.exists()


@override_settings(
    PACTE_RATE_LIMITS={"proposal": {"user": "2/3600", "ip": "100/3600"}, "vote": {"user": "3/60"}}
)
def test_rate_limits_on_proposals_and_votes(client, member, consultation):
    client.force_login(member)
    statuses = [
        client.post(
            url("propose", consultation.slug), {"text": f"Idée numéro {i}", "step": "confirm"}
        ).status_code
        for i in range(3)
    ]
    assert statuses == [302, 302, 429]
    assert Proposal.objects.count() == 2
    proposal = Proposal.objects.first()
    json_statuses = [
        client.post(
            url("vote", consultation.slug, proposal.pk), {"value": "agree"}, HTTP_ACCEPT="application/json"
        ).status_code
        for _ in range(4)
    ]
    assert json_statuses == [200, 200, 200, 429]


@override_settings(PACTE_RATE_LIMITS={"vote": {"ip": "2/60"}})
def test_rate_limit_per_ip_across_accounts(client, consultation):
    proposal = Proposal.objects.create(consultation=consultation, text="Idée")
    statuses = []
    for _ in range(3):
        user = UserFactory()
        services.accept_charter(user=user, consultation=consultation)
        client.force_login(user)
        statuses.append(
            client.post(
                url("vote", consultation.slug, proposal.pk),
                {"value": "agree"},
                HTTP_ACCEPT="application/json",
            ).status_code
        )
    assert statuses == [200, 200, 429]
    assert Vote.objects.count() == 2


def test_html_is_stored_as_text_and_escaped(client, member, consultation):
    client.force_login(member)
    text = '<script>alert("x")</script><b>gras</b>'
    client.post(url("propose", consultation.slug), {"text": text, "step": "confirm"})
    assert Proposal.objects.get().text == text
    page = client.get(url("proposals", consultation.slug)).content.decode()
    assert "<script>alert" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;gras&lt;/b&gt;" in page


def test_vote_buttons_without_javascript_and_json(client, member, consultation):
    proposal = Proposal.objects.create(consultation=consultation, text="Idée")
    client.force_login(member)
    listing = url("proposals", consultation.slug) + "?order=agreed"
    response = client.post(url("vote", consultation.slug, proposal.pk), {"value": "agree", "next": listing})
    assert response.status_code == 302 and response["Location"].startswith(listing)
    response = client.post(
        url("vote", consultation.slug, proposal.pk), {"value": "pass"}, HTTP_ACCEPT="application/json"
    )
    assert response.json() == {"proposal": proposal.pk, "vote": "pass", "changed": True}
    bad = client.post(
        url("vote", consultation.slug, proposal.pk), {"value": "maybe"}, HTTP_ACCEPT="application/json"
    )
    assert bad.status_code == 400 and "detail" in bad.json()
    missing = client.post(
        url("vote", consultation.slug, 999999), {"value": "agree"}, HTTP_ACCEPT="application/json"
    )
    assert missing.status_code == 404 and missing.json()["detail"]
    proposal.refresh_from_db()
    assert (proposal.agree_count, proposal.pass_count) == (0, 1)


def test_vote_on_closed_consultation_is_a_clear_4xx(client, member, consultation, organiser):
    proposal = Proposal.objects.create(consultation=consultation, text="Idée")
    services.transition(actor=organiser, consultation=consultation, to_phase="closed")
    client.force_login(member)
    response = client.post(
        url("vote", consultation.slug, proposal.pk), {"value": "agree"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 403 and response.json()["detail"]
    assert not Vote.objects.exists()
    anonymous = client.__class__().post(
        url("vote", consultation.slug, proposal.pk), {"value": "agree"}, HTTP_ACCEPT="application/json"
    )
    assert anonymous.status_code == 401


def test_orders_and_stable_random_seed(client, consultation):
    for i in range(30):
        Proposal.objects.create(
            consultation=consultation, text=f"Proposition {i}", agree_count=i, disagree_count=30 - i
        )
    first = client.get(url("proposals", consultation.slug)).context["items"]
    again = client.get(url("proposals", consultation.slug)).context["items"]
    assert [p.pk for p in first] == [p.pk for p in again]  # stable for this visitor
    other = client.__class__().get(url("proposals", consultation.slug)).context["items"]
    assert [p.pk for p in other] != [p.pk for p in first]  # 30! orders: another visitor sees another
    agreed = client.get(url("proposals", consultation.slug) + "?order=agreed").context["items"]
    assert agreed[0].agree_count == 29
    divisive = client.get(url("proposals", consultation.slug) + "?order=divisive").context["items"]
    assert {divisive[0].agree_count, divisive[0].disagree_count} == {15}


def test_report_moderation_and_my_contributions(client, member, consultation, moderator):
    proposal = services.submit_proposal(user=member, consultation=consultation, text="Ma proposition")
    reporter = UserFactory()
    client.force_login(reporter)
    client.post(url("report", consultation.slug, proposal.pk), {"reason": "Hors sujet"})
    client.force_login(member)
    assert client.get(url("moderation")).status_code == 403
    client.force_login(moderator)
    assert "Ma proposition" in client.get(url("moderation")).content.decode()
    client.post(
        url("moderate", proposal.pk), {f"p{proposal.pk}-decision": "hide", f"p{proposal.pk}-reason": ""}
    )
    proposal.refresh_from_db()
    assert proposal.status == "visible"  # hiding without a public reason is refused
    client.post(
        url("moderate", proposal.pk),
        {f"p{proposal.pk}-decision": "hide", f"p{proposal.pk}-reason": "Hors sujet"},
    )
    proposal.refresh_from_db()
    assert proposal.status == "hidden"
    registered = list(hooks._trace_providers)  # analysis's own provider stays for the tests that follow
    hooks.register_contribution_traces(
        lambda proposals, answers: {
            ("proposal", p.pk): [{"label": f"Thème test pour {p.pk}"}] for p in proposals
        }
    )
    try:
        client.force_login(member)
        page = client.get(url("mine")).content.decode()
    finally:
        hooks._trace_providers[:] = registered
    assert "Ma proposition" in page and "Hors sujet" in page and f"Thème test pour {proposal.pk}" in page
    assert "Ma proposition" not in client.get(url("proposals", consultation.slug)).content.decode()


def test_results_suppress_small_groups(client, organiser, consultation):
    single = consultation.questions.first()
    yes, no = single.choices.all()
    for i in range(14):
        # 12 people aged 25-34 (shown), 2 aged 65+ (suppressed).
        user = UserFactory()
        Profile.objects.create(user=user, age_band="25-34" if i < 12 else "65+")
        services.accept_charter(user=user, consultation=consultation)
        services.save_answers(
            user=user, consultation=consultation, answers={single.pk: [yes.pk if i % 2 else no.pk]}
        )
    services.transition(actor=organiser, consultation=consultation, to_phase="closed")
    response = client.get(url("results", consultation.slug) + "?stratum=age_band")
    assert response.status_code == 200
    block = response.context["closed"][0]
    assert [r["count"] for r in block["rows"]] == [7, 7]
    breakdown = block["breakdown"]
    # Everyone gave an age: the 12 shown beside the total of 14 would give away how the two people aged
    # 65+ answered (7 - 6 and 7 - 6), so the 12 are hidden with them.
    assert breakdown["groups"] == [] and breakdown["suppressed_groups"] == 2
    # Participation per day, dated as French readers write it (not "30 Nov 2026").
    today = timezone.localdate()
    french = client.get(url("results", consultation.slug), HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    with translation.override("fr"):
        assert f"{today.day} {date_format(today, 'F')} {today.year}" in french


def test_results_hidden_while_open_for_citizens(client, citizen, consultation):
    client.force_login(citizen)
    assert client.get(url("results", consultation.slug)).status_code == 302


def test_organiser_creates_consultation_adds_questions_and_opens_it(client, organiser):
    with_totp(organiser)
    client.force_login(organiser)
    response = client.post(
        url("create"),
        {
            "slug": "nouvelle-consultation",
            "title_fr": "Nouvelle",
            "moderation": "pre",
            "proposals_allowed": "on",
            "max_proposal_length": "500",
        },
    )
    assert response.status_code == 302
    consultation = Consultation.objects.get(slug="nouvelle-consultation")
    assert consultation.phase == "draft" and consultation.moderation == "pre"
    client.post(url("questions", "nouvelle-consultation"), {"kind": "scale", "text_fr": "D'accord ?"})
    client.post(
        url("questions", "nouvelle-consultation"),
        {"kind": "single", "text_fr": "Un seul choix", "choices": "Non"},
    )
    assert consultation.questions.count() == 1  # the second lacks choices: refused with a message
    assert consultation.questions.get().choices.count() == 5
    client.post(
        url("change_phase", "nouvelle-consultation"), {"phase": "synthesis_published", "understood": "yes"}
    )
    consultation.refresh_from_db()
    assert consultation.phase == "draft"
    client.post(url("change_phase", "nouvelle-consultation"), {"phase": "open", "understood": "yes"})
    consultation.refresh_from_db()
    assert consultation.phase == "open"


def test_citizen_cannot_reach_organiser_pages(client, citizen, consultation):
    client.force_login(citizen)
    assert client.get(url("manage", consultation.slug)).status_code == 403
    assert (
        client.post(
            url("change_phase", consultation.slug), {"phase": "closed", "understood": "yes"}
        ).status_code
        == 403
    )
    assert (
        client.get(url("detail", make_consultation(slug="brouillon", phase="draft").slug)).status_code == 404
    )


def test_gdpr_export_and_erasure_choices(member, consultation):
    from accounts.services import erase_account, export_personal_data

    proposal = services.submit_proposal(user=member, consultation=consultation, text="Gardée")
    other = UserFactory()
    services.accept_charter(user=other, consultation=consultation)
    theirs = services.submit_proposal(user=other, consultation=consultation, text="Autre")
    services.cast_vote(user=member, proposal=theirs, value="agree")
    data = export_personal_data(member)
    assert data["consultation"]["proposals"][0]["text"] == "Gardée"
    assert data["consultation"]["votes"] == [json.loads(json.dumps(data["consultation"]["votes"][0]))]
    erase_account(user=member, keep_contributions=True)
    assert Proposal.objects.filter(pk=proposal.pk).exists() and Vote.objects.count() == 1
    services.cast_vote(user=other, proposal=proposal, value="agree")
    erase_account(user=other, keep_contributions=False)
    assert not Proposal.objects.filter(pk=theirs.pk).exists()
    proposal.refresh_from_db()
    assert Vote.objects.filter(proposal=proposal).count() == 0 and proposal.agree_count == 0


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_pages_render_in_both_languages(client, consultation, lang):
    client.cookies["django_language"] = lang
    for name in ("list",):
        assert client.get(url(name)).status_code == 200
    assert client.get(url("detail", consultation.slug)).status_code == 200
    assert client.get(url("proposals", consultation.slug)).status_code == 200
    assert client.get(url("open_data", consultation.slug)).status_code == 200


@pytest.mark.parametrize(
    "ages, shown",
    [
        ({"25-34": 12, "35-49": 11, "65+": 2}, [12]),  # the 11 are hidden with the 2
        ({"25-34": 12, "65+": 2, "": 3}, [12]),  # three people gave no age: the 2 are not recoverable
        ({"25-34": 12, "35-49": 11}, [11, 12]),
    ],
)
def test_results_never_let_a_small_group_be_worked_out(client, organiser, consultation, ages, shown):
    """Whatever the groups, the people of the shown groups never differ from the question's total by a
    single small group: its answers could be worked out by subtraction."""
    single = consultation.questions.first()
    yes, no = single.choices.all()
    for band, n in ages.items():
        for i in range(n):
            user = UserFactory()
            Profile.objects.create(user=user, age_band=band)
            services.accept_charter(user=user, consultation=consultation)
            services.save_answers(
                user=user, consultation=consultation, answers={single.pk: [yes.pk if i % 2 else no.pk]}
            )
    services.transition(actor=organiser, consultation=consultation, to_phase="closed")
    response = client.get(url("results", consultation.slug) + "?stratum=age_band")
    block = response.context["closed"][0]
    people = sorted(g["people"] for g in block["breakdown"]["groups"])
    assert people == shown
    residual = block["respondents"] - sum(people)
    small = [n for band, n in ages.items() if band and n < 10]
    assert residual not in small or residual == 0
    page = response.content.decode()
    assert "ni un second groupe dont l’effectif pourrait être déduit des autres" in page
