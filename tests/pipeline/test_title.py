"""Titles and summaries of themes: key phrases a person would write, distinct, from the theme's texts."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.preprocessing import normalize

from analysis.pipeline.embed import InMemoryEmbeddingCache
from analysis.pipeline.phrases import _phrases
from analysis.pipeline.title import Group, sentences, titles_and_summaries
from tests.pipeline.conftest import labelled_set

# A second theme beside the one under test (cloud 3 texts, servers 2), for the titles to be told apart.
EUROPE = (
    "Les serveurs doivent rester en Europe, sur un cloud européen.",
    "Un cloud européen certifié pour nos dossiers médicaux.",
    "Pas de cloud américain, un cloud européen et souverain.",
    "Le cloud européen protège nos dossiers du Cloud Act.",
    "Des serveurs en Europe et un cloud européen, voilà tout.",
)


def _phrase_forms(text: str) -> set[str]:
    return {form.lower() for form, _before, _after in _phrases(text, 5).values()}


def test_compounds_stay_whole_and_stop_words_only_inside():
    found = _phrase_forms(
        "Les géants du numérique ne doivent pas accéder au don d'organes des habitants d'outre-mer."
    )
    assert {"géants du numérique", "don d'organes", "outre-mer"} <= found
    assert "mer" not in found and "outre" not in found
    # No phrase starts or ends on a stop word or a conjugated verb.
    assert not any(f.split()[0] in {"les", "du", "ne", "doivent"} for f in found)
    assert not any(f.split()[-1] in {"du", "des", "au", "doivent"} for f in found)


def test_variants_of_a_phrase_are_one_candidate():
    one = _phrases("Le don d'organes sauve des vies.", 5)
    other = _phrases("Les dons d'organe sont rares.", 5)
    assert set(one) & set(other) & {k for k in one if len(k) == 3}


def _groups(texts, labels, vectors):
    groups = []
    for label in sorted(set(labels)):
        members = np.flatnonzero(np.array(labels) == label)
        centre = normalize(vectors[members].mean(axis=0, keepdims=True))[0]
        groups.append(Group(label, members, centre))
    return groups


@pytest.fixture(scope="module")
def ccc_titles(use_embedder):
    texts, labels = labelled_set("ccc")
    vectors = use_embedder.embed(texts)
    groups = _groups(texts, labels, vectors)
    # Each theme split in two halves by position: sub-themes of one parent.
    for group in list(groups):
        half = len(group.members) // 2
        for number, rows in enumerate((group.members[:half], group.members[half:])):
            centre = normalize(vectors[rows].mean(axis=0, keepdims=True))[0]
            groups.append(Group((group.key, number), rows, centre, parent=group.key))
    found = titles_and_summaries(texts, vectors, groups, use_embedder, InMemoryEmbeddingCache())
    return texts, labels, groups, found


def test_every_theme_gets_a_short_title_found_in_its_texts(ccc_titles):
    texts, labels, groups, found = ccc_titles
    for group in groups:
        title = found[group.key].title
        # 1-5 words, or a word and a 2-4 word phrase joined by "et" (each as the texts write it).
        assert 1 <= len(title.replace("'", " ").replace("’", " ").split()) <= 6
        assert title[0].isupper()
        written = " ".join(texts[i] for i in group.members).lower()
        joined = title.lower().split(" et ", 1)
        assert title.lower() in written or all(part in written for part in joined), (group.key, title)


def test_no_two_themes_and_no_sub_theme_and_its_parent_share_a_title(ccc_titles):
    _texts, _labels, groups, found = ccc_titles
    titles = [found[g.key].title.lower() for g in groups]
    assert len(set(titles)) == len(titles)


def test_titles_name_the_topic_of_the_theme(ccc_titles):
    """The CCC's "Se déplacer" (travel) proposals are about vehicles, roads, transport."""
    _texts, _labels, _groups, found = ccc_titles
    title = found["Se déplacer"].title.lower()
    assert any(word in title for word in ("véhicule", "transport", "voiture", "mobilité", "vélo", "route"))


