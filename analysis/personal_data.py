"""What broad listening holds about a person, declared in the personal-data registry of `accounts`
(`accounts.personal_data`); registered in AnalysisConfig.ready. The erasure handlers are services
(analysis/services.py)."""

from accounts.personal_data import Fate, Stage, register, register_staff_records

from . import services


def register_entries() -> None:
    register(
        "analysis.Contribution",
        handler=services.erase_contributions,
        stage=Stage.LAST,
        erase=Fate.DELETE,
        pseudonymise=Fate.BLANK,
        why="Scrubbed copies of answers and proposals: they go with their source, or lose the copied strata.",
    )
    for name, what in (
        ("analysis.EmbeddingVector", "the cached embedding of a deleted text, unless another copy shares it"),
        ("analysis.Theme", "quotes of a deleted text"),
        ("analysis.SynthesisVersion", "quotes of a deleted text in every version"),
    ):
        register(name, by="analysis.Contribution", erase=Fate.DELETE, pseudonymise=Fate.KEEP, why=what)
    register(
        "analysis.OpinionRun",
        handler=services.erase_opinion_positions,
        stage=Stage.FIRST,  # while the person's votes say which consultations to look at
        erase=Fate.BLANK,
        pseudonymise=Fate.KEEP,
        why="A voter's position and group under their participant key.",
    )
    register_staff_records(
        "analysis.PipelineRun.created_by",
        "analysis.SynthesisVersion.author",
        "analysis.PublishedSynthesis.published_by",
        "analysis.ThemeRecommendationLink.confirmed_by",
        work="the analysis work",
    )
