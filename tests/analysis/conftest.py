import csv
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from django.conf import settings

from analysis.pipeline.embed import UseMultilingualEmbedder


class CountingEmbedder:
    """The real multilingual embedder, counting the texts it is asked to embed."""

    def __init__(self) -> None:
        self._inner = UseMultilingualEmbedder()
        self.model_id = self._inner.model_id
        self.calls: list[int] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.calls.append(len(texts))
        return self._inner.embed(texts)

    @property
    def embedded(self) -> int:
        return sum(self.calls)


@pytest.fixture(scope="session")
def use_embedder():
    return UseMultilingualEmbedder()


@pytest.fixture
def counting_embedder():
    return CountingEmbedder()


def ccc_proposals() -> list[dict[str, str]]:
    """The 146 proposals of the Convention Citoyenne pour le Climat, with their ground-truth themes."""
    path = Path(settings.PACTE_SHARED_DATA) / "french" / "ccc-propositions"
    files = sorted(path.glob("*.csv"))
    if not files:
        pytest.fail(f"CCC proposals not found in {path}; set PACTE_SHARED_DATA")
    with open(files[0], encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="session")
def ccc():
    return ccc_proposals()


def make_consultation(slug: str = "don-donnees", **fields):
    from consultation.models import Consultation

    return Consultation.objects.create(slug=slug, title_fr=f"Consultation {slug}", phase="open", **fields)


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


@pytest.fixture
def ccc_sample(ccc):
    """48 CCC proposals from three themes (food, housing, transport), interleaved: a small real corpus."""
    wanted = ("SE_NOURRIR", "SE_LOGER", "SE_DEPLACER")
    by_theme = {key: [row for row in ccc if row["theme_key"] == key][:16] for key in wanted}
    return [row for trio in zip(*by_theme.values(), strict=True) for row in trio]


@pytest.fixture
def consultation(db):
    return make_consultation()


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


@pytest.fixture
def organiser_client(client, organiser):
    from tests.conftest import with_totp

    with_totp(organiser)
    client.force_login(organiser)
    return client