def test_summary_is_one_or_two_sentences_of_the_themes_own_texts(ccc_titles):
    texts, _labels, groups, found = ccc_titles
    for group in groups:
        summary = found[group.key].summary
        assert summary
        parts = sentences(summary)
        assert 1 <= len(parts) <= 2
        written = " ".join(texts[i] for i in group.members)
        for part in parts:
            assert part.rstrip(".")[1:40] in written


def test_a_summary_never_quotes_personal_data_nor_an_unquotable_text(use_embedder):
    texts = [
        "Je veux que mes données de santé servent à la recherche publique sur le cancer.",
        "Écrivez-moi à jean.dupont@example.org pour parler des données de santé et de la recherche.",
        "Les données de santé doivent aider la recherche publique, avec un contrôle des citoyens.",
        "La recherche publique a besoin des données de santé, mais sans les vendre aux assureurs.",
    ]
    vectors = use_embedder.embed(texts)
    centre = normalize(vectors.mean(axis=0, keepdims=True))[0]
    quotable = np.array([False, True, True, True])
    found = titles_and_summaries(
        texts, vectors, [Group("a", np.arange(4), centre)], use_embedder, quotable=quotable
    )
    summary = found["a"].summary
    assert summary
    assert "@" not in summary and "example" not in summary
    assert "mes données de santé servent" not in summary


def test_a_run_titles_and_summarises_every_theme_and_sub_theme(use_embedder):
    from analysis.pipeline import Contribution, run_pipeline
    from tests.pipeline.conftest import sib200_subset

    texts, _labels = sib200_subset(("sports", "health", "geography", "politics"), 30)
    result = run_pipeline([Contribution(id=i, text=t) for i, t in enumerate(texts)], use_embedder)
    themes = [t for t in result.themes if not t["other"]]
    titles = [t["title"].lower() for t in themes]
    assert len(set(titles)) == len(titles) >= 2
    for theme in themes:
        assert theme["summary"] and theme["keywords"]
        for sub in theme["subthemes"]:
            if "title" in sub:
                assert sub["title"].lower() != theme["title"].lower()


def test_a_verb_is_no_edge_of_a_title_phrase():
    """A word after a pronoun ("qu'on me demande"), an infinitive ("parler"), a verb with its pronoun
    ("montrez-nous") or a present participle ("utilisant") starts or ends no phrase."""
    found = _phrase_forms(
        "Je veux qu'on me demande. Il faut en parler au lycée. Montrez-nous des résultats concrets ! "
        "Une publication scientifique utilisant les données. Inscris au registre."
    )
    assert {"résultats concrets", "publication scientifique", "registre"} <= found
    assert not {"demande", "parler au lycée", "montrez-nous des résultats concrets"} & found
    assert not any(f.split()[-1] == "utilisant" or f.startswith("inscris") for f in found)


def test_a_noun_that_is_also_an_infinitive_stays_a_noun_after_an_article():
    assert "goûter des enfants" in _phrase_forms("Le goûter des enfants est trop sucré.")
    assert not any(f.startswith("goûter") for f in _phrase_forms("Il faut goûter les plats."))


def test_chat_register_and_intensifiers_are_never_part_of_a_title():
    found = _phrase_forms("infos claires stp, une vraie campagne d'information, seulement les maladies rares")
    assert "infos claires" in found and "campagne d'information" in found and "maladies rares" in found
    assert not any(word in f.split() for f in found for word in ("stp", "vraie", "seulement"))


def test_feminine_nouns_and_adjectives_in_iere_are_no_verbs():
    """ "infirmière" comes from "infirmier" as "parle" from "parler": a word in -ère(s) of a lemma in
    -er is a feminine noun or adjective, never a verb form."""
    found = _phrase_forms("Les infirmières hospitalières doivent être mieux payées. Des aides financières.")
    assert "infirmières hospitalières" in found and "aides financières" in found


