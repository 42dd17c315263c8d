import csv
from collections import Counter

import pytest

from analysis.pipeline.embed import UseMultilingualEmbedder
from tests.helpers import DATA, CountingEmbedder, html_handed_to_weasyprint, make_consultation  # noqa: F401


@pytest.fixture(scope="session")
def use_embedder():
    return UseMultilingualEmbedder()


@pytest.fixture
def counting_embedder():
    return CountingEmbedder()


def ccc_proposals() -> list[dict[str, str]]:
    """The 146 proposals of the Convention Citoyenne pour le Climat, with their ground-truth themes."""
    with open(
        DATA / "french" / "ccc-propositions" / "ccc_proposals.csv", encoding="utf-8", newline=""
    ) as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def ccc():
    return ccc_proposals()


def add_proposals(consultation, texts, *, source="platform", strata=None, when=None):
    """Visible proposals, as citizens (or an import) would have left them."""
    import datetime as dt

    from django.utils import timezone

    from consultation.models import Proposal

    start = when or timezone.now() - dt.timedelta(days=30)
    return Proposal.objects.bulk_create(
        Proposal(
            consultation=consultation,
            text=text,
            source=source,
            external_id=f"{source}-{i}" if source != "platform" else "",
            strata=(strata[i] if strata else {}),
            created_at=start + dt.timedelta(hours=6 * i),
            author_key=f"import:{i}",
        )
        for i, text in enumerate(texts)
    )


def published_report(slug: str, n: int, proposal_groups=None, votes=None, duplicate_of=None):
    """A consultation with `n` proposals analysed into two themes (quotes included), published, and
    opinion groups over them: everything the report page draws from the contribution rows. Proposal i
    is in the theme "Alimentation" if i is even, "Logement" if odd. ``proposal_groups``: i -> the agree,
    disagree and pass votes of each of the two groups on proposal i (by default [2, 0, 0], [1, 1, 0]).
    ``votes``: i -> the votes the run read on proposal i (by default 3 agree, 1 disagree, no pass).
    ``duplicate_of``: i -> j, proposal i is a near-identical copy of proposal j (same duplicate group,
    j's theme)."""
    from analysis import services
    from analysis.models import Contribution, OpinionRun, PipelineRun, SynthesisVersion, Theme
    from analysis.synthesis import initial_data

    consultation = make_consultation(slug, questions=False)
    proposals = add_proposals(consultation, [f"Proposition numéro {i} sur les données." for i in range(n)])
    run = PipelineRun.objects.create(consultation=consultation, status=PipelineRun.Status.DONE)
    themes = [
        Theme.objects.create(run=run, number=i, label=label, keywords=["données"])
        for i, label in enumerate(("Alimentation", "Logement"))
    ]
    group = {i: (duplicate_of or {}).get(i, i) for i in range(n)}
    sizes = Counter(group.values())
    rows = Contribution.objects.bulk_create(
        Contribution(
            run=run,
            position=i,
            source_type=Contribution.Source.PROPOSAL,
            source_id=p.pk,
            text=p.text,
            text_hash=f"{i:064x}",
            duplicate_group=group[i],
            duplicate_count=sizes[group[i]],
            votes=(votes or {}).get(i, {"agree": 3, "disagree": 1, "pass": 0}),
            theme=themes[group[i] % 2],
            x=float(i),
            y=float(i % 7),
            submitted_at=p.created_at,
        )
        for i, p in enumerate(proposals)
    )
    for theme in themes:
        theme.quotes = [{"id": c.pk, "text": c.text} for c in rows if c.theme_id == theme.pk][:3]
        theme.save(update_fields=["quotes"])
    version = SynthesisVersion.objects.create(run=run, number=1, action="pipeline", data=initial_data(run))
    services.publish_version(actor=None, version=version)
    statement = {"direction": "agree", "n_success": 2, "n_trials": 2, "p_success": 0.75}
    groups = [
        {"group": g, "size": 2, "representative": [{**statement, "proposal": proposals[g].pk}]}
        for g in (0, 1)
    ]
    OpinionRun.objects.create(
        consultation=consultation,
        vote_count=4 * n,
        status="ok",
        result={
            "status": "ok",
            "groups": groups,
            "participants": [
                {"participant": f"p{i}", "group": i % 2, "x": float(i), "y": 0.0, "n_votes": n}
                for i in range(4)
            ],
            "consensus_agree": [],
            "consensus_disagree": [],
            "bridging": [{"proposal": proposals[0].pk, "agree_counts": [2, 1], "seen_counts": [2, 2]}],
            "proposal_groups": {
                str(p.pk): (proposal_groups or {}).get(i, [[2, 0, 0], [1, 1, 0]])
                for i, p in enumerate(proposals)
            },
        },
    )
    return consultation


@pytest.fixture
def ccc_sample(ccc):
    """48 CCC proposals from three themes (food, housing, transport), interleaved: a small real corpus."""
    wanted = ("SE_NOURRIR", "SE_LOGER", "SE_DEPLACER")
    by_theme = {key: [row for row in ccc if row["theme_key"] == key][:16] for key in wanted}
    return [row for trio in zip(*by_theme.values(), strict=True) for row in trio]


@pytest.fixture
def consultation(db):
    return make_consultation("don-donnees", questions=False)


@pytest.fixture(autouse=True)
def _eager_celery(request):
    """Unit tests run tasks in-process (the embedded runtime); integration tests use a real worker."""
    from tests.conftest import celery_eagerness

    if request.node.get_closest_marker("integration"):
        yield
        return
    with celery_eagerness(True):
        yield


@pytest.fixture
def done_run(consultation, ccc_sample, django_capture_on_commit_callbacks):
    """A finished analysis of 30 real proposals (three themes asked), with strata on the imported ones."""
    from analysis import services

    rows = ccc_sample[:30]
    add_proposals(consultation, [row["proposal"] for row in rows[:18]])
    strata = [{"age_band": "25-34" if i % 2 else "65+"} for i in range(12)]
    add_proposals(consultation, [row["proposal"] for row in rows[18:]], source="import", strata=strata)
    with django_capture_on_commit_callbacks(execute=True):
        run = services.start_run(consultation=consultation, k=3, chunk_size=10)
    run.refresh_from_db()
    assert run.status == "done", run.error_detail
    return run


@pytest.fixture(autouse=True)
def _own_media_root(settings, tmp_path_factory):
    """Stored PDFs (analysis.pdf) go to a folder of each test's own, never to var/media."""
    settings.MEDIA_ROOT = tmp_path_factory.mktemp("media")


@pytest.fixture
def labelling(settings, fake_label_server, monkeypatch):
    """A labelling service configured to answer from `fake_label_server`."""
    settings.PACTE_LABELS_BASE_URL = fake_label_server.base_url
    settings.PACTE_LABELS_MODEL = "petit-modele"
    settings.PACTE_LABELS_API_KEY_ENV = "TEST_LABELS_KEY"
    settings.PACTE_LABELS_TIMEOUT = 5
    monkeypatch.setenv("TEST_LABELS_KEY", "clef-de-test")
    return fake_label_server
