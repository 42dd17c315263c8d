"""The synthesis editor: find contributions by text and by theme, see each one's theme, move several."""

from urllib.parse import urlencode

import pytest
from django.urls import reverse

from analysis.models import Contribution
from analysis.synthesis import membership, top_level

pytestmark = pytest.mark.django_db


def test_find_by_text_shows_each_ones_theme_and_several_move_at_once(organiser_client, done_run):
    version = done_run.versions.get()
    themes = [t for t in top_level(version.data) if not t["other"]]
    rows = list(Contribution.objects.filter(run=done_run).order_by("position"))
    word = "véhicule"
    matching = [r for r in rows if word in r.text.lower()]
    assert matching
    page = organiser_client.get(reverse("analysis:editor", args=[done_run.pk]), {"q": word}).content.decode()
    members = membership(done_run, version.data)
    labels = {t["key"]: t["label"] for t in version.data["themes"]}
    for row in matching:
        assert f'value="{row.pk}"' in page  # a checkbox per contribution found
        top, sub = members[row.pk]
        assert labels[sub or top].replace("'", "&#x27;") in page
    assert all(f'value="{r.pk}"' not in page for r in rows if word not in r.text.lower())

    # By theme: only that theme's contributions.
    key = themes[0]["key"]
    page = organiser_client.get(
        reverse("analysis:editor", args=[done_run.pk]), {"theme": key}
    ).content.decode()
    assert all((f'value="{r.pk}"' in page) == (members[r.pk][0] == key) for r in rows)

    # Two contributions of other themes, moved at once: one new version holds both in the target.
    target = themes[-1]["key"]
    moved = [r.pk for r in rows if members[r.pk][0] not in (target, None)][:2]
    response = organiser_client.post(
        reverse("analysis:editor_move", args=[done_run.pk]),
        {"contributions": [str(i) for i in moved], "key": target, "search": urlencode({"q": word})},
    )
    assert response.status_code == 302 and response["Location"].endswith("?" + urlencode({"q": word}))
    latest = done_run.versions.order_by("-number").first()
    assert latest.number == 2
    after = membership(done_run, latest.data)
    assert all(after[i][0] == target for i in moved)


def test_a_move_of_nothing_or_of_another_runs_contribution_saves_no_version(organiser_client, done_run):
    url = reverse("analysis:editor_move", args=[done_run.pk])
    key = top_level(done_run.versions.get().data)[0]["key"]
    for contributions in ([], ["999999"], ["abc"]):
        response = organiser_client.post(url, {"contributions": contributions, "key": key}, follow=True)
        assert response.status_code == 200
    assert done_run.versions.count() == 1


def test_sub_themes_are_named_with_their_parent_in_the_menus(organiser_client, done_run):
    from analysis.forms import theme_choices

    data = done_run.versions.get().data
    choices = dict(theme_choices(data["themes"]))
    for entry in data["themes"]:
        if entry["parent"] is not None:
            parent = next(t for t in data["themes"] if t["key"] == entry["parent"])
            assert choices[entry["key"]] == f"{parent['label']} › {entry['label']}"
    assert len(set(choices.values())) == len(choices)
