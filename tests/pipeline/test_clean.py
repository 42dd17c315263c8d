"""Personal data never reaches analysis or quotes; health disclosures reach the moderator."""

import pytest

from analysis.pipeline.clean import clean_text, normalise


@pytest.mark.parametrize(
    ("text", "secret", "kind"),
    [
        ("Écrivez-moi à jean.dupont@example.fr pour en parler.", "jean.dupont@example.fr", "email"),
        ("Appelez-moi au 06 12 34 56 78 le soir.", "06 12 34 56 78", "phone"),
        ("Mon numéro : 01.23.45.67.89.", "01.23.45.67.89", "phone"),
        ("Joignable au +33 6 12 34 56 78.", "+33 6 12 34 56 78", "phone"),
        ("Depuis l'étranger : 0033 (0)6 12 34 56 78", "(0)6 12 34 56 78", "phone"),
        ("Mon numéro de sécu 1 85 05 78 006 084 36 circule partout.", "1 85 05 78 006 084 36", "nir"),
        ("NIR 285052A00608436 en Corse", "285052A00608436", "nir"),
        ("Versez sur FR76 3000 6000 0112 3456 7890 189 merci", "FR76 3000 6000 0112 3456 7890 189", "iban"),
        ("J'habite 12 rue de la Paix 75002 Paris depuis 3 ans.", "rue de la Paix", "address"),
        ("Au 3 bis, avenue Jean Jaurès, à Lyon.", "Jean Jaurès", "address"),
        ("I live at 221B Baker Street in London.", "Baker Street", "address"),
    ],
)
def test_each_kind_of_personal_data_is_replaced_by_a_placeholder(text, secret, kind):
    cleaned = clean_text(text)
    assert secret not in cleaned.text
    assert f"[{kind}]" in cleaned.text
    assert kind in cleaned.scrubbed


def test_ordinary_numbers_and_words_are_kept():
    text = "En 2020, 45 % des 1 200 personnes interrogées ont cité 3 places de parking."
    cleaned = clean_text(text)
    assert cleaned.text == text
    assert cleaned.scrubbed == ()


def test_a_mistyped_iban_is_still_scrubbed_and_a_short_reference_kept():
    # The checksum fails, the shape is an IBAN's: someone's account all the same (privacy first).
    assert clean_text("Virez sur FR76 3000 6000 0112 3456 7890 188").scrubbed == ("iban",)
    assert clean_text("Référence FR12 ABCD").scrubbed == ()


@pytest.mark.parametrize(
    "text",
    [
        "Je suis diabétique depuis dix ans et je partage mes données.",
        "Mon cancer a été soigné grâce à la recherche.",
        "J'ai eu un cancer du sein il y a cinq ans.",
        "Je souffre de dépression, je crains la stigmatisation.",
        "Ma fille est autiste et son dossier me fait peur.",
        "I have HIV and I worry about insurers.",
        "I'm diabetic, so my data is sensitive.",
        "As a patient, my asthma data could help research.",
        "Je suis diabétique depuis 2010, mon fils a un cancer.",
        "Je suis atteint d'une sclérose en plaques.",
        "Ma fille est suivie pour une leucémie.",
        "Mon père est mort d'un cancer, la recherche compte.",
        "Ma mère a la maladie d'Alzheimer.",
    ],
)
def test_personal_health_disclosure_is_flagged(text):
    cleaned = clean_text(text)
    assert cleaned.health_flag
    assert cleaned.health_excerpt


@pytest.mark.parametrize(
    "text",
    [
        "Le cancer est une priorité de santé publique.",
        "Les diabétiques devraient pouvoir refuser le partage.",
        "Research on HIV needs more data.",
        "Mon dossier médical partagé doit rester confidentiel.",
    ],
)
def test_general_statements_about_health_are_not_flagged(text):
    assert not clean_text(text).health_flag


def test_unicode_and_whitespace_are_normalised():
    assert normalise("Ｄｏｎ\u00a0de   données\t\n\n\n  ﬁn") == "Don de données\nfin"


def test_huge_text_is_truncated_at_a_word_boundary():
    cleaned = clean_text("mot " * 5000, max_chars=1000)
    assert cleaned.truncated
    assert len(cleaned.text) <= 1000
    assert cleaned.text.endswith("mot")


def test_text_in_another_language_is_noticed():
    german = "Das ist ein ganz anderer Text über Gesundheit und Daten im Krankenhaus heute"
    assert clean_text(german).likely_other_language
    assert not clean_text(
        "Je pense que le partage des données de santé doit rester un choix."
    ).likely_other_language
