"""The run page says, in the organiser's language, whether a rerun kept the previous themes and why."""

from django.utils import translation

from analysis.run_messages import k_selection_message, since_previous_message

KEPT = {
    "method": "kept-previous",
    "k": 9,
    "scores": {"8": 0.35, "9": 0.36},
    "previous_score": 0.0252,
    "fresh_score": 0.0233,
    "fresh_scores": [0.0233, 0.0243, 0.0238],
    "threshold": 0.0222,
}
REDRAWN = {
    **KEPT,
    "method": "silhouette-parsimony",
    "previous_score": 0.0382,
    "fresh_scores": [0.0452, 0.0454],
}


def test_kept_themes_are_explained_with_the_fresh_attempts_range():
    with translation.override("fr"):
        text = k_selection_message(KEPT)
    assert text.startswith("Les 9 thèmes de l’analyse précédente ont été gardés\u00a0;")
    assert "0,025 pour les thèmes gardés, de 0,023 à 0,024 pour des essais à neuf" in text
    with translation.override("en"):
        assert "0.025 for the kept themes, 0.023 to 0.024 for fresh attempts" in k_selection_message(KEPT)


def test_redrawn_themes_say_the_previous_ones_no_longer_fit():
    with translation.override("fr"):
        text = k_selection_message(REDRAWN)
    assert text.startswith("Les thèmes ont été trouvés à neuf au lieu d’être repris de l’analyse précédente")
    assert "(score 0,038) que des essais à neuf (de 0,045 à 0,045)" not in text  # one value, not a range
    assert "(score 0,038) que des essais à neuf (0,045)" in text
    assert "9 thèmes" in text  # then how their number was chosen, as on a first run
    first_run = {key: KEPT[key] for key in ("k", "scores")} | {"method": "silhouette-parsimony"}
    with translation.override("fr"):
        assert "trouvés à neuf" not in k_selection_message(first_run)


def test_kept_themes_claim_no_new_contribution_when_there_was_none():
    since = {"run": 4, "new_contributions": 0, "gone_contributions": 2, "edited": 0, "unchanged": False}
    with translation.override("en"):
        text = k_selection_message({**KEPT, "since_previous": since})
        grown = k_selection_message({**KEPT, "since_previous": {**since, "new_contributions": 3}})
    assert text.startswith("The 9 themes of the previous analysis were kept. Themes found afresh")
    assert "joined the closest theme" not in text and "joined the closest theme" in grown
    with translation.override("fr"):
        assert "ont rejoint" not in k_selection_message({**KEPT, "since_previous": since})


def test_what_changed_is_said_even_when_the_previous_run_was_not_published():
    """Without a published synthesis there is no matching of themes: the counts made before the
    clustering are said, and "in another theme" only when kept themes imply none moved."""
    since = {"run": 4, "new_contributions": 0, "gone_contributions": 0, "changed_theme": None}
    with translation.override("en"):
        assert (
            since_previous_message(since) == "Same contributions as in run 4; the themes were found afresh."
        )
        assert since_previous_message({**since, "new_contributions": 2}) == (
            "Compared with run 4: 2 new contributions, 0 no longer analysed."
        )
        assert since_previous_message({**since, "changed_theme": 0}).startswith(
            "Same contributions as in run 4, each"
        )
        assert since_previous_message(None) == ""


def test_what_changed_counts_agree_with_their_number():
    since = {"run": 4, "new_contributions": 1, "gone_contributions": 2, "changed_theme": 1}
    with translation.override("en"):
        assert since_previous_message(since) == (
            "Compared with run 4: 1 new contribution, 2 no longer analysed, 1 in another theme."
        )
    with translation.override("fr"):
        assert since_previous_message(since) == (
            "Par rapport à l’analyse 4\u00a0: 1 nouvelle contribution, 2 qui ne sont plus analysées, "
            "1 dans un autre thème."
        )
