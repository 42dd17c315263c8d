"""Human sign-off (versions with authors, publishing) and what the public sees (page, PDF, exports)."""

import html
import json
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

from analysis import services
from analysis.models import Contribution, PublishedSynthesis, SynthesisVersion
from analysis.synthesis import SynthesisEditError, top_level
from tests.helpers import read_spreadsheet_csv
from tests.typography import misplaced_separators, visible_text

pytestmark = pytest.mark.django_db


def themes_of(version):
    return [t for t in top_level(version.data) if not t["other"]]


def test_each_edit_is_a_new_version_with_its_author(done_run, organiser):
    first = done_run.versions.get()
    a, b, c = (t["key"] for t in themes_of(first))
    renamed = services.edit_synthesis(
        actor=organiser, run=done_run, action="rename", key=a, label="Alimentation"
    )
    assert (renamed.number, renamed.author) == (2, organiser)
    assert next(t for t in renamed.data["themes"] if t["key"] == a)["label"] == "Alimentation"
    assert next(t for t in first.data["themes"] if t["key"] == a)["label"] != "Alimentation"  # v1 unchanged

    before = {t["key"]: t["contributions"] for t in themes_of(renamed)}
    merged = services.edit_synthesis(actor=organiser, run=done_run, action="merge", source=b, target=c)
    assert [t["key"] for t in themes_of(merged)] == [a, c]
    assert next(t for t in merged.data["themes"] if t["key"] == c)["contributions"] == before[b] + before[c]

    moved_one = Contribution.objects.filter(run=done_run, theme__number__gte=0).exclude(text="").first()
    target = c if f"t{moved_one.theme_id}" == a else a
    moved = services.edit_synthesis(
        actor=organiser, run=done_run, action="move", contribution=moved_one.pk, key=target
    )
    sizes = {t["key"]: t["contributions"] for t in themes_of(moved)}
    assert sum(sizes.values()) == sum(t["contributions"] for t in themes_of(merged))
    hidden = services.edit_synthesis(actor=organiser, run=done_run, action="hide", key=a)
    assert next(t for t in hidden.data["themes"] if t["key"] == a)["hidden"]
    assert list(done_run.versions.order_by("number").values_list("number", "action")) == [
        (1, "pipeline"), (2, "rename"), (3, "merge"), (4, "move"), (5, "hide")
    ]  # fmt: skip


def test_meaningless_edits_are_refused_and_citizens_cannot_edit(done_run, organiser, citizen):
    key = themes_of(done_run.versions.get())[0]["key"]
    with pytest.raises(SynthesisEditError):
        services.edit_synthesis(actor=organiser, run=done_run, action="merge", source=key, target=key)
    with pytest.raises(SynthesisEditError):
        services.edit_synthesis(actor=organiser, run=done_run, action="rename", key=key, label="  ")
    with pytest.raises(PermissionDenied):
        services.edit_synthesis(actor=citizen, run=done_run, action="rename", key=key, label="X")
    assert done_run.versions.count() == 1


def test_publishing_freezes_the_version_and_later_edits_do_not_change_the_public_page(
    done_run, organiser, client
):
    first = done_run.versions.get()
    key = themes_of(first)[0]["key"]
    services.publish_version(actor=organiser, version=first)
    services.edit_synthesis(actor=organiser, run=done_run, action="rename", key=key, label="Nom de brouillon")
    page = client.get(reverse("analysis:report", args=[done_run.consultation.slug])).content.decode()
    assert "Nom de brouillon" not in page
    assert PublishedSynthesis.objects.get().version == first
    first.refresh_from_db()
    assert first.published_at is not None


