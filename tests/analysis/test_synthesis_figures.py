"""After a move or a split in the sign-off editor, every figure of the themes involved (breakdown, trend,
stance, shares) is that of their new members, as the run computes them and as the report shows them."""

import datetime as dt
import re
from collections import Counter

import pytest
from django.urls import reverse
from django.utils import timezone

from analysis import services
from analysis.models import Contribution
from analysis.pipeline.synthesise import week_start
from analysis.synthesis import membership, top_level
from consultation.models import Proposal

from .conftest import add_proposals

pytestmark = [pytest.mark.django_db, pytest.mark.model]  # each test runs the pipeline


@pytest.fixture
def figures_run(consultation, ccc, django_capture_on_commit_callbacks):
    """The 146 CCC proposals, imported with a channel (paper or web), spread over six weeks, with votes:
    themes of about fifty, so breakdown cells are above the small-cell threshold."""
    texts = [row["proposal"] for row in ccc]
    channels = [{"canal": "papier" if i % 3 == 0 else "web"} for i in range(len(texts))]
    start = timezone.now() - dt.timedelta(days=45)
    proposals = add_proposals(consultation, texts, source="import", strata=channels, when=start)
    for i, proposal in enumerate(proposals):
        proposal.agree_count, proposal.disagree_count, proposal.pass_count = i % 7, i % 4, i % 2
    Proposal.objects.bulk_update(proposals, ["agree_count", "disagree_count", "pass_count"])
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_run(consultation=consultation, k=3, chunk_size=50)
    run.refresh_from_db()
    assert run.status == "done", run.error_detail
    # Votes cast after the run do not change its figures: the run counted the votes it read.
    Proposal.objects.filter(consultation=consultation).update(agree_count=100)
    return run


def expected_figures(run, data, key):
    """Counted by hand from the version's membership: one row per duplicate group in the theme, but the
    votes on every proposal in it (each copy's own voters)."""
    members = membership(run, data)
    rows = Contribution.objects.filter(run=run).order_by("position")
    seen, chosen, voted = set(), [], []
    for row in rows:
        if key in members[row.pk]:
            voted.append(row)
            if row.duplicate_group not in seen:
                seen.add(row.duplicate_group)
                chosen.append(row)
    proposals = {p.pk: p for p in Proposal.objects.filter(pk__in=[r.source_id for r in voted])}
    return {
        "size": len(chosen),
        "canal": dict(Counter(r.strata["canal"] for r in chosen)),
        "trend": dict(Counter(week_start(timezone.localdate(r.submitted_at)).isoformat() for r in chosen)),
        # The run's votes (i % 7 agree for the i-th imported line), not the 100 agree set afterwards.
        "agree": sum(int(proposals[r.source_id].external_id.split("-")[1]) % 7 for r in voted),
        "disagree": sum(proposals[r.source_id].disagree_count for r in voted),
    }


def entry(data, key):
    return next(t for t in data["themes"] if t["key"] == key)


def assert_figures_match(run, data, key):
    figure, expected = entry(data, key), expected_figures(run, data, key)
    assert figure["size"] == expected["size"]
    assert all(n >= 10 for n in expected["canal"].values())  # nothing suppressed: counts compare as is
    assert figure["breakdown"]["canal"] == dict(sorted(expected["canal"].items()))
    assert figure["trend"] == dict(sorted(expected["trend"].items()))
    assert (figure["stance"]["agree"], figure["stance"]["disagree"]) == (
        expected["agree"],
        expected["disagree"],
    )
    assert figure["stance"]["agree"] < 100 * figure["size"]
    total = sum(t["size"] for t in top_level(data))
    assert figure["share"] == pytest.approx(figure["size"] / total)
    assert figure["weighted_share"] == pytest.approx(figure["share"])  # no population margins given


def report_figures(client, run, version, key):
    """The trend and breakdown tables of one theme, as the organiser's preview of the report shows them."""
    page = client.get(
        reverse("analysis:report", args=[run.consultation.slug]), {"version": version.pk}
    ).content.decode()
    article = page.split(f'id="theme-{key}"', 1)[1].split("</article>", 1)[0]
    trend = {
        week: int(n)
        for week, n in re.findall(
            r'<th scope="row"><time datetime="(\d{4}-\d\d-\d\d)">[^<]+</time></th><td>(\d+)</td>', article
        )
    }
    canal = {c: int(n) for c, n in re.findall(r'<th scope="row">(papier|web)</th><td>(\d+)</td>', article)}
    return trend, canal


def test_version_one_has_the_figures_the_run_computed(figures_run):
    data = figures_run.versions.get().data
    for theme in figures_run.themes.filter(parent__isnull=True):
        figure = entry(data, f"t{theme.pk}")
        assert figure["breakdown"] == theme.breakdown and figure["trend"] == theme.trend
        assert figure["stance"] == theme.stance and figure["emerging"] == theme.emerging
        assert figure["share"] == pytest.approx(theme.share)


def test_moving_contributions_recomputes_both_themes(figures_run, organiser, organiser_client):
    first = figures_run.versions.get()
    largest = sorted((t for t in top_level(first.data) if not t["other"]), key=lambda t: -t["size"])
    a, b = largest[0]["key"], largest[1]["key"]
    moved = [
        row.pk
        for row in Contribution.objects.filter(
            run=figures_run, theme_id=int(a[1:]), duplicate_count=1
        ).order_by("position")[:9]
    ]
    for pk in moved:
        latest = services.edit_synthesis(
            actor=organiser, run=figures_run, action="move", contribution=pk, key=b
        )
    for key in (a, b):
        assert_figures_match(figures_run, latest.data, key)
        assert entry(latest.data, key)["trend"] != entry(first.data, key)["trend"]  # not the stale figures
        trend, canal = report_figures(organiser_client, figures_run, latest, key)
        assert trend == entry(latest.data, key)["trend"]
        assert canal == entry(latest.data, key)["breakdown"]["canal"]
    assert entry(latest.data, b)["size"] == entry(first.data, b)["size"] + 9


def test_splitting_a_theme_gives_each_new_theme_its_own_figures(figures_run, organiser):
    first = figures_run.versions.get()
    parent = next(
        t["key"] for t in top_level(first.data) if any(s["parent"] == t["key"] for s in first.data["themes"])
    )
    subs = [s["key"] for s in first.data["themes"] if s["parent"] == parent]
    split = services.edit_synthesis(actor=organiser, run=figures_run, action="split", key=parent)
    for key in subs:
        figure = entry(split.data, key)
        assert figure["parent"] is None
        expected = expected_figures(figures_run, split.data, key)
        assert figure["trend"] == dict(sorted(expected["trend"].items()))
        assert sum(figure["trend"].values()) == figure["size"] == expected["size"]
        assert figure["stance"]["agree"] == expected["agree"]
        cells = figure["breakdown"]["canal"]
        assert set(cells) == set(expected["canal"])
        for category, count in expected["canal"].items():  # shown cells are exact, small ones hidden
            assert cells[category] in (count, None) and (count >= 10 or cells[category] is None)
    total = sum(t["size"] for t in top_level(split.data))
    assert sum(t["share"] for t in top_level(split.data)) == pytest.approx(1.0)
    assert total == sum(t["size"] for t in top_level(first.data))
