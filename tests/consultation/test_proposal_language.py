"""A proposal's text is marked with the language it is written in (WCAG 3.1.2, RGAA 8.7), so that a
screen reader reads an English proposal on a French page with an English voice. The language is recorded,
never guessed: the interface's language when a citizen submits it, an import file's language column."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from consultation import services
from consultation.languages import language_tag
from consultation.models import Consultation, Proposal
from tests.factories import UserFactory
from tests.html_parts import language_of_text, languages_of_text

pytestmark = pytest.mark.django_db

ENGLISH = "Patients should be able to see who accessed their records."
FRENCH = "Un registre des refus simple, en ligne et au guichet."


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_proposal_is_stored_in_the_language_of_the_interface_it_was_written_in(
    client, member, consultation, language
):
    client.force_login(member)
    client.cookies["django_language"] = language
    address = reverse("consultation:propose", args=[consultation.slug])
    client.post(address, {"text": ENGLISH, "step": "confirm"})
    assert Proposal.objects.get(author=member).language == language


def _proposals(consultation):
    author = UserFactory()
    services.accept_charter(user=author, consultation=consultation)
    english = services.submit_proposal(user=author, consultation=consultation, text=ENGLISH, language="en")
    french = services.submit_proposal(user=author, consultation=consultation, text=FRENCH, language="fr")
    unknown = services.submit_proposal(user=author, consultation=consultation, text="Sans langue connue.")
    return english, french, unknown


def test_a_french_page_marks_the_english_proposal_in_english(client, member, consultation):
    english, french, _unknown = _proposals(consultation)
    client.force_login(member)
    client.cookies["django_language"] = "fr"
    pages = [
        reverse("consultation:proposals", args=[consultation.slug]),  # the list of cards
        reverse("consultation:proposal", args=[consultation.slug, english.pk]),  # the proposal's page
        reverse("consultation:report", args=[consultation.slug, english.pk]),  # reporting it
    ]
    for address in pages:
        page = client.get(address).content.decode()
        assert '<html lang="fr"' in page, address
        assert language_of_text(page, ENGLISH) == "en", address
    page = client.get(pages[0]).content.decode()
    # The vote buttons and the link to its page name the proposal for screen readers ("Agree — Patients
    # should…"): in English too, as the card's text.
    assert languages_of_text(page, "Patients should be able to see who") == ["en"] * 5
    assert language_of_text(page, FRENCH) == "fr"
    assert language_of_text(page, "Sans langue connue.") == "fr"  # unknown: the page's own, not guessed


def test_the_english_interface_marks_a_french_proposal_in_french(client, consultation):
    _english, french, _unknown = _proposals(consultation)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("consultation:proposals", args=[consultation.slug])).content.decode()
    assert '<html lang="en"' in page
    assert language_of_text(page, FRENCH) == "fr"
    assert language_of_text(page, ENGLISH) == "en"


def test_my_contributions_mark_my_proposals_and_those_i_voted_on(client, member, consultation):
    english, _french, _unknown = _proposals(consultation)
    services.cast_vote(user=member, proposal=english, value="agree")
    mine = services.submit_proposal(
        user=member, consultation=consultation, text=ENGLISH + " Again.", language="en"
    )
    client.force_login(member)
    client.cookies["django_language"] = "fr"
    page = client.get(reverse("consultation:mine")).content.decode()
    assert language_of_text(page, mine.text) == "en"
    assert language_of_text(page, "Patients should be able to see who accessed") == "en"  # the vote's link


@pytest.mark.parametrize(
    "value, stored", [("en", "en"), (" EN ", "en"), ("en_GB", "en-gb"), ("English", ""), ("", ""), (None, "")]
)
def test_a_language_is_stored_as_a_tag_or_not_at_all(value, stored):
    assert language_tag(value) == stored


def _import(tmp_path, consultation, content: str, **options):
    path = tmp_path / "contributions.csv"
    path.write_text(content, encoding="utf-8")
    err = StringIO()
    call_command("import_contributions", str(path), consultation=consultation.slug, text_column="texte",
                 stdout=StringIO(), stderr=err, **options)  # fmt: skip
    return {
        p.text: p.language for p in Proposal.objects.filter(source=Proposal.Source.IMPORT)
    }, err.getvalue()


FILE = f'texte,langue\n{ENGLISH},en\n"{FRENCH}",fr\nSans code de langue,Français\n'


def test_an_import_records_the_language_only_from_a_language_column(tmp_path, consultation):
    # Without a language column nothing is guessed, even for an English text.
    languages, _err = _import(tmp_path, consultation, FILE)
    assert set(languages.values()) == {""}
    # Imported again with the column: the rows already there get the language the file gives.
    languages, err = _import(tmp_path, consultation, FILE, language_column="langue")
    assert languages == {ENGLISH: "en", FRENCH: "fr", "Sans code de langue": ""}
    assert "1 row gives a language that is not a code" in err or "1 ligne donne une langue" in err


def test_the_import_page_takes_a_language_column(client, organiser, consultation):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from consultation.models import ContributionImport
    from consultation.tasks import run_contribution_import
    from tests.conftest import with_totp

    client.force_login(with_totp(organiser))
    upload = SimpleUploadedFile("registre.csv", FILE.encode(), content_type="text/csv")
    address = reverse("consultation:import", args=[consultation.slug])
    form = client.get(address, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Nom de la colonne de langue" in form
    client.post(address, {"file": upload, "text_column": "texte", "language_column": "langue"})
    run_contribution_import(ContributionImport.objects.latest("id").pk)
    assert Proposal.objects.get(text=ENGLISH).language == "en"
    page = client.get(address, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "1 ligne donne une langue qui n’est pas un code" in page


def test_demo_proposals_know_their_language(db):
    from consultation.demo import load_demo_contributions, record_demo_languages
    from consultation.demo_texts import ENGLISH as DEMO_ENGLISH

    call_command("load_consultation", "data-donation", stdout=StringIO())
    consultation = Consultation.objects.get(slug="data-donation")
    load_demo_contributions(consultation, participants=40)
    proposals = Proposal.objects.filter(consultation=consultation)
    assert not proposals.filter(language="").exists()
    english = proposals.filter(text__in=DEMO_ENGLISH)
    assert english.exists() and set(english.values_list("language", flat=True)) == {"en"}
    assert set(proposals.exclude(text__in=DEMO_ENGLISH).values_list("language", flat=True)) == {"fr"}
    # A demo loaded before languages were recorded gets them when `make demo` runs again.
    proposals.update(language="")
    load_demo_contributions(consultation, participants=40)
    assert (
        not proposals.filter(language="").exists()
        and english.filter(language="en").count() == english.count()
    )
    assert record_demo_languages(consultation) == 0
