"""The organisers' edits on a published synthesis carry over to the next run where themes match clearly.

Runs are built row by row (themes and their contributions), so each test states which contributions
each theme of each run holds; the end-to-end path through a real pipeline run is in
test_rerun_keeps_edits.py."""

import pytest
from django.urls import reverse

from analysis import carry, synthesis
from analysis.models import Contribution, PipelineRun, SynthesisVersion, Theme

pytestmark = pytest.mark.django_db


def build_run(consultation, themes: dict[str, list[int]], subthemes=None) -> PipelineRun:
    """A finished run whose theme ``label`` holds the proposals numbered in its list; ``subthemes``:
    theme label -> {sub-theme label: proposal numbers}. "Other" (number -1) if a label is "Other"."""
    run = PipelineRun.objects.create(
        consultation=consultation, status=PipelineRun.Status.DONE, params={"backend": "test", "seed": 0}
    )
    position = 0
    for number, (label, members) in enumerate(themes.items()):
        theme = Theme.objects.create(run=run, number=-1 if label == "Other" else number, label=label)
        subs = {}
        for s, (sub_label, sub_members) in enumerate((subthemes or {}).get(label, {}).items()):
            sub = Theme.objects.create(run=run, parent=theme, number=s, label=sub_label)
            subs.update(dict.fromkeys(sub_members, sub))
        for member in members:
            Contribution.objects.create(
                run=run,
                position=position,
                source_type=Contribution.Source.PROPOSAL,
                source_id=member,
                text=f"texte {member}",
                text_hash=f"h{member}",
                theme=theme,
                subtheme=subs.get(member),
                duplicate_group=position,
                votes={"agree": 0, "disagree": 0, "pass": 0},
            )
            position += 1
    SynthesisVersion.objects.create(
        run=run, number=1, action=SynthesisVersion.Action.PIPELINE, data=synthesis.initial_data(run)
    )
    return run


def key(run, label) -> str:
    return synthesis.theme_key(Theme.objects.get(run=run, label=label))


def entry(data, label) -> dict:
    return next(t for t in data["themes"] if t["label"] == label)


def publish(run, data) -> SynthesisVersion:
    """The organisers' version (published: ``carry_over`` is given it as the published one)."""
    return SynthesisVersion.objects.create(
        run=run, number=2, action=SynthesisVersion.Action.RENAME, data=data
    )


def test_renames_merges_hidden_themes_and_moves_carry_over_with_5_percent_new_texts(consultation):
    old = build_run(
        consultation,
        {
            "Food": list(range(0, 20)),
            "Housing": list(range(20, 40)),
            "Transport": list(range(40, 60)),
            "Bikes": list(range(60, 80)),
        },
    )
    data = old.versions.get().data
    data = synthesis.rename(data, key(old, "Food"), "Alimentation locale")
    data = synthesis.set_hidden(data, key(old, "Housing"), True)
    data = synthesis.merge(old, data, key(old, "Bikes"), key(old, "Transport"))
    moved = Contribution.objects.get(run=old, source_id=5)
    data = synthesis.move(old, data, moved.pk, key(old, "Transport"))
    previous = publish(old, data)

    # The rerun: the same themes, 4 new texts (5 %), and two texts of Housing now found in Food.
    new = build_run(
        consultation,
        {
            "Food 2": [*range(0, 20), 21, 22, 80, 81],
            "Housing 2": [20, *range(23, 40), 82],
            "Transport 2": [*range(40, 60), 83],
            "Bikes 2": list(range(60, 80)),
        },
    )
    data = carry.carry_over(new, new.versions.get().data, previous)

    top = {t["label"]: t for t in synthesis.top_level(data)}
    assert "Alimentation locale" in top  # the name, on the theme that matched Food
    assert top["Housing 2"]["hidden"]
    assert "Bikes 2" not in top and len(top["Transport 2"]["theme_ids"]) == 2  # the merge, again
    again = Contribution.objects.get(run=new, source_id=5)
    assert synthesis.membership(new, data)[again.pk][0] == top["Transport 2"]["key"]  # the move, again
    assert top["Transport 2"]["contributions"] == 20 + 21 + 1  # figures recomputed
    changed = data["carried"]
    assert changed["new_contributions"] == 4 and changed["changed_theme"] == 2
    assert changed["new_themes"] == [] and changed["vanished"] == []
    assert {c["edit"] for c in changed["carried"]} == {"rename", "hide", "merge", "move"}
    assert changed["not_carried"] == []


