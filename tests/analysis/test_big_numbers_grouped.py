"""Figures of a thousand or more are grouped in the reader's way ("1 114" in French, "1,114" in English):
the demo's transparency page read "Chaîne d’audit intacte : 1114 événements vérifiés" and the organisers'
dashboard "1903 Contributions", "3767 Voix", where the synthesis page already grouped its figures."""

import pytest
from django.urls import reverse
from django.utils import formats, translation

from tests.analysis.conftest import published_report
from tests.conftest import with_totp

pytestmark = pytest.mark.django_db


def grouped(n: int, language: str) -> str:
    with translation.override(language):
        return formats.number_format(n, force_grouping=True)


@pytest.mark.parametrize(
    ("language", "sentence"),
    [
        ("fr", "Chaîne d’audit intacte\u00a0: {n} événements vérifiés."),
        ("en", "Audit chain intact: {n} events verified."),
    ],
)
def test_the_transparency_page_groups_the_audit_count(client, monkeypatch, language, sentence):
    from analysis import transparency

    consultation = published_report("grands-nombres", 4)
    check = transparency.audit_check()
    monkeypatch.setattr(transparency, "audit_check", lambda: {**check, "ok": True, "checked": 1114})
    client.cookies["django_language"] = language
    page = client.get(reverse("analysis:transparency", args=[consultation.slug])).content.decode()
    assert sentence.format(n=grouped(1114, language)) in page


@pytest.mark.parametrize("language", ["fr", "en"])
def test_the_dashboard_groups_its_participation_figures(client, organiser, monkeypatch, language):
    from analysis import dashboard_views

    consultation = published_report("grands-nombres", 4)
    present = dashboard_views.present

    def with_big_figures(figures):
        shown = present(figures)
        shown["participation"].update(participants=1161, contributions=1903, answers=1745, votes=3767)
        return shown

    monkeypatch.setattr(dashboard_views, "present", with_big_figures)
    client.force_login(with_totp(organiser))
    client.cookies["django_language"] = language
    page = client.get(reverse("analysis:consultation_dashboard", args=[consultation.slug])).content.decode()
    for n in (1161, 1903, 1745, 3767):
        assert grouped(n, language) in page, n
