"""What a reader compares on the public synthesis must agree: opinion-group percentages are plain shares
with their counts, theme counts add up (or say which unit they count), every theme has its own look on
the map, the exports are usable on their own, a bad ?version= says so, and the editor's choices read as
commands with the fields each one needs."""

import json
from types import SimpleNamespace

import pytest
from django.test import Client
from django.urls import reverse

from analysis import presenters, report, services, tasks
from analysis.models import Contribution
from analysis.synthesis import top_level
from consultation.models import Proposal, Vote
from tests.analysis.conftest import add_proposals
from tests.helpers import read_spreadsheet_csv
from tests.typography import misplaced_separators, visible_text

pytestmark = [pytest.mark.django_db, pytest.mark.model]  # each test runs the pipeline


def page_text(client, url, language="en"):
    client.cookies["django_language"] = language
    response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    return response, visible_text(response.content.decode())


# Finding 7: opinion groups ------------------------------------------------------------------------------


@pytest.fixture
def two_camps(consultation):
    """Two camps of 15 voters split on eight statements and agreeing, unevenly, on a ninth; four more
    people voted only on that ninth one (too few votes to be placed in a group)."""
    texts = [f"Énoncé clivant numéro {i}." for i in range(8)] + ["Toute fuite doit être sanctionnée."]
    proposals = add_proposals(consultation, texts)
    votes = []
    for person in range(30):
        camp_a = person < 15
        for i, proposal in enumerate(proposals[:8]):
            votes.append((f"p{person}", proposal, 1 if (i < 4) == camp_a else -1))
        # On the last one camp A agrees; camp B: 10 agree, 3 disagree, 2 pass.
        last = 1 if camp_a or person < 25 else (-1 if person < 28 else 0)
        votes.append((f"p{person}", proposals[8], last))
    votes += [(f"light{n}", proposals[8], 1) for n in range(4)]
    Vote.objects.bulk_create(Vote(participant_key=k, proposal=p, value=v) for k, p, v in votes)
    tasks.compute_opinion_groups.delay(consultation.pk)
    return consultation, proposals


def test_opinion_percentages_are_plain_shares_with_their_counts(two_camps, client):
    """The consensus figure counts every voter (29 of 34 agree: 85 %), each group's column its own
    members (15 of 15, 10 of 15): the smoothed (n + 1) / (seen + 2) of the old page (83 %, 94 %, 65 %)
    contradicted those counts."""
    consultation, _proposals = two_camps
    response, text = page_text(client, reverse("analysis:report", args=[consultation.slug]))
    assert response.status_code == 200
    consensus = text.split("Consensus: statements that most of those who voted on them agree")[1]
    consensus = consensus.split("Bridging statements")[0]
    assert "Toute fuite doit être sanctionnée.Agree85% (29 of 34 who voted, of 34 voters)" in consensus
    bridging = text.split("Bridging statements")[1]
    row = bridging.split("Toute fuite doit être sanctionnée.")[1][:60]
    row = bridging.split("Toute fuite doit être sanctionnée.")[1][:120]
    assert "100% (15 of 15 who voted, group of 15)" in row and "67% (10 of 15 who voted, group of 15)" in row
    assert "94%" not in text and "65%" not in row  # the smoothed figures are gone
    assert "The consensus table counts all 34 voters" in text and "only the 30 participants" in text
    assert not misplaced_separators(text, "en")
    _response, french = page_text(client, reverse("analysis:report", args=[consultation.slug]), "fr")
    assert "85\u00a0% (29 sur 34 ayant voté, sur 34 votants)" in french and not misplaced_separators(
        french, "fr"
    )


def test_themes_by_opinion_groups_show_plain_shares_of_all_votes_with_their_counts(client):
    """The themes x groups table counts passes in the base and rounds as the other opinion figures do:
    on "Alimentation" group 2 agreed 2 times in 8 votes (4 of them passes): 25 % (2 of 8), not the 50 %
    of agree among agree and disagree; 3 agree votes of 40 are 8 % (7.5 rounded), not 7 %."""
    from tests.analysis.conftest import published_report

    consultation = published_report(
        "themes-groupes",
        4,
        proposal_groups={
            0: [[3, 1, 0], [1, 1, 2]],  # Alimentation
            2: [[3, 1, 0], [1, 1, 2]],
            1: [[3, 37, 0], [0, 9, 1]],  # Logement
            3: [[0, 0, 0], [0, 0, 0]],
        },
    )
    url = reverse("analysis:report", args=[consultation.slug])
    response, text = page_text(client, url)
    assert response.status_code == 200
    table = text.split("Themes and opinion groups:")[1]
    assert "Alimentation75% (6 of 8)25% (2 of 8)Divides" in table
    assert "Logement8% (3 of 40)0% (0 of 10)Unites" in table  # every group mostly disagrees
    assert not misplaced_separators(text, "en")
    _response, french = page_text(client, url, "fr")
    assert "Alimentation75\u00a0% (6 sur 8)25\u00a0% (2 sur 8)" in french
    assert not misplaced_separators(french, "fr")


