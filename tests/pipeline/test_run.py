"""The whole pipeline on a small realistic consultation, and on bad input."""

import datetime as dt
import json

import numpy as np
import pytest

from analysis.pipeline import (
    Contribution,
    InMemoryCleaningCache,
    InMemoryEmbeddingCache,
    PipelineError,
    PipelineParams,
    Votes,
    run_pipeline,
)
from analysis.pipeline.cluster import ClusterParams
from analysis.pipeline.notes import note_text
from tests.helpers import CountingEmbedder

from .conftest import sib200_subset

CAMPAIGN = (
    "Je m'oppose au don par défaut de mes données de santé : le consentement doit être explicite et "
    "chaque citoyen doit pouvoir décider de l'usage de son dossier médical. Signé {name}"
)


def _corpus():
    texts, labels = sib200_subset(("sports", "health", "geography", "politics"), 25)
    rng = np.random.default_rng(1)
    start = dt.date(2026, 2, 2)
    items = [
        Contribution(
            id=f"s{i}",
            text=text,
            source="proposal",
            date=start + dt.timedelta(days=int(rng.integers(0, 40))),
            strata={"gender": str(rng.choice(["F", "M"], p=[0.7, 0.3]))},
            votes=Votes(int(rng.integers(0, 20)), int(rng.integers(0, 20)), 1),
        )
        for i, text in enumerate(texts)
    ]
    items += [
        Contribution(id=f"c{i}", text=CAMPAIGN.format(name=n)) for i, n in enumerate(["Paul", "Léa", "Max"])
    ]
    items.append(
        Contribution(
            id="secret", text="Je suis diabétique, écrivez-moi à lea.martin@example.org ou au 06 11 22 33 44."
        )
    )
    return items, labels


def test_full_run_gives_a_serialisable_synthesis(use_embedder):
    items, _ = _corpus()
    stages = []
    result = run_pipeline(
        items,
        use_embedder,
        InMemoryEmbeddingCache(),
        PipelineParams(reference_margins={"gender": {"F": 0.5, "M": 0.5}}),
        progress=lambda stage, done, total: stages.append(stage),
    )
    payload = json.dumps(result.to_dict())

    assert "lea.martin@example.org" not in payload and "06 11 22 33 44" not in payload
    assert {"clean", "embed", "cluster", "synthesise"} <= set(stages)
    assert len(result.contributions) == len(items)

    # The campaign is one distinct contribution, reported with its size.
    assert result.run["n_distinct"] == len(items) - 2
    assert [c["size"] for c in result.campaigns] == [3]
    assert sum(t["size"] for t in result.themes) == result.run["n_distinct"]
    assert sum(t["sources"].get("proposal", 0) for t in result.themes) == 100

    secret = next(c for c in result.contributions if c["id"] == "secret")
    assert secret["health_flag"] and set(secret["scrubbed"]) == {"email", "phone"}
    quoted = {q["id"] for t in result.themes for q in t.get("quotes", [])}
    assert "secret" not in quoted

    real = [t for t in result.themes if not t["other"]]
    assert len(real) == result.run["clustering"]["k"] >= 2
    for theme in real:
        # Five representative quotes, plus the source of each summary sentence not among them (a reader
        # finds the whole text a sentence was taken from: run._quote_summary_sources).
        assert theme["keywords"] and 1 <= len(theme["quotes"]) <= 5 + len(theme.get("summary_sentences", []))
        assert "stance" in theme and "trend" in theme and "gender" in theme["breakdown"]
    assert sum(t["weighted_share"] for t in result.themes) == pytest.approx(1.0)
    assert result.run["model_id"] == use_embedder.model_id
    assert result.coordinates.shape == (result.run["n_distinct"], 2)


def test_a_themes_stance_counts_the_votes_on_every_copy_of_a_campaign(use_embedder):
    """The campaign is analysed once, but each of its three copies was voted on by its own voters: the
    theme holding it counts all their votes, as the themes x opinion groups table does."""
    items, _ = _corpus()
    copies = {f"c{i}": Votes(10 * (i + 1), i + 1, 1) for i in range(3)}  # 60 agree, 6 disagree, 3 pass
    items = [
        Contribution(id=c.id, text=c.text, source="proposal", votes=copies[c.id]) if c.id in copies else c
        for c in items
    ]
    result = run_pipeline(items, use_embedder, InMemoryEmbeddingCache())
    campaign = next(c for c in result.contributions if c["id"] == "c0")
    theme = next(t for t in result.themes if t["theme"] == campaign["theme"])
    others = [c for c in result.contributions if c["theme"] == campaign["theme"] and c["id"] not in copies]
    votes = {item.id: item.votes for item in items}
    expected = [
        sum(getattr(votes[c["id"]], k) for c in others if votes[c["id"]]) for k in ("agree", "disagree")
    ]
    assert (theme["stance"]["agree"], theme["stance"]["disagree"]) == (expected[0] + 60, expected[1] + 6)


def test_same_input_same_seed_same_result(use_embedder):
    items, _ = _corpus()
    cache = InMemoryEmbeddingCache()
    first = run_pipeline(items, use_embedder, cache, PipelineParams(cluster=ClusterParams(seed=5)))
    second = run_pipeline(items, use_embedder, cache, PipelineParams(cluster=ClusterParams(seed=5)))
    assert first.run["input_hash"] == second.run["input_hash"]
    assert [c["theme"] for c in first.contributions] == [c["theme"] for c in second.contributions]


