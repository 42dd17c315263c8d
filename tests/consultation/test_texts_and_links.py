"""Wording and links a citizen meets around their contributions: the *My contributions* link in the header
and in *My account*, vote counts worded alike everywhere, real plurals, the consent history in words, the
moderation reason not marked optional."""

import re
from html import unescape

from django.urls import reverse

from consultation import services
from consultation.models import Proposal

MINE = "/consultations/mes-contributions/"


def test_header_links_to_my_contributions_when_signed_in(client, citizen, consultation):
    assert MINE not in client.get("/").content.decode()  # nothing of one's own to see when signed out
    client.force_login(citizen)
    detail = reverse("consultation:detail", args=[consultation.slug])
    for address in ("/", reverse("accounts:dashboard"), detail):
        page = client.get(address).content.decode()
        assert re.search(rf'<a class="fr-btn[^"]*" href="{MINE}"[^>]*>Mes contributions</a>', page), address
    page = client.get(MINE).content.decode()
    assert f'href="{MINE}" aria-current="page"' in page


def test_my_account_links_to_my_contributions(client, member, consultation):
    client.force_login(member)
    page = unescape(client.get(reverse("accounts:dashboard")).content.decode())
    assert "<h2>Mes contributions</h2>" in page and f'href="{MINE}"' in page
    assert "aucune pour l’instant" in page
    services.submit_proposal(user=member, consultation=consultation, text="Un registre des refus en ligne")
    page = unescape(client.get(reverse("accounts:dashboard")).content.decode())
    assert "Consultation test</a> — 1 proposition" in page
    assert f'<a href="{MINE}">Voir ce qu’elles sont devenues' in page


def test_vote_counts_are_worded_alike_on_the_list_and_on_my_contributions(client, member, consultation):
    proposal = services.submit_proposal(user=member, consultation=consultation, text="Une proposition")
    Proposal.objects.filter(pk=proposal.pk).update(agree_count=2, disagree_count=1, pass_count=0)
    client.force_login(member)
    listing = client.get(reverse("consultation:proposals", args=[consultation.slug])).content.decode()
    mine = client.get(MINE).content.decode()
    for page in (listing, mine):
        words = unescape(" ".join(re.sub(r"<[^>]+>", " ", page).split()))
        assert "2 d’accord · 1 pas d’accord · 0 passe" in words
        assert "passent" not in words
    Proposal.objects.filter(pk=proposal.pk).update(pass_count=3)
    client.cookies["django_language"] = "en"
    mine = " ".join(re.sub(r"<[^>]+>", " ", client.get(MINE).content.decode()).split())
    assert "2 agree · 1 disagrees · 3 pass" in mine


def test_saved_answers_message_has_a_real_plural(client, member, consultation):
    client.force_login(member)
    single, open_question = consultation.questions.order_by("position")
    yes = single.choices.first()
    page = client.post(
        reverse("consultation:answer", args=[consultation.slug]), {f"q{single.pk}": yes.pk}, follow=True
    ).content.decode()
    assert "1 réponse enregistrée. Vous pouvez la modifier" in page
    page = client.post(
        reverse("consultation:answer", args=[consultation.slug]),
        {f"q{single.pk}": yes.pk, f"q{open_question.pk}": "Parce que."},
        follow=True,
    ).content.decode()
    assert "2 réponses enregistrées. Vous pouvez les modifier" in page
    assert "(s)" not in page


def test_charter_consent_is_shown_by_consultation_title_and_version(client, member, consultation):
    client.force_login(member)
    page = client.get(reverse("accounts:dashboard")).content.decode()
    assert "test-consultation:v1" not in page
    assert "<td>Charte de la consultation — Consultation test</td><td>version 1</td>" in page


def test_moderation_reason_is_not_marked_optional(client, member, consultation, moderator):
    proposal = services.submit_proposal(user=member, consultation=consultation, text="À modérer")
    services.report_proposal(user=moderator, proposal=proposal, reason="Hors sujet")
    client.force_login(moderator)
    for language, label in (("fr", "Motif public du masquage"), ("en", "Public reason for hiding")):
        client.cookies["django_language"] = language
        page = client.get(reverse("consultation:moderation")).content.decode()
        field = page[page.index(f'for="id_p{proposal.pk}-reason"') :]
        field = field[: field.index("</label>")]
        assert label in field
        assert "Optionnel" not in field and "Optional" not in field
        tag = re.search(rf'<input[^>]*name="p{proposal.pk}-reason"[^>]*>', page).group(0)
        assert " required" not in tag  # publishing needs no reason
    client.post(reverse("consultation:moderate", args=[proposal.pk]), {f"p{proposal.pk}-decision": "hide"})
    proposal.refresh_from_db()
    assert proposal.status == "visible"  # hiding without a reason is still refused
    client.post(reverse("consultation:moderate", args=[proposal.pk]), {f"p{proposal.pk}-decision": "approve"})
    assert not proposal.reports.filter(resolved_at__isnull=True).exists()  # publishing needs none