def test_on_is_a_pronoun_in_french_and_a_preposition_in_english():
    assert "information on privacy" in _phrase_forms("We want clear information on privacy.")
    assert not any(f.startswith("doit") for f in _phrase_forms("On doit protéger les données."))


def test_a_noun_in_ment_is_no_lone_adjective():
    assert "consentement" in _phrase_forms("Sans consentement, rien.")


def test_a_phrase_frequent_all_over_the_corpus_does_not_title_a_theme(use_embedder):
    """ "Données de santé" is in every text of every theme of this consultation: the theme about genetic
    data is titled with its own phrase, not with the phrase every theme uses."""
    genetic = [
        "Les données de santé génétiques doivent être mieux protégées.",
        "Mes données de santé et mes données génétiques concernent toute ma famille.",
        "Les données génétiques méritent une protection renforcée, plus que les autres données de santé.",
        "Pas de données génétiques dans la base, ce sont des données de santé trop sensibles.",
        "Les données de santé génétiques révèlent les maladies de nos enfants.",
    ]
    cloud = [
        "Les données de santé doivent rester sur un cloud européen.",
        "Un hébergeur européen pour les données de santé, pas un cloud américain.",
        "Les serveurs qui gardent les données de santé doivent être en Europe.",
        "Nos données de santé sur un cloud européen certifié, sinon rien.",
        "Le cloud européen est la seule garantie pour les données de santé.",
    ]
    consent = [
        "Les données de santé ne se donnent pas sans consentement explicite.",
        "Je veux donner mon consentement avant tout usage de mes données de santé.",
        "Le consentement doit être demandé pour chaque usage des données de santé.",
        "Sans consentement, pas de données de santé partagées.",
        "Un consentement éclairé pour les données de santé, c'est la base.",
    ]
    texts = genetic + cloud + consent
    vectors = use_embedder.embed(texts)
    groups = []
    for key, rows in (("genetic", range(0, 5)), ("cloud", range(5, 10)), ("consent", range(10, 15))):
        members = np.array(list(rows))
        centre = normalize(vectors[members].mean(axis=0, keepdims=True))[0]
        groups.append(Group(key, members, centre))
    found = titles_and_summaries(texts, vectors, groups, use_embedder, InMemoryEmbeddingCache())
    for group in groups:
        title = found[group.key].title.lower()
        assert "données de santé" not in title, title
        # ... and by a phrase several of its texts share, not one a single text uses.
        assert sum(title in texts[i].lower() for i in group.members) >= 2, title


def test_sibling_titles_do_not_share_their_head_word(use_embedder):
    """Two themes titled "Bénéfices à l'hôpital public" and "Bénéfices de la recherche" read as one
    subject on the map: when a theme has another phrase of its own, it takes that one."""
    hospital = [
        "Les bénéfices à l'hôpital public, pas aux laboratoires.",
        "Des bénéfices à l'hôpital public, versés par les entreprises qui utilisent nos données.",
        "Une part des bénéfices à l'hôpital public, sinon rien.",
        "Que les entreprises reversent leurs bénéfices à l'hôpital public.",
    ]
    research = [
        "Les bénéfices de la recherche doivent aller aux maladies rares.",
        "Les maladies rares sont oubliées, les bénéfices de la recherche vont ailleurs.",
        "Les bénéfices de la recherche pour les maladies rares aussi.",
        "Les bénéfices de la recherche, pour tous les malades.",
    ]
    texts = hospital + research
    vectors = use_embedder.embed(texts)
    groups = []
    for key, rows in (("hospital", range(0, 4)), ("research", range(4, 8))):
        members = np.array(list(rows))
        centre = normalize(vectors[members].mean(axis=0, keepdims=True))[0]
        groups.append(Group(key, members, centre))
    found = titles_and_summaries(texts, vectors, groups, use_embedder, InMemoryEmbeddingCache())
    heads = [found[g.key].title.split()[0].lower().rstrip("s") for g in groups]
    assert heads[0] != heads[1], [found[g.key].title for g in groups]


