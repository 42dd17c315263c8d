"""The API's schema refuses what the schema itself says it refuses, in JSON like the rest of the API and in
the reader's language: an unknown `lang` (it was a 200 in the default language) and an unknown `format`
(a 404 in YAML, a status the schema did not list). Found by schemathesis against the schema."""

import pytest
import yaml
from django.test import Client

pytestmark = pytest.mark.django_db

UNKNOWN_LANGUAGE = {"fr": "Langue inconnue\u00a0: utilisez fr, en.", "en": "Unknown language: use fr, en."}


@pytest.mark.parametrize("language", ["fr", "en"])
def test_an_unknown_lang_is_a_400_in_json(language):
    response = Client().get("/api/schema/?lang=AAA", HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    assert response.json() == {"detail": UNKNOWN_LANGUAGE[language]}


@pytest.mark.parametrize("format", ["xlsx", ""])
def test_an_unknown_format_is_a_404_in_json_that_the_schema_lists(format):
    response = Client().get(f"/api/schema/?format={format}")
    assert response.status_code == 404
    assert set(response.json()) == {"detail"}
    schema = yaml.safe_load(Client().get("/api/schema/?lang=en").content)
    assert {"200", "400", "404"} <= set(schema["paths"]["/api/schema/"]["get"]["responses"])


@pytest.mark.parametrize("language", ["fr", "en"])
def test_a_known_lang_still_gives_the_schema_in_that_language(language):
    schema = yaml.safe_load(Client().get(f"/api/schema/?lang={language}").content)
    assert schema["info"]["title"] == "Pacte API"
    description = schema["paths"]["/api/consultations/"]["get"]["parameters"][0]["description"]
    assert (
        description
        == {"fr": "Nombre de résultats à retourner par page.", "en": "Number of results to return per page."}[
            language
        ]
    )
