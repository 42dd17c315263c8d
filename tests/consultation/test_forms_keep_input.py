"""What a citizen typed survives a refusal, and the refusal is shown where the problem is: the
questionnaire, the charter checkbox, the proposal preview (voting on a similar proposal comes back to the
draft). Visitors are shown the way into voting; form hints state the limits they enforce."""

import html
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from accounts.models import ConsentRecord
from consultation import services
from consultation.models import Answer, Consultation, Proposal, Vote
from tests.conftest import with_totp
from tests.factories import UserFactory
from tests.helpers import make_consultation
from tests.typography import text_of

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"consultation:{name}", args=args)


@pytest.fixture
def consultation(db):
    """Q1 single choice and Q2 open (as in conftest), plus Q3 multiple and Q4 open."""
    consultation = make_consultation(phase="draft")
    services.add_question(
        actor=None,
        consultation=consultation,
        kind="multiple",
        text_fr="Quels usages ?",
        choices=[("Recherche", "Research"), ("Soins", "Care"), ("Industrie", "Industry")],
    )
    services.add_question(actor=None, consultation=consultation, kind="open", text_fr="Autre chose ?")
    services.transition(actor=None, consultation=consultation, to_phase="open")
    return Consultation.objects.get(pk=consultation.pk)


@pytest.fixture
def questionnaire(consultation):
    return list(consultation.questions.prefetch_related("choices"))


def _checked(page: str, name: str, value) -> bool:
    tag = re.search(rf'<input[^>]*name="{name}"[^>]*value="{value}"[^>]*>', page)
    return tag is not None and "checked" in tag.group(0)


# --- Finding 1: the questionnaire keeps every answer and says which one failed -------------------------


def test_a_too_long_answer_comes_back_with_every_answer_kept_and_the_error_under_its_question(
    client, member, consultation, questionnaire
):
    single, open_1, multiple, open_2 = questionnaire
    yes = single.choices.first()
    care = multiple.choices.all()[1]
    client.force_login(member)
    response = client.post(
        url("answer", consultation.slug),
        {
            f"q{single.pk}": yes.pk,
            f"q{open_1.pk}": "Parce que la recherche en a besoin.",
            f"q{multiple.pk}": [care.pk],
            f"q{open_2.pk}": "x" * 5001,
        },
    )
    assert response.status_code == 400  # the page again, not a redirect to its top
    assert not Answer.objects.exists()
    page = response.content.decode()
    assert _checked(page, f"q{single.pk}", yes.pk) and _checked(page, f"q{multiple.pk}", care.pk)
    assert "Parce que la recherche en a besoin." in page
    assert "x" * 5001 in page  # even the refused text, to shorten rather than retype
    # The error is under the question that failed, and only there; the summary links to it.
    form = response.context["questionnaire"]
    assert list(form.errors) == [f"q{open_2.pk}"]
    message = "Ce texte compte au plus 5\xa0000 caractères\xa0; il en compte 5\xa0001."
    assert form.errors[f"q{open_2.pk}"] == [message]
    under = page.split(f'id="id_q{open_2.pk}-desc-error"')[1].split("</div>")[0]
    assert message in html.unescape(under)
    shown = text_of(response)
    assert "Ce texte compte au plus 5 000 caractères ; il en compte 5 001." in shown
    assert "Le formulaire contient 1 erreur" in shown  # the site's error summary
    assert f'href="#id_q{open_2.pk}"' in page and f'id="id_q{open_2.pk}"' in page
    # The form sends the reader back to the questionnaire, not to the top of the page.
    assert f'action="{url("answer", consultation.slug)}#questionnaire"' in page
    assert 'id="questionnaire"' in page


def test_line_breaks_count_as_one_character_as_in_the_browser(client, member, consultation, questionnaire):
    _single, open_1, *_rest = questionnaire
    # 50 paragraphs of 99 letters: 5,000 characters in the textarea, 5,050 once the browser sends CR LF.
    typed = ("x" * 99 + "\r\n") * 50
    client.force_login(member)
    response = client.post(url("answer", consultation.slug), {f"q{open_1.pk}": typed})
    assert response.status_code == 302
    saved = Answer.objects.get(question=open_1).text
    assert "\r" not in saved and saved == typed.replace("\r\n", "\n").strip()


