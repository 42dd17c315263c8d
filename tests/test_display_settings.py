"""The display-settings dialog (light, dark or system theme) that every page carries: all in the page's
language, and each choice's hint read once by a screen reader (django-dsfr's "System" hint sat inside the
label and was pointed at again by aria-describedby, so it was read twice)."""

import re

import pytest
from django.test import Client

from tests.accounts.test_field_a11y import _Fields, assert_each_hint_read_once, name_and_descriptions
from tests.typography import visible_text

pytestmark = pytest.mark.django_db

HINT = {"fr": "Utilise les paramètres système.", "en": "Uses system settings."}
CHOICES = {
    "fr": {"light": "Thème clair", "dark": "Thème sombre", "system": "Système"},
    "en": {"light": "Light theme", "dark": "Dark theme", "system": "System"},
}
SAME_IN_BOTH = {"site"}  # "…the appearance of the site" / "…l’apparence du site"


def dialog_of(response) -> str:
    assert response.status_code in (200, 403, 404)
    dialogs = re.findall(r'<dialog id="fr-theme-modal".*?</dialog>', response.content.decode(), re.S)
    assert len(dialogs) == 1
    return dialogs[0]


def words(html: str) -> set[str]:
    return set(re.findall(r"\w+", visible_text(html).lower()))


def pages(language: str, citizen):
    visitor = Client()
    visitor.cookies["django_language"] = language
    yield visitor.get("/")
    yield visitor.get("/accounts/login/")
    yield visitor.get("/consultations/pas-de-consultation-ici/")  # 404, with the site around it
    member = Client()
    member.cookies["django_language"] = language
    member.force_login(citizen)
    yield member.get("/consultations/")


@pytest.mark.parametrize("language,other", [("fr", "en"), ("en", "fr")])
def test_the_display_settings_dialog_is_in_the_pages_language_on_every_kind_of_page(citizen, language, other):
    other_words = words(dialog_of(next(pages(other, citizen)))) - SAME_IN_BOTH
    for response in pages(language, citizen):
        dialog = dialog_of(response)
        assert f'<html lang="{language}"' in response.content.decode()
        text = re.sub(r"\s+", " ", visible_text(dialog))
        assert {"fr": "Paramètres d’affichage", "en": "Display settings"}[language] in text
        assert HINT[language] in text and all(c in text for c in CHOICES[language].values())
        assert not words(dialog) & other_words, (response.request["PATH_INFO"], words(dialog) & other_words)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_each_theme_choice_is_named_by_its_label_and_the_system_hint_is_read_once(citizen, language):
    fields = _Fields()
    fields.feed(dialog_of(next(pages(language, citizen))))
    for value, label in CHOICES[language].items():
        name, descriptions = name_and_descriptions(fields, f"fr-radios-theme-{value}")
        read = [name, *descriptions]
        if value == "system":
            assert name == f"{label} {HINT[language]}" and descriptions == []
            assert sum(part.count(HINT[language]) for part in read) == 1
        else:
            assert (name, descriptions) == (label, [])
    assert_each_hint_read_once(fields)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_page_offers_a_button_that_opens_the_display_settings(citizen, language):
    """The dialog is of no use unless something opens it: DSFR's footer button, named in the page's
    language (our own header and footer replace django-dsfr's, which carried it)."""
    for response in pages(language, citizen):
        html = response.content.decode()
        footer = re.search(r'<footer class="fr-footer".*?</footer>', html, re.S).group(0)
        buttons = re.findall(r'<button[^>]*aria-controls="fr-theme-modal"[^>]*>(.*?)</button>', footer, re.S)
        assert buttons == [{"fr": "Paramètres d’affichage", "en": "Display settings"}[language]]
