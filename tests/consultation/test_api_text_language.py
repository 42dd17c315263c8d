"""The API's ``title`` and ``context`` are in the request's language, else in the other one (the pages'
rule, ``consultation.languages.shown``): ``title_lang`` and ``context_lang`` say which, so a client marks
the text as the pages do (WCAG 3.1.2) and knows when it got the other language's text."""

import pytest

from tests.helpers import make_consultation

pytestmark = pytest.mark.django_db


def _read(client, slug, language):
    return client.get(f"/api/consultations/{slug}/", HTTP_ACCEPT_LANGUAGE=language).json()


def test_an_english_only_consultation_read_in_french_says_its_title_is_english(client):
    make_consultation("london", title_fr="", title_en="Youth policing in London", context_en="Why?")
    data = _read(client, "london", "fr")
    assert data["title"] == "Youth policing in London" and data["title_lang"] == "en"
    assert data["context"] == "Why?" and data["context_lang"] == "en"
    listed = client.get("/api/consultations/", HTTP_ACCEPT_LANGUAGE="fr").json()["results"][0]
    assert listed["title_lang"] == "en"


def test_a_title_in_the_requests_language_says_that_language(client):
    make_consultation("sante", title_fr="Don de données", title_en="Data donation", context_fr="Pourquoi ?")
    assert _read(client, "sante", "en")["title"] == "Data donation"
    assert _read(client, "sante", "en")["title_lang"] == "en"
    assert _read(client, "sante", "fr")["title_lang"] == "fr"
    english = _read(client, "sante", "en")  # no English context: the French one, said French
    assert english["context"] == "Pourquoi ?" and english["context_lang"] == "fr"


def test_the_schema_declares_the_language_of_each_text(client):
    schema = client.get("/api/schema/?format=json").json()
    consultation = schema["components"]["schemas"]["Consultation"]["properties"]
    for name in ("title_lang", "context_lang"):
        assert consultation[name]["readOnly"] is True
        enum = (
            consultation[name].get("enum")
            or schema["components"]["schemas"][consultation[name]["allOf"][0]["$ref"].rsplit("/", 1)[1]][
                "enum"
            ]
        )
        assert set(enum) == {"fr", "en"}
    assert "title_lang" in consultation["title"]["description"]
