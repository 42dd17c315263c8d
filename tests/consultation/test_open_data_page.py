"""The open-data page says what is published and when, links every download the consultation has (the
archive, the synthesis's CSV, JSON and PDF files) and its licence; and the demo publishes an archive by
the organisers' own path."""

import html

from django.urls import reverse

from consultation import services
from tests.helpers import make_consultation


def shown(client, consultation, language):
    response = client.get(
        reverse("consultation:open_data", args=[consultation.slug]), HTTP_ACCEPT_LANGUAGE=language
    )
    assert response.status_code == 200
    return html.unescape(response.content.decode()).replace("\u00a0", " ")


def test_the_page_says_what_the_archive_holds_and_links_the_licence(
    client, organiser, eager_celery, django_capture_on_commit_callbacks
):
    consultation = make_consultation(phase="open")
    page = shown(client, consultation, "fr")
    assert "Aucune archive n’a encore été publiée : les organisateurs en publient une" in page
    assert 'href="https://www.etalab.gouv.fr/licence-ouverte-open-licence/"' in page
    for name in ("questions.csv", "answers.csv", "proposals.csv", "votes.csv", "README.md"):
        assert name in page
    # While it runs, the answers wait for the close (results are not shown live).
    assert "answers.csv : les réponses sont publiées une fois la consultation clôturée" in page
    with django_capture_on_commit_callbacks(execute=True):  # built in this process
        services.request_open_data_export(actor=organiser, consultation=consultation)
    page = shown(client, consultation, "en")
    export = consultation.exports.get()
    assert reverse("consultation:open_data_download", args=[consultation.slug, export.pk]) in page
    assert "ZIP — published on " in page and "No archive has been published yet" not in page
    services.transition(actor=None, consultation=consultation, to_phase="closed")
    assert "answers.csv: every answer to the questionnaire" in shown(client, consultation, "en")


def test_the_synthesis_files_are_linked_once_it_is_published(client, db):
    from tests.analysis.conftest import published_report

    before = make_consultation("sans-synthese", phase="open")
    assert "Contributions and their theme" not in shown(client, before, "en")
    consultation = published_report("avec-synthese", 4)
    page = shown(client, consultation, "en")
    for name, fmt in (("export_contributions", "csv"), ("export_contributions", "json"),
                      ("export_themes", "csv"), ("export_themes", "json")):  # fmt: skip
        assert reverse(f"analysis:{name}", args=[consultation.slug, fmt]) in page
    assert reverse("analysis:report_pdf", args=[consultation.slug]) in page
    assert "CSV — synthesis published on " in page
    assert "JSON — synthèse publiée le " in shown(client, consultation, "fr")