def test_each_themes_vote_table_shows_a_plain_share_of_all_votes_with_its_counts(client):
    """A theme's own vote table has the base and rounding of the opinion figures: 3 agree, 1 disagree and
    36 passes are 8 % (3 of 40), not the 75 % of agree among agree and disagree it showed."""
    from analysis.models import SynthesisVersion
    from tests.analysis.conftest import published_report

    consultation = published_report("votes-theme", 4)
    version = SynthesisVersion.objects.get(run__consultation=consultation)
    for theme in version.data["themes"]:
        if theme["label"] == "Alimentation":
            theme["stance"] = {"agree": 3, "disagree": 1, "pass": 36, "agreement": 0.75}
        else:
            theme["stance"] = {"agree": 0, "disagree": 0, "pass": 5, "agreement": None}
    version.save(update_fields=["data"])
    url = reverse("analysis:report", args=[consultation.slug])
    response, text = page_text(client, url)
    assert response.status_code == 200
    heading = "AgreeDisagreePassShare of all votes that agree "
    assert f"{heading}31368% (3 of 40) Trend" in text  # 7.5 rounded
    assert f"{heading}0050% (0 of 5) Trend" in text  # passes alone are votes too: the table is shown
    assert "75%" not in text and "Agreement (passes left out)" not in text
    assert "passes included" in text.split("Votes on the proposals of this theme")[1][:80]
    assert not misplaced_separators(text, "en")
    _response, french = page_text(client, url, "fr")
    assert "8\u00a0% (3 sur 40)" in french and not misplaced_separators(french, "fr")


def test_bridging_statements_carry_each_groups_counts():
    from analysis.pipeline.opinion import analyse_opinions

    votes = [(f"a{i}", q, 1 if q < 2 else -1) for i in range(10) for q in range(4)]
    votes += [(f"b{i}", q, -1 if q < 2 else 1) for i in range(10) for q in range(4)]
    votes += [(f"a{i}", 9, 1) for i in range(10)] + [(f"b{i}", 9, 1 if i < 6 else 0) for i in range(10)]
    result = analyse_opinions(votes, parameters=None)
    top = result.bridging[0]
    assert top.proposal == 9
    assert sorted(zip(top.agree_counts, top.seen_counts, strict=True)) == [(6, 10), (10, 10)]


# Finding 8: counts that add up ---------------------------------------------------------------------------


def test_rounded_shares_add_up_to_100_and_equal_shares_stay_equal():
    assert report.rounded_percents([0.5, 0.3, 0.2]) == [50, 30, 20]
    assert sum(report.rounded_percents([0.335, 0.335, 0.33])) == 100
    assert report.rounded_percents([14 / 30, 8 / 30, 8 / 30]) == [46, 27, 27]
    assert report.rounded_percents([None, 0.125, 0.875]) == [None, 12, 88]
    thirds = report.rounded_percents([1 / 3] * 3)
    assert thirds == [33, 33, 33]  # never 34 / 33 / 33 for three equal themes


@pytest.fixture
def campaign_run(consultation, ccc_sample, django_capture_on_commit_callbacks):
    """47 real proposals plus a campaign: the same text sent five times; two themes, so that themes are
    large enough to have sub-themes."""
    texts = [row["proposal"] for row in ccc_sample[:47]] + [ccc_sample[47]["proposal"]] * 5
    add_proposals(consultation, texts)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_run(consultation=consultation, k=2, chunk_size=20)
    run.refresh_from_db()
    assert run.status == "done", run.error_detail
    return run