def test_an_edit_whose_theme_vanished_is_listed_as_not_carried(consultation, organiser_client):
    old = build_run(
        consultation,
        {"Food": list(range(0, 20)), "Housing": list(range(20, 40)), "Leaks": list(range(40, 50))},
    )
    data = old.versions.get().data
    data = synthesis.rename(data, key(old, "Leaks"), "Fuites de données")
    data = synthesis.rename(data, key(old, "Food"), "Alimentation")
    previous = publish(old, data)
    # "Leaks" is spread over the two other themes in the new run: no theme holds half of it.
    new = build_run(
        consultation,
        {"Food 2": [*range(0, 20), *range(40, 45)], "Housing 2": [*range(20, 40), *range(45, 50)]},
    )
    data = carry.carry_over(new, new.versions.get().data, previous)
    SynthesisVersion.objects.filter(run=new).update(data=data)

    changed = data["carried"]
    assert changed["vanished"] == ["Fuites de données"]
    assert changed["not_carried"] == [
        {"edit": "rename", "label": "Fuites de données", "reason": carry.THEME_GONE}
    ]
    assert "Alimentation" in {t["label"] for t in synthesis.top_level(data)}

    for page in (reverse("analysis:editor", args=[new.pk]), reverse("analysis:run", args=[new.pk])):
        html = organiser_client.get(page).content.decode()
        assert "Ce qui a changé depuis la synthèse publiée" in html
        assert "Fuites de données" in html and "non reporté" in html


def test_a_split_carries_over_to_the_matching_theme_with_its_sub_themes(consultation):
    old = build_run(
        consultation,
        {"Food": list(range(0, 30)), "Housing": list(range(30, 60))},
        {"Food": {"Organic": list(range(0, 15)), "Canteens": list(range(15, 30))}},
    )
    previous = publish(old, synthesis.split(old, old.versions.get().data, key(old, "Food")))
    new = build_run(
        consultation,
        {"Food 2": list(range(0, 31)), "Housing 2": list(range(31, 62))},
        {"Food 2": {"Organic 2": list(range(0, 16)), "Canteens 2": list(range(16, 31))}},
    )
    data = carry.carry_over(new, new.versions.get().data, previous)
    top = {t["label"] for t in synthesis.top_level(data)}
    assert {"Organic 2", "Canteens 2", "Housing 2"} <= top
    assert data["carried"]["carried"] == [{"edit": "split", "label": "Food"}]


def test_themes_match_only_when_they_share_more_than_half_of_their_contributions_both_ways():
    shared = set(range(100))
    old = {1: set(range(0, 50)), 2: set(range(50, 100))}
    # New theme 10 is 30 of old 1's 50 texts (60 %), all its own: a match; new 11 is old 2 whole plus
    # 20 of old 1 (50 of its 70 are old 2's, 71 %): a match.
    new = {10: set(range(0, 30)), 11: set(range(30, 100))}
    assert carry.match(new, old, shared) == {10: 1, 11: 2}
    # Texts that are not in both runs do not count: 11 keeps its match however many new texts join it.
    assert carry.match({10: set(range(0, 30)), 11: set(range(30, 300))}, old, shared) == {10: 1, 11: 2}
    halves = {10: set(range(0, 25)) | set(range(50, 75)), 11: set(range(25, 50)) | set(range(75, 100))}
    assert carry.match(halves, old, shared) == {}  # exactly half of each: no clear match
    thirds = {i: set(range(i * 17, i * 17 + 17)) | set(range(50 + i * 17, 67 + i * 17)) for i in range(3)}
    assert carry.match(thirds, old, shared) == {}


def test_an_organisers_summary_carries_over_and_the_editor_says_so(consultation, organiser_client):
    old = build_run(consultation, {"Food": list(range(0, 20)), "Housing": list(range(20, 40))})
    written = "Les contributions demandent une alimentation locale dans les cantines."
    data = synthesis.summarise(old.versions.get().data, key(old, "Food"), written)
    previous = publish(old, data)
    new = build_run(consultation, {"Food 2": [*range(0, 20), 40], "Housing 2": list(range(20, 40))})
    data = carry.carry_over(new, new.versions.get().data, previous)
    food = entry(data, "Food 2")
    assert (food["summary"], food["summary_by"], food["summary_sentences"]) == (written, "organisers", [])
    assert entry(data, "Housing 2")["summary_by"] != "organisers"
    assert {"edit": "summary", "label": "Food"} in data["carried"]["carried"]
    SynthesisVersion.objects.filter(run=new).update(data=data)
    organiser_client.cookies["django_language"] = "en"
    page = organiser_client.get(reverse("analysis:editor", args=[new.pk])).content.decode()
    assert "The organisers&#x27; summary of “Food”" in page and written in page