def test_a_rerun_with_warm_caches_gives_the_same_themes_as_a_fresh_run(use_embedder):
    items, _ = _corpus()
    # The rerun: two contributions edited, one withdrawn, one new.
    changed = [
        Contribution(id=c.id, text=c.text + " Merci.") if i in (3, 40) else c for i, c in enumerate(items)
    ]
    changed = changed[1:] + [Contribution(id="new", text="Le vélo en ville devrait avoir ses propres voies.")]
    params = PipelineParams(cluster=ClusterParams(seed=2))
    embedder = CountingEmbedder(use_embedder)
    cleaning, embedding = InMemoryCleaningCache(), InMemoryEmbeddingCache()
    run_pipeline(items, embedder, embedding, params, cleaning_cache=cleaning)
    embedder.reset()

    warm = run_pipeline(changed, embedder, embedding, params, cleaning_cache=cleaning)
    cold = run_pipeline(changed, use_embedder, InMemoryEmbeddingCache(), params)

    # Of the contributions, only the edited and the new texts (titles also embed a few new phrases).
    assert len(set(embedder.texts) & {c.text for c in changed}) == 3
    assert len(cleaning) == len(items) + 3
    # What a user sees is identical. (The embedding hash is not: the model's float rounding depends on
    # which texts share a batch, so cached vectors differ from fresh ones in the last bits.)
    warm_run, cold_run = warm.to_dict(), cold.to_dict()
    for key in ("contributions", "themes", "campaigns", "new_clusters", "notes", "coordinates"):
        assert json.dumps(warm_run[key]) == json.dumps(cold_run[key]), key
    assert warm.run["clustering"]["k_selection"] == cold.run["clustering"]["k_selection"]


def test_given_duplicate_groups_give_the_same_result_as_deduping_here(use_embedder):
    from analysis.pipeline.dedupe import DedupeResult, dedupe

    items, _ = _corpus()
    cache = InMemoryEmbeddingCache()
    fresh = run_pipeline(items, use_embedder, cache)
    kept = [c["text"] for c in fresh.contributions]  # every text of this corpus is non-empty once cleaned
    given = run_pipeline(items, use_embedder, cache, duplicates=DedupeResult.from_groups(dedupe(kept).group))
    for key in ("contributions", "themes", "campaigns", "notes"):
        assert json.dumps(given.to_dict()[key]) == json.dumps(fresh.to_dict()[key]), key
    assert len(fresh.campaigns) == 1 and fresh.campaigns[0]["size"] == 3
    with pytest.raises(PipelineError, match="duplicate groups"):
        run_pipeline(items, use_embedder, cache, duplicates=DedupeResult.from_groups([0, 1]))


def test_empty_corpus_is_a_clear_error(use_embedder):
    with pytest.raises(PipelineError, match="empty"):
        run_pipeline([], use_embedder)
    with pytest.raises(PipelineError, match="empty"):
        run_pipeline([Contribution(id=1, text="   \n ")], use_embedder)


def test_duplicate_ids_are_a_clear_error(use_embedder):
    with pytest.raises(PipelineError, match="same id"):
        run_pipeline([Contribution(id=1, text="a"), Contribution(id=1, text="b")], use_embedder)


def test_one_contribution_gives_one_theme(use_embedder):
    result = run_pipeline(
        [Contribution(id=1, text="Je veux pouvoir refuser le partage de mes données.")], use_embedder
    )
    assert [t["size"] for t in result.themes] == [1]
    assert result.themes[0]["quotes"][0]["id"] == 1


def test_all_duplicates_give_one_campaign_and_a_note(use_embedder):
    items = [Contribution(id=i, text=CAMPAIGN.format(name=f"Nom {i}")) for i in range(12)]
    result = run_pipeline(items, use_embedder)
    assert result.campaigns[0]["size"] == 12
    assert result.run["n_distinct"] == 1
    assert [note["code"] for note in result.notes] == ["single_theme"]
    assert "same thing" in note_text(result.notes[0])


def test_huge_and_foreign_texts_are_handled_and_noted(use_embedder):
    texts, _ = sib200_subset(("sports", "health"), 10)
    items = [Contribution(id=i, text=t) for i, t in enumerate(texts)]
    items.append(Contribution(id="huge", text="Le partage des données de santé. " * 2000))
    items.append(
        Contribution(id="de", text="Das ist ein ganz anderer Text über Gesundheit und Daten im Krankenhaus")
    )
    result = run_pipeline(items, use_embedder, params=PipelineParams(max_chars=2000))
    huge = next(c for c in result.contributions if c["id"] == "huge")
    assert huge["truncated"] and len(huge["text"]) <= 2000
    noted = {n["code"]: n for n in result.notes}
    assert noted["truncated"]["count"] == 1 and noted["truncated"]["max_chars"] == 2000
    assert noted["other_language"]["count"] >= 1
    assert "neither French nor English" in note_text(noted["other_language"])


def test_override_larger_than_the_corpus_is_capped_with_a_note(use_embedder):
    texts, _ = sib200_subset(("sports",), 4)
    items = [Contribution(id=i, text=t) for i, t in enumerate(texts)]
    result = run_pipeline(items, use_embedder, params=PipelineParams(cluster=ClusterParams(k=10)))
    assert result.run["clustering"]["k"] == 4
    assert {"code": "k_capped", "asked": 10, "distinct": 4} in result.notes
    assert "10 themes were asked" in " ".join(map(note_text, result.notes))