def test_theme_counts_say_which_unit_they_count_and_add_up(campaign_run, organiser, client):
    version = campaign_run.versions.get()
    # A theme with sub-themes, one of them hidden: its members are then in no sub-theme shown.
    parents = {s["parent"] for s in version.data["themes"]}
    theme = next(t for t in top_level(version.data) if t["key"] in parents)
    subs = [s for s in version.data["themes"] if s["parent"] == theme["key"]]
    version = services.edit_synthesis(actor=organiser, run=campaign_run, action="hide", key=subs[0]["key"])
    services.publish_version(actor=organiser, version=version)
    response, text = page_text(client, reverse("analysis:report", args=[campaign_run.consultation.slug]))
    assert response.status_code == 200
    themes = report.visible_themes(version)
    shown = next(t for t in themes if t["key"] == theme["key"])
    missing = shown["contributions"] - sum(s["contributions"] for s in shown["subthemes"])
    assert missing >= subs[0]["contributions"] > 0 and shown["not_in_subtheme"] == missing
    overview = text.split("Themes and sub-themes")[1].split("Map of the contributions")[0]
    assert f"in no sub-theme ({missing})" in overview
    assert f"In no sub-theme — {missing} contribution" in text
    # The campaign: 52 contributions, 48 distinct; the shares are those of the distinct ones, shown.
    campaign = next(t for t in themes if t["contributions"] != t["size"])
    assert campaign["contributions"] - campaign["size"] == 4
    assert f"{campaign['contributions']} contributions, {campaign['size']} distinct" in text
    assert "Distinct contributions" in overview
    assert "Shares are rounded so that they add up to 100%" in overview
    assert sum(t["percent"] for t in themes) == 100
    for t in themes:
        # The share right after the name (in sight on a phone), then the counts.
        row = f"{t['number']}{t['display_label']}{t['percent']}%{t['contributions']}{t['size']}"
        assert row.replace(" ", "") in overview.replace(" ", ""), row
    # The weekly trend counts distinct contributions, and says so: it adds up to the distinct count.
    assert "Trend: distinct contributions per week" in text
    assert sum(t["trend"].values()) == t["size"]


# Finding 9: every theme looks different on the map -------------------------------------------------------


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_eleven_themes_and_other_each_have_their_own_colour_and_shape():
    themes = [
        {"key": f"t{i}", "parent": None, "hidden": False, "other": False, "label": f"Thème {i}",
         "contributions": 100 - i, "share": 0.08}
        for i in range(11)
    ] + [{"key": "t99", "parent": None, "hidden": False, "other": True, "label": "", "contributions": 16,
          "share": 0.12}]  # fmt: skip
    shown = report.visible_themes(SimpleNamespace(data={"themes": themes, "moves": {}}))
    looks = [(t["colour"], t["marker"]) for t in shown]
    assert len(set(looks)) == 12
    assert len({t["colour"] for t in shown}) == 12  # 11 themes: no colour used twice
    other = shown[-1]
    assert other["other"] and other["colour"] == "#666666"
    for colour in {t["colour"] for t in shown}:
        assert contrast(colour, "#f6f6f6") >= 3 and contrast(colour, "#ffffff") >= 3, colour
    assert len(set(presenters.theme_colours(44))) == 44


def test_map_points_and_legend_show_each_themes_shape(done_run, client):
    services.publish_version(actor=None, version=done_run.versions.get())
    client.cookies["django_language"] = "en"
    page = client.get(reverse("analysis:report", args=[done_run.consultation.slug])).content.decode()
    drawn = page.split('id="map-title"')[1].split('id="themes-title"')[0]
    legend = drawn.split('class="pacte-legend')[1]
    assert "<rect" in legend and "<path" in legend  # theme 2 a square, theme 3 a triangle
    assert drawn.count('class="pacte-map__point"') == 30


# Finding 22: exports -------------------------------------------------------------------------------------