def test_answers_refused_for_a_changed_charter_wait_for_its_acceptance(
    client, member, consultation, questionnaire
):
    single, open_1, *_rest = questionnaire
    no = single.choices.all()[1]
    services.update_charter(actor=None, consultation=consultation, text_fr="1. Respect. Je reste courtois.")
    client.force_login(member)
    response = client.post(
        url("answer", consultation.slug), {f"q{single.pk}": no.pk, f"q{open_1.pk}": "Mon avis détaillé."}
    )
    assert response.status_code == 302 and response["Location"].endswith("#said-charter")
    assert not Answer.objects.exists()
    page = text_of(client.get(response["Location"]))
    assert "Vos réponses au questionnaire sont conservées" in page
    accepted = client.post(url("accept_charter", consultation.slug), {"accept": "on", "version": "2"})
    assert accepted["Location"].endswith("#said-questionnaire")
    detail = client.get(accepted["Location"])
    body = detail.content.decode()
    assert "Mon avis détaillé." in body and _checked(body, f"q{single.pk}", no.pk)
    assert "ne sont pas encore enregistrées" in text_of(detail)
    answers = {f"q{single.pk}": no.pk, f"q{open_1.pk}": "Mon avis détaillé."}
    client.post(url("answer", consultation.slug), answers)
    assert Answer.objects.get(question=open_1).text == "Mon avis détaillé."
    assert "ne sont pas encore enregistrées" not in text_of(client.get(url("detail", consultation.slug)))


def test_a_refusal_by_the_service_is_shown_in_the_form_with_the_answers_kept(
    client, member, consultation, questionnaire, organiser
):
    _single, open_1, *_rest = questionnaire
    client.force_login(member)
    page = client.get(url("detail", consultation.slug))  # the person starts writing...
    assert page.context["questionnaire"] is not None
    services.transition(actor=organiser, consultation=consultation, to_phase="closed")  # ...it closes
    response = client.post(url("answer", consultation.slug), {f"q{open_1.pk}": "Ma réponse longue."})
    assert response.status_code == 403
    assert "Ma réponse longue." in response.content.decode()
    assert "contributions sont closes" in text_of(response)
    assert not Answer.objects.exists()


def test_reloading_the_address_of_a_refused_form_goes_back_to_the_page(client, member, consultation):
    client.force_login(member)
    assert client.get(url("answer", consultation.slug))["Location"].endswith("#questionnaire")
    assert client.get(url("accept_charter", consultation.slug))["Location"].endswith("#charter")


# --- Finding 21: the charter error is next to the checkbox ---------------------------------------------


def test_an_unticked_charter_box_shows_its_error_beside_the_checkbox(client, citizen, consultation):
    client.force_login(citizen)
    response = client.post(url("accept_charter", consultation.slug), {"version": "1"})
    assert response.status_code == 400
    page = response.content.decode()
    assert f'action="{url("accept_charter", consultation.slug)}#charter"' in page
    group = re.search(r'<div class="fr-checkbox-group fr-checkbox-group--error.*?</div>\s*</div>', page, re.S)
    assert group is not None and 'name="accept"' in group.group(0)
    assert "Cochez la case pour accepter la charte." in html.unescape(group.group(0))
    assert not ConsentRecord.objects.filter(user=citizen, purpose="charter").exists()


# --- Finding 5: the hints state the limits -------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "expected"),
    [("fr", "(1 000 caractères au plus)"), ("en", "(at most 1,000 characters)")],
)
def test_the_proposal_hint_states_the_length_limit(client, member, consultation, lang, expected):
    client.force_login(member)
    with translation.override(lang):
        response = client.get(url("propose", consultation.slug), HTTP_ACCEPT_LANGUAGE=lang)
    assert expected in text_of(response)


@override_settings(PACTE_IMPORT_PAGE_MAX_MB=50)
def test_the_import_page_states_the_file_size_limit(client, organiser, consultation):
    with_totp(organiser)
    client.force_login(organiser)
    response = client.get(url("import", consultation.slug))
    assert "jusqu’à 50 Mo" in text_of(response)


def test_a_too_long_proposal_is_refused_with_grouped_counts(client, member, consultation):
    client.force_login(member)
    response = client.post(url("propose", consultation.slug), {"text": "a" * 1001, "step": "preview"})
    assert "au plus 1 000 caractères (la vôtre en compte 1 001)" in text_of(response)
    assert "a" * 1001 in response.content.decode()