@pytest.mark.parametrize(
    ("language", "heading"), [("fr", "Carte des contributions"), ("en", "Map of the contributions")]
)
def test_the_report_page_has_tables_for_every_chart_in_both_languages(done_run, client, language, heading):
    services.publish_version(actor=None, version=done_run.versions.get())
    client.cookies["django_language"] = language
    response = client.get(
        reverse("analysis:report", args=[done_run.consultation.slug]), HTTP_ACCEPT_LANGUAGE=language
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert heading in page
    assert page.count("<caption>") >= 3 and "<svg" in page and 'tabindex="0"' in page
    shown = html.unescape(page)  # titles are phrases of the texts: "Consommation d'énergie"
    for theme in themes_of(done_run.versions.get()):
        assert theme["label"] in shown and theme["keywords"][0] in shown
        # Under each theme, its quotes and figures are folded: the page reads as the themes first.
        article = page[page.index(f'id="theme-{theme["key"]}"') :]
        article = article[: article.index("</article>")]
        assert (
            article.index("<details") < article.index("<blockquote")
            and "<table" not in article.split("<details")[0]
        )
        # The map writes each theme's title beside its points (a decoration: the table above says it).
        title = re.search(
            r'<g class="pacte-map__title"[^>]*aria-hidden="true">.*?<text class="pacte-map__title-text"[^>]*>'
            + re.escape(html.escape(theme["label"][:31])),
            page,
            re.S,
        )
        assert title


@pytest.mark.parametrize(
    ("language", "percent", "quote", "colon"),
    [("en", "{}%", "“{}”", "{}: "), ("fr", "{}\u00a0%", "«\u00a0{}\u00a0»", "{}\u00a0: ")],
)
def test_the_report_spaces_shares_quotes_and_map_labels_the_way_of_its_language(
    done_run, client, language, percent, quote, colon
):
    """A theme's share reads "47%" in English and "47 %" in French, a quotation “…” and « … »,
    a map point "Theme: text" and "Thème : texte" (no-break spaces in French)."""
    from analysis import report

    version = done_run.versions.get()
    services.publish_version(actor=None, version=version)
    client.cookies["django_language"] = language
    address = reverse("analysis:report", args=[done_run.consultation.slug])
    page = client.get(address, HTTP_ACCEPT_LANGUAGE=language)
    text = visible_text(page.content.decode())
    assert not misplaced_separators(text, language), misplaced_separators(text, language)
    theme = next(t for t in report.visible_themes(version) if t["quotes"])
    assert percent.format(theme["percent"]) in text  # rounded so the shares add up to 100
    assert quote.format(theme["quotes"][0]["text"]) in text
    # A point on the map is named "Theme: text" (its <desc>, then its <title>) with this separator.
    assert f'data-separator="{colon.format("")}"' in page.content.decode()


def test_before_publication_the_public_sees_a_clear_state_and_no_export(consultation, client):
    page = client.get(reverse("analysis:report", args=[consultation.slug]))
    assert page.status_code == 200
    assert client.get(reverse("analysis:export_themes", args=[consultation.slug, "csv"])).status_code == 404


def test_exports_carry_ids_themes_and_coordinates(done_run, client):
    version = done_run.versions.get()
    services.publish_version(actor=None, version=version)
    slug = done_run.consultation.slug
    rows = read_spreadsheet_csv(
        client.get(reverse("analysis:export_contributions", args=[slug, "csv"])).content
    )
    assert len(rows) == 30
    keys = {t["key"] for t in version.data["themes"]}
    for row in rows:
        assert row["source_type"] in {"proposal", "imported"} and int(row["source_id"]) > 0
        # A real number, with the decimal comma French spreadsheets read.
        assert row["theme"] in keys and float(row["x"].replace(",", ".")) == float(row["x"].replace(",", "."))
    themes = json.loads(client.get(reverse("analysis:export_themes", args=[slug, "json"])).content)
    assert {t["key"] for t in themes} == keys
    assert all(t["label"] and t["size"] >= 0 for t in themes)
    assert sum(t["contributions"] for t in themes if t["parent"] is None) == 30
    # Booleans read "oui"/"non" in French, "yes"/"no" in English (with "," between fields there).
    french = read_spreadsheet_csv(client.get(reverse("analysis:export_themes", args=[slug, "csv"])).content)
    assert {t["emerging"] for t in french} <= {"oui", "non"} and french[0]["label"]
    client.cookies["django_language"] = "en"
    english = read_spreadsheet_csv(
        client.get(reverse("analysis:export_themes", args=[slug, "csv"]), HTTP_ACCEPT_LANGUAGE="en").content,
        delimiter=",",
    )
    assert {t["emerging"] for t in english} <= {"yes", "no"} and len(english) == len(french)


def test_the_pdf_renders(done_run, client):
    services.publish_version(actor=None, version=done_run.versions.get())
    response = client.get(reverse("analysis:report_pdf", args=[done_run.consultation.slug]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_organiser_pages_start_follow_edit_and_publish(organiser_client, done_run):
    client = Client()  # an anonymous visitor, next to the organiser
    slug = done_run.consultation.slug
    assert organiser_client.get(reverse("analysis:runs", args=[slug])).status_code == 200
    page = organiser_client.get(reverse("analysis:run", args=[done_run.pk]))
    assert page.status_code == 200 and "100" in page.content.decode()
    progress = organiser_client.get(reverse("analysis:run_progress", args=[done_run.pk])).json()
    assert progress["percent"] == 100 and progress["active"] is False
    key = themes_of(done_run.versions.get())[0]["key"]
    response = organiser_client.post(
        reverse("analysis:editor", args=[done_run.pk]),
        {"action": "rename", "key": key, "label": "Se nourrir"},
    )
    assert response.status_code == 302
    response = organiser_client.post(
        reverse("analysis:editor", args=[done_run.pk]), {"action": "rename", "key": key}
    )
    assert response.status_code == 200 and done_run.versions.count() == 2  # the error is shown, nothing saved
    latest = done_run.versions.order_by("-number").first()
    assert organiser_client.post(reverse("analysis:publish", args=[latest.pk])).status_code == 302
    assert "Se nourrir" in client.get(reverse("analysis:report", args=[slug])).content.decode()
    # Citizens and anonymous visitors cannot reach the organiser pages.
    assert client.get(reverse("analysis:run", args=[done_run.pk])).status_code == 302
    assert SynthesisVersion.objects.filter(published_at__isnull=False).count() == 1


def test_a_citizen_learns_which_theme_their_proposal_joined(done_run):
    from consultation.hooks import contribution_fate
    from consultation.models import Proposal

    proposal = Proposal.objects.filter(consultation=done_run.consultation).first()
    assert contribution_fate(proposal) == []  # nothing published yet
    version = done_run.versions.get()
    services.publish_version(actor=None, version=version)
    facts = contribution_fate(proposal)
    row = Contribution.objects.get(run=done_run, source_id=proposal.pk)
    label = next(t["label"] for t in version.data["themes"] if t["key"] == f"t{row.theme_id}") or "Autres"
    assert (
        len(facts) == 1 and label in facts[0]["label"] and facts[0]["url"].endswith(f"#theme-t{row.theme_id}")
    )


def test_breakdowns_by_strata_hide_small_groups(done_run, client):
    """Twelve imported contributions carry an age band: every cell is under ten people, so no count
    is shown, and a table of cells that all read "not shown" becomes one line."""
    services.publish_version(actor=None, version=done_run.versions.get())
    client.cookies["django_language"] = "en"
    page = client.get(reverse("analysis:report", args=[done_run.consultation.slug])).content.decode()
    assert "Who said it, by age band: not shown. No group of fewer than 10 distinct contributions" in page
    assert "25 to 34" not in page and "(fewer than 10, or it would give a smaller group away)" not in page


def test_a_map_too_large_to_draw_whole_is_a_sample_of_all_and_says_so(done_run, client, monkeypatch):
    """Beyond the map's limit, points are picked across every contribution (not the first ones, which
    would leave out a theme of late contributions), and the page says how many are drawn."""
    from analysis import presenters, report

    version = done_run.versions.get()
    services.publish_version(actor=None, version=version)
    themes = report.visible_themes(version)
    whole, distinct = presenters.map_points(version, themes)
    assert len(whole) == distinct > 10
    half = distinct // 2
    sample, distinct_again = presenters.map_points(version, themes, limit=half)
    assert len(sample) == half and distinct_again == distinct
    later = {p.contribution for p in whole[half:]}
    assert later & {p.contribution for p in sample}  # not only the first contributions
    assert sample == presenters.map_points(version, themes, limit=half)[0]  # the same sample on every visit

    monkeypatch.setattr(presenters, "MAP_LIMIT", half)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("analysis:report", args=[done_run.consultation.slug])).content.decode()
    assert f"The map draws {half} of the {distinct} distinct contributions" in page
    drawn = page.split('id="map-title"')[1].split('id="themes-title"')[0]
    assert drawn.count('class="pacte-map__point"') == half  # the map's points, not the legend's swatches
