"""A bilingual field shown in the other language is marked with it (WCAG 3.1.2, RGAA 8.7): a consultation
with no English title shows its French one on the English pages, inside an element with lang="fr", so a
screen reader reads it with a French voice; with an English title nothing is added
(consultation.languages.shown, the one rule). A Pol.is import puts the topic in the field of the
conversation's language."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from consultation import services
from consultation.models import Consultation
from tests.helpers import make_consultation
from tests.html_parts import languages_of_text

pytestmark = pytest.mark.django_db

FRENCH_TITLE = "Don de données de santé par défaut"
FRENCH_CONTEXT = "Faut-il que chacun donne ses données de santé, sauf refus exprès ?"


def _body(page: str) -> str:
    """The page's body: its <title> in the head cannot mark part of itself."""
    return page[page.index("<body") :]


def _english(client, url) -> str:
    client.cookies["django_language"] = "en"
    page = client.get(url).content.decode()
    assert '<html lang="en"' in page
    return _body(page)


def _languages(page: str, text: str) -> set:
    found = languages_of_text(page, text)
    assert found, f"{text!r} is not on the page"
    return set(found)  # None: no lang on the way up to <body>, read in the page's language


@pytest.fixture
def french_only(db):
    return make_consultation("sante", title_fr=FRENCH_TITLE, title_en="", context_fr=FRENCH_CONTEXT)


PAGES = ["consultation:detail", "consultation:list", "home", "consultation:proposals"]


@pytest.mark.parametrize("page", PAGES)
def test_a_french_only_title_on_an_english_page_is_marked_french(client, french_only, page):
    url = reverse(page, args=[french_only.slug]) if page.endswith(("detail", "proposals")) else reverse(page)
    html = _english(client, url)
    assert _languages(html, FRENCH_TITLE) == {"fr"}
    if page != "consultation:proposals":
        assert _languages(html, FRENCH_CONTEXT[:40]) == {"fr"}


def test_an_english_title_gets_no_lang_and_the_french_page_none_either(client):
    consultation = make_consultation(
        "sante", title_fr=FRENCH_TITLE, title_en="Health data donation by default", context_en="Should we?"
    )
    url = reverse("consultation:detail", args=[consultation.slug])
    assert _languages(_english(client, url), "Health data donation by default") == {None}
    assert FRENCH_TITLE not in _english(client, url)
    client.cookies["django_language"] = "fr"
    assert _languages(_body(client.get(url).content.decode()), FRENCH_TITLE) == {None}


def test_the_title_quoted_in_a_sentence_is_marked_too(client, french_only, citizen):
    proposal = services.submit_proposal(
        user=_member(citizen, french_only), consultation=french_only, text="Des bancs publics."
    )
    html = _english(client, reverse("consultation:proposal", args=[french_only.slug, proposal.pk]))
    assert _languages(html, FRENCH_TITLE) == {"fr"}
    assert "All the proposals of" in html


def _member(user, consultation):
    services.accept_charter(user=user, consultation=consultation)
    return user


def test_questions_and_choices_without_english_are_marked_french_in_the_questionnaire(client, citizen):
    consultation = make_consultation(
        "sante", phase="draft", title_fr=FRENCH_TITLE, title_en="Health data", questions=False
    )
    services.add_question(
        actor=None,
        consultation=consultation,
        kind="single",
        text_fr="Êtes-vous d’accord avec le don par défaut ?",
        text_en="",
        help_fr="Une seule réponse.",
        choices=[("Tout à fait", ""), ("Pas du tout", "Not at all")],
    )
    services.transition(actor=None, consultation=consultation, to_phase="open")
    client.force_login(_member(citizen, consultation))
    html = _english(client, reverse("consultation:detail", args=[consultation.slug]))
    assert _languages(html, "Êtes-vous d’accord avec le don par défaut") == {"fr"}
    assert _languages(html, "Une seule réponse.") == {"fr"}
    assert _languages(html, "Tout à fait") == {"fr"}
    assert _languages(html, "Not at all") == {None}


def test_a_french_page_marks_an_english_only_title_english(client):
    consultation = make_consultation("london", title_fr="", title_en="Youth policing in London")
    client.cookies["django_language"] = "fr"
    url = reverse("consultation:detail", args=[consultation.slug])
    assert _languages(_body(client.get(url).content.decode()), "Youth policing in London") == {"en"}


def _import_polis(test_data, slug, **options):
    folder = test_data / "polis" / "london.youth.policing"
    call_command("import_polis", str(folder), consultation=slug, stdout=StringIO(), **options)
    return Consultation.objects.get(slug=slug)


def test_a_polis_import_in_english_fills_the_english_title_and_the_french_page_marks_it(client, test_data):
    consultation = _import_polis(test_data, "londres", language="en")
    assert consultation.title_en and not consultation.title_fr
    assert consultation.context_fr == ""
    client.cookies["django_language"] = "fr"
    url = reverse("consultation:detail", args=[consultation.slug])
    page = _body(client.get(url).content.decode())
    assert _languages(page, consultation.title_en) == {"en"}
    assert _languages(_english(client, url), consultation.title_en) == {None}


def test_a_polis_import_without_a_language_guesses_none(test_data):
    consultation = _import_polis(test_data, "londres")
    assert consultation.title_fr and consultation.title_fr == consultation.title_en


def test_my_account_and_my_contributions_mark_the_french_title(client, citizen, french_only):
    services.submit_proposal(
        user=_member(citizen, french_only), consultation=french_only, text="Des bancs publics."
    )
    client.force_login(citizen)
    account = _english(client, reverse("accounts:dashboard"))
    # The My contributions section, and the consent to its charter in the consent history.
    assert _languages(account, FRENCH_TITLE) == {"fr"}
    assert len(languages_of_text(account, FRENCH_TITLE)) >= 2
    mine = _english(client, reverse("consultation:mine"))
    assert _languages(mine, FRENCH_TITLE) == {"fr"}


def test_a_charter_with_no_english_text_is_marked_french(client, french_only):
    services.update_charter(
        actor=None, consultation=french_only, text_fr="Chacun s’exprime avec respect.", text_en=""
    )
    html = _english(client, reverse("consultation:detail", args=[french_only.slug]))
    assert _languages(html, "Chacun s’exprime avec respect.") == {"fr"}


def test_the_open_data_readme_names_an_english_only_import_by_its_english_title(test_data):
    import io
    import zipfile

    from consultation.opendata import build_archive

    consultation = _import_polis(test_data, "londres", language="en")
    readme = zipfile.ZipFile(io.BytesIO(build_archive(consultation))).read("README.md").decode()
    assert readme.startswith(f"# Open data: {consultation.title_en}\n")


def test_the_dashboard_marks_a_french_only_title(organiser_client, french_only):
    html = _english(organiser_client, reverse("analysis:dashboard"))
    assert _languages(html, FRENCH_TITLE) == {"fr"}