def test_a_summary_speaks_the_consultations_language_and_register(use_embedder):
    """A French theme's summary quotes no English sentence and no chat ("stp") when it has others."""
    english = "Health data should stay in Europe, hosted by a European provider."
    chat = "infos claires stp, nos données de santé doivent rester en Europe"
    french = [
        "Les données de santé doivent rester en Europe, chez un hébergeur européen.",
        "Un hébergeur européen certifié pour nos données de santé, sans loi étrangère.",
        "Les serveurs qui gardent nos données de santé doivent être en Europe.",
        "Pas de cloud américain pour les dossiers médicaux des Français.",
        "Nos données de santé en Europe, sous le contrôle de juges européens.",
    ]
    # The English and the chat sentences are in every text: the most central ones.
    texts = [f"{english}\n{chat}\n{sentence}" for sentence in french]
    vectors = use_embedder.embed(texts)
    centre = normalize(vectors.mean(axis=0, keepdims=True))[0]
    found = titles_and_summaries(texts, vectors, [Group("a", np.arange(5), centre)], use_embedder)
    summary = found["a"].summary
    assert summary
    assert "Health data" not in summary and "stp" not in summary.lower()


def _sub_themes(texts, vectors, parts):
    """Groups for ``parts`` = {theme: {sub-theme: rows}}: each theme and its sub-themes."""
    groups = []
    for theme, subs in parts.items():
        rows = np.array(sorted(r for sub in subs.values() for r in sub))
        groups.append(Group(theme, rows, normalize(vectors[rows].mean(axis=0, keepdims=True))[0]))
        for sub, sub_rows in subs.items():
            members = np.array(list(sub_rows))
            centre = normalize(vectors[members].mean(axis=0, keepdims=True))[0]
            groups.append(Group((theme, sub), members, centre, parent=theme))
    return groups


def test_a_theme_is_titled_by_a_phrase_spread_over_it_not_by_one_minor_part(use_embedder):
    """A phrase three texts of one small sub-theme share names that sub-theme; the theme's title is a
    phrase its sub-themes share ("entreprises privées" is in both large ones)."""
    access = [
        "Les entreprises privées ne doivent pas accéder à nos dossiers sans contrôle.",
        "Aucun accès des industriels aux données des malades.",
        "Les start-up veulent nos données pour leurs produits.",
        "Je refuse que les entreprises privées lisent mon dossier.",
        "Un accès des laboratoires seulement sous contrôle public.",
    ]
    insurers = [
        "Les assureurs et les entreprises privées augmenteraient les cotisations.",
        "Jamais de données aux assureurs ni aux banques.",
        "Les mutuelles feraient payer les malades.",
        "Pas de revente aux assureurs, pas de cadeau aux entreprises privées.",
        "Les employeurs ne doivent rien savoir de notre santé.",
    ]
    hospital = [
        "Les laboratoires doivent reverser leurs bénéfices à l'hôpital public.",
        "Une part des bénéfices à l'hôpital public pour chaque accès.",
        "Que les bénéfices à l'hôpital public financent les soins.",
    ]
    europe = list(EUROPE)
    texts = access + insurers + hospital + europe
    vectors = use_embedder.embed(texts)
    groups = _sub_themes(
        texts,
        vectors,
        {
            "companies": {"access": range(0, 5), "insurers": range(5, 10), "hospital": range(10, 13)},
            "europe": {"cloud": range(13, 16), "servers": range(16, 18)},
        },
    )
    found = titles_and_summaries(texts, vectors, groups, use_embedder, InMemoryEmbeddingCache())
    title = found["companies"].title.lower()
    assert "bénéfice" not in title and "hôpital" not in title, title
    assert "entreprise" in title, title


