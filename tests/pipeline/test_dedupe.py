"""Copy-paste campaigns are grouped and count once."""

import pytest

from analysis.pipeline.dedupe import DedupeError, DedupeResult, dedupe

from .conftest import sib200_rows

LETTER = (
    "Madame, Monsieur, je m'oppose fermement au don par défaut de mes données de santé. Le consentement "
    "doit être explicite, libre et éclairé, et chaque citoyen doit pouvoir décider seul de l'usage de son "
    "dossier médical. Je vous demande de renoncer à ce projet. Signé : {name}"
)
NAMES = ["Paul Martin", "Marie Curie", "Jean Dupont", "Zoé", "Karim B.", "Anne-Sophie Leroy", "Luc"]


def test_campaign_with_varied_signatures_and_punctuation_is_one_group():
    campaign = [LETTER.format(name=n) for n in NAMES]
    campaign[2] = campaign[2].upper()
    campaign[3] = campaign[3].replace(",", "").replace("é", "e")
    others = [r["text"] for r in sib200_rows()[:30]]
    texts = others[:10] + campaign + others[10:]

    result = dedupe(texts)

    campaign_group = result.group[10]
    assert set(result.group[10 : 10 + len(NAMES)]) == {campaign_group}
    assert result.size[campaign_group] == len(NAMES)
    assert result.campaigns == [campaign_group]
    assert len(result.size) == len(others) + 1  # every other text is its own group
    assert result.representative[campaign_group] == 10


def test_opposite_short_opinions_are_not_merged():
    texts = [
        "Je suis pour le don par défaut de mes données de santé",
        "Je suis contre le don par défaut de mes données de santé",
    ]
    assert len(dedupe(texts).size) == 2


def test_exact_duplicates_ignore_case_accents_and_spacing():
    result = dedupe(["Non au don par défaut !", "non au don par  defaut", "Oui"])
    assert result.group.tolist() == [0, 0, 1]


def test_bad_threshold_is_a_clear_error():
    with pytest.raises(DedupeError, match="threshold"):
        dedupe(["a", "b"], threshold=1.5)


def test_a_stored_grouping_rebuilds_the_same_result():
    texts = [
        "Pour le don.",
        "Contre le don par défaut.",
        "pour le don",
        "Autre idée.",
        "Contre le don par defaut",
    ]
    found = dedupe(texts)
    again = DedupeResult.from_groups([10 * g + 7 for g in found.group], found.threshold)  # any numbering
    assert again.group.tolist() == found.group.tolist() == [0, 1, 0, 2, 1]
    assert again.representative.tolist() == found.representative.tolist()
    assert again.size.tolist() == found.size.tolist() and again.campaigns == found.campaigns
    assert len(DedupeResult.from_groups([]).group) == 0


def test_large_corpora_find_the_same_campaigns_block_by_block(monkeypatch):
    """Beyond a few thousand texts the n-grams are hashed and the candidate pairs checked in blocks, so
    memory stays bounded: the groups are the same as in one block."""
    from analysis.pipeline import dedupe as stage

    campaign = [LETTER.format(name=n) for n in NAMES]
    others = [r["text"] for r in sib200_rows()[:40]]
    texts = others[:15] + campaign[:4] + others[15:] + campaign[4:] + ["Oui", "oui !"]
    whole = dedupe(texts)

    monkeypatch.setattr(stage, "_TEXTS_PER_BLOCK", 3)
    monkeypatch.setattr(stage, "_PAIRS_PER_CHUNK", 2)
    blocks = dedupe(texts)

    assert blocks.group.tolist() == whole.group.tolist()
    assert [int(s) for s in blocks.size[blocks.campaigns]] == [len(NAMES), 2]
