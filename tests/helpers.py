"""Helpers shared by the whole suite: the fixtures folder, a consultation built through the services,
an embedder that counts its work, and the HTML handed to WeasyPrint. Fixtures (pytest) live in
tests/conftest.py; plain functions and classes live here so that any test module can import them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import numpy as np

# Small licensed public data sets copied into the repository (see tests/data/README.md).
DATA = Path(__file__).resolve().parent / "data"

_PHASE_PATH = {
    "draft": [],
    "open": ["open"],
    "closed": ["open", "closed"],
    "synthesis_published": ["open", "closed", "synthesis_published"],
}


def make_consultation(
    slug: str = "test-consultation",
    *,
    phase: str = "open",
    title_fr: str = "Consultation test",
    title_en: str = "Test consultation",
    questions: bool = True,
    **fields,
):
    """A consultation created and moved to `phase` by the services, as an organiser would; with
    `questions`, one single-choice and one open question."""
    from consultation import services
    from consultation.models import Consultation

    consultation = services.create_consultation(
        actor=None, slug=slug, title_fr=title_fr, title_en=title_en, **fields
    )
    if questions:
        services.add_question(
            actor=None,
            consultation=consultation,
            kind="single",
            text_fr="Choix ?",
            text_en="Choice?",
            choices=[("Oui", "Yes"), ("Non", "No")],
        )
        services.add_question(actor=None, consultation=consultation, kind="open", text_fr="Pourquoi ?")
    for step in _PHASE_PATH[phase]:
        services.transition(actor=None, consultation=consultation, to_phase=step)
    return Consultation.objects.get(pk=consultation.pk)


class CountingEmbedder:
    """A real embedder (the bundled multilingual model by default) that records what it embeds."""

    def __init__(self, inner=None) -> None:
        if inner is None:
            from analysis.pipeline.embed import UseMultilingualEmbedder

            inner = UseMultilingualEmbedder()
        self.inner = inner
        self.model_id = inner.model_id
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += list(texts)
        return self.inner.embed(texts)

    @property
    def embedded(self) -> int:
        """How many texts were embedded since the start or the last reset."""
        return len(self.texts)

    def reset(self) -> None:
        self.texts.clear()


def html_handed_to_weasyprint(client, slug: str, monkeypatch) -> str:
    """The synthesis PDF of `slug`, with WeasyPrint replaced by a stand-in that keeps the HTML it is given."""
    import weasyprint
    from django.urls import reverse

    drawn: list[str] = []

    class CapturingHTML:
        def __init__(self, string, base_url=None):
            drawn.append(string)

        def write_pdf(self, *args, **kwargs):
            return b"%PDF-1.7"

    monkeypatch.setattr(weasyprint, "HTML", CapturingHTML)
    response = client.get(reverse("analysis:report_pdf", args=[slug]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    return drawn[0]


def read_spreadsheet_csv(content: bytes, delimiter: str = ";") -> list[dict]:
    """Rows of a CSV export as French Excel reads it: a UTF-8 byte-order mark, then ``;``-separated."""
    import csv
    import io

    assert content.startswith("\ufeff".encode()), "no byte-order mark: Excel would read Windows-1252"
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter))