def test_a_word_always_after_the_same_preposition_is_no_title(use_embedder):
    """ "Par défaut" is a locution: "Défaut" alone says nothing of a theme about consent."""
    consent = [
        "Le consentement ne peut pas être acquis par défaut.",
        "Inscrire tout le monde par défaut, c'est nier le consentement explicite.",
        "Un oui par défaut n'est pas un consentement explicite.",
        "Le consentement explicite, jamais une case cochée par défaut.",
        "Rien par défaut : un consentement explicite de chacun.",
    ]
    cloud = [
        "Les serveurs doivent rester en Europe, sur un cloud européen.",
        "Un cloud européen certifié pour nos dossiers médicaux.",
        "Pas de cloud américain, un cloud européen et souverain.",
        "Le cloud européen protège nos dossiers du Cloud Act.",
    ]
    texts = consent + cloud
    vectors = use_embedder.embed(texts)
    groups = []
    for key, rows in (("consent", range(0, 5)), ("cloud", range(5, 9))):
        members = np.array(list(rows))
        centre = normalize(vectors[members].mean(axis=0, keepdims=True))[0]
        groups.append(Group(key, members, centre))
    found = titles_and_summaries(texts, vectors, groups, use_embedder, InMemoryEmbeddingCache())
    assert found["consent"].title.lower() != "défaut", found["consent"].title


def test_a_word_used_by_few_texts_is_joined_with_the_phrase_the_others_use(use_embedder):
    """ "Entreprises" is in under half the theme's texts; "ciblage commercial" is in most of the others:
    the title names both, each as its texts write it, and a sub-theme takes neither."""
    companies = [
        "Les entreprises ne doivent pas lire nos dossiers.",
        "Aucune confiance dans les entreprises.",
        "Les entreprises font du profit avec nos données.",
        "Pas d'accès pour les entreprises.",
    ]
    marketing = [
        "Aucune donnée pour le ciblage commercial.",
        "Le ciblage commercial est une ligne rouge.",
        "Interdire le ciblage commercial des malades.",
        "Pas de ciblage commercial avec la santé.",
    ]
    others = [
        "Les assureurs et les entreprises ne doivent rien savoir.",
        "Les banques refuseraient des prêts aux malades.",
        "Les employeurs liraient nos dossiers médicaux.",
        "Les mutuelles augmenteraient les cotisations.",
        "Les entreprises et les banques vendraient tout.",
        "Les assureurs feraient payer les malades.",
    ]
    europe = list(EUROPE)
    texts = companies + marketing + others + europe
    vectors = use_embedder.embed(texts)
    groups = _sub_themes(
        texts,
        vectors,
        {
            "companies": {"firms": range(0, 4), "marketing": range(4, 8), "others": range(8, 14)},
            "europe": {"cloud": range(14, 17), "servers": range(17, 19)},
        },
    )
    found = titles_and_summaries(texts, vectors, groups, use_embedder, InMemoryEmbeddingCache())
    title = found["companies"].title
    assert title == "Entreprises et ciblage commercial", title
    subs = {found["companies", sub].title.lower() for sub in ("firms", "marketing", "others")}
    assert not subs & {"entreprises", "ciblage commercial"}, subs


def test_a_verb_after_qui_or_after_a_plural_noun_ends_a_phrase():
    found = _phrase_forms("Qui contrôle les serveurs contrôle les données de santé.")
    assert "serveurs contrôle les données" not in found and "contrôle les serveurs" not in found
    assert {"serveurs", "données de santé"} <= found


def test_a_small_word_then_a_verb_does_not_make_a_phrase_a_fragment():
    """ "Entreprises privées pour respecter" is no longer phrase: "entreprises privées" stays a candidate
    of its own, while "don" before "d'organes" is part of one."""
    after = {
        form.lower(): a
        for form, _b, a in _phrases("Les entreprises privées pour respecter nos données.", 5).values()
    }
    assert after["entreprises privées"] is None
    after = {form.lower(): a for form, _b, a in _phrases("Le don d'organes sauve des vies.", 5).values()}
    assert after["don"] == "d'"