def test_contribution_exports_give_theme_names_and_only_texts_still_public(done_run, client):
    version = done_run.versions.get()
    services.publish_version(actor=None, version=version)
    contributions = list(Contribution.objects.filter(run=done_run).order_by("position"))
    flagged, withdrawn, kept = contributions[0], contributions[1], contributions[2]
    Contribution.objects.filter(pk=flagged.pk).update(health_flag=True)
    Proposal.objects.filter(pk=withdrawn.source_id).update(status=Proposal.Status.HIDDEN)
    slug = done_run.consultation.slug
    body = client.get(reverse("analysis:export_contributions", args=[slug, "csv"])).content
    rows = {int(r["contribution"]): r for r in read_spreadsheet_csv(body)}
    labels = {t["key"]: report.theme_label(t) for t in version.data["themes"]}
    for row in rows.values():
        assert row["theme_label"] == labels[row["theme"]]
        assert row["subtheme_label"] == (labels[row["subtheme"]] if row["subtheme"] else "")
    assert rows[kept.pk]["text"] == kept.text
    assert rows[flagged.pk]["text"] == "" and rows[withdrawn.pk]["text"] == ""
    data = json.loads(client.get(reverse("analysis:export_contributions", args=[slug, "json"])).content)
    assert {r["contribution"]: r["theme_label"] for r in data}[kept.pk] == rows[kept.pk]["theme_label"]
    # The map does not show them either.
    page = client.get(reverse("analysis:report", args=[slug])).content.decode()
    assert flagged.text[:60] not in page and withdrawn.text[:60] not in page
    assert kept.text[:40].replace("'", "&#x27;") in page


# Finding 23: ?version= -----------------------------------------------------------------------------------


def test_a_version_that_does_not_exist_is_a_clear_404(done_run, organiser, organiser_client):
    client = Client()  # an anonymous reader (organiser_client is the `client` fixture, logged in)
    first = done_run.versions.get()
    services.publish_version(actor=organiser, version=first)
    key = top_level(first.data)[0]["key"]
    draft = services.edit_synthesis(
        actor=organiser, run=done_run, action="rename", key=key, label="Brouillon"
    )
    url = reverse("analysis:report", args=[done_run.consultation.slug])
    for wanted in ("99999", "abc", str(draft.pk)):
        response, text = page_text(client, f"{url}?version={wanted}")
        assert response.status_code == 404, wanted
        assert f"This synthesis has no version “{wanted}” that you can read" in text
        assert "Read the published synthesis" in text and "Brouillon" not in text
    response, text = page_text(organiser_client, f"{url}?version=abc")
    assert response.status_code == 404 and "Synthesis version not found" in text
    assert organiser_client.get(f"{url}?version={draft.pk}").status_code == 200  # a preview
    pdf = reverse("analysis:report_pdf", args=[done_run.consultation.slug])
    assert client.get(f"{pdf}?version=abc").status_code == 404
    # A version published before stays readable, and says it was replaced.
    services.publish_version(actor=organiser, version=draft)
    response, text = page_text(client, f"{url}?version={first.pk}")
    assert response.status_code == 200 and "You are reading an earlier synthesis (version 1" in text
    _response, current = page_text(client, url)
    assert "earlier synthesis" not in current and "Brouillon" in current
    _response, french = page_text(client, f"{url}?version=abc", "fr")
    assert "«\u00a0abc\u00a0»" in french and not misplaced_separators(french, "fr")


# Finding 13: the editor ----------------------------------------------------------------------------------


def test_the_editor_offers_commands_and_says_which_field_each_needs(done_run, organiser_client):
    url = reverse("analysis:editor", args=[done_run.pk])
    response, text = page_text(organiser_client, url)
    html = response.content.decode()
    form = html.split('<form method="post" novalidate')[1].split("</form>")[0]
    for command in ("Rename a theme", "Merge a theme into another", "Hide a theme", "Move a contribution"):
        assert command in form
    assert "Renamed a theme" not in form and "Hid a theme" not in form
    assert "(Optional)" not in form
    assert "Needed to rename" in form and "Needed to merge" in form and "Needed to move" in form
    assert "Computed by the analysis" in text  # the history keeps its past-tense labels
    key = top_level(done_run.versions.get().data)[0]["key"]
    response = organiser_client.post(url, {"action": "merge", "key": key, "label": "Gardé"})
    assert response.status_code == 200 and done_run.versions.count() == 1
    page = response.content.decode()
    assert "Choose the theme to merge into." in page and 'value="Gardé"' in page  # nothing typed is lost


def test_a_share_exactly_halfway_rounds_up_as_a_reader_checks_it():
    """1 of 8 is 12.5 %: shown as 13 %, not 12 % (Python's round goes to the even number)."""
    from analysis.opinion import plain_share

    assert plain_share(1, 8)["percent"] == 13
    assert plain_share(1, 40)["percent"] == 3
    assert plain_share(3, 40)["percent"] == 8
    assert plain_share(0, 5)["percent"] == 0 and plain_share(0, 0)["percent"] is None