def test_switching_language_on_a_refused_form_goes_back_to_the_page_of_the_form(
    client, member, consultation, questionnaire
):
    """A refused form is shown at the address it was sent to, which answers only POST: the language
    switcher goes back to the page the form was on, not to that address."""
    open_2 = questionnaire[3]
    client.force_login(member)
    page_url = url("detail", consultation.slug)
    response = client.post(
        url("answer", consultation.slug),
        {f"q{open_2.pk}": "x" * 5001},
        HTTP_REFERER=f"http://testserver{page_url}",
    )
    assert response.status_code == 400
    switch = re.search(r'name="next" value="([^"]*)"', response.content.decode()).group(1)
    assert switch == page_url
    back = client.post(reverse("set_language"), {"language": "en", "next": switch}, follow=True)
    assert back.status_code == 200 and back.redirect_chain[-1][0] == page_url
    # On an ordinary page the switcher comes back to the page itself.
    page = client.get(page_url + "?tri=recent").content.decode()
    assert re.search(r'name="next" value="([^"]*)"', page).group(1) == html.escape(page_url + "?tri=recent")


# --- Finding 6: voting on a similar proposal keeps the draft -------------------------------------------


def test_voting_on_a_similar_proposal_comes_back_to_the_preview_with_the_draft(client, member, consultation):
    other = UserFactory()
    services.accept_charter(user=other, consultation=consultation)
    similar = services.submit_proposal(
        user=other,
        consultation=consultation,
        text="Les données de santé doivent être hébergées en Europe sur un cloud souverain.",
    )
    client.force_login(member)
    draft = "Héberger les données de santé sur un cloud souverain européen"
    preview = client.post(url("propose", consultation.slug), {"text": draft, "step": "preview"})
    back_to = url("propose", consultation.slug) + "?step=preview"
    assert f'name="next" value="{back_to}"' in preview.content.decode()

    voted = client.post(url("vote", consultation.slug, similar.pk), {"value": "agree", "next": back_to})
    assert voted["Location"] == f"{back_to}#said-proposal-{similar.pk}"
    assert Vote.objects.get(proposal=similar).value == Vote.Value.AGREE
    page = client.get(voted["Location"])
    body = page.content.decode()
    assert draft in body  # the draft is still there, ready to publish
    assert f'id="proposal-{similar.pk}"' in body  # the anchor exists
    assert re.search(r'value="agree" aria-pressed="true"', body)
    assert "Votre vote « D’accord » est enregistré." in text_of(page)

    client.post(url("propose", consultation.slug), {"text": draft, "step": "confirm"})
    assert Proposal.objects.filter(author=member, text=draft).exists()
    assert draft not in client.get(url("propose", consultation.slug)).content.decode()  # published: gone


def test_a_draft_can_be_edited_or_dropped(client, member, consultation):
    client.force_login(member)
    draft = "Informer chaque patient par courrier"
    client.post(url("propose", consultation.slug), {"text": draft, "step": "preview"})
    edit = client.get(url("propose", consultation.slug))
    assert edit.context["form"]["text"].value() == draft
    dropped = client.post(url("propose", consultation.slug), {"text": draft, "step": "discard"})
    assert dropped["Location"] == url("proposals", consultation.slug)
    assert client.get(url("propose", consultation.slug)).context["form"]["text"].value() in (None, "")
    assert not Proposal.objects.exists()


# --- Finding 10: visitors are shown the way into voting ------------------------------------------------


def test_visitors_see_the_counts_and_a_way_to_sign_in_and_vote(client, consultation):
    author = UserFactory()
    services.accept_charter(user=author, consultation=consultation)
    proposal = services.submit_proposal(user=author, consultation=consultation, text="Former les médecins.")
    Proposal.objects.filter(pk=proposal.pk).update(agree_count=3)
    listing = url("proposals", consultation.slug) + "?order=agreed"
    response = client.get(listing)
    page = response.content.decode()
    shown = text_of(response)
    assert "3 d’accord" in shown  # the counts stay
    assert "Connectez-vous pour voter sur ces propositions et faire les vôtres." in shown
    assert "Se connecter pour voter" in shown
    back = f"%2Fconsultations%2F{consultation.slug}%2Fpropositions%2F%3Forder%3Dagreed"
    sign_in = f"{reverse('account_login')}?next={back}"
    assert f'href="{sign_in}"' in page
    assert f'href="{url("propose", consultation.slug)}"' in page  # "Make a proposal" leads to signing in
    assert "Faire une proposition" in shown
    assert 'name="value"' not in page  # no vote form that would only bounce
