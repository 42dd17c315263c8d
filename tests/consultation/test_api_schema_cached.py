"""The API's OpenAPI schema is generated once per language, not at every request: no throttle counts
/api/schema/ (its documentation stays readable after the API's limit), and each generation cost about
100 ms of CPU, so a client asking for it in a loop kept a core busy. A made-up ``?lang=`` gets the
default language's schema without a generation of its own."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from consultation.api import SchemaView

pytestmark = pytest.mark.django_db


@pytest.fixture
def generations(monkeypatch):
    SchemaView._schemas.clear()
    calls = []
    original = SchemaGenerator.get_schema

    def counted(self, *args, **kwargs):
        calls.append(1)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(SchemaGenerator, "get_schema", counted)
    yield calls
    SchemaView._schemas.clear()


def _description(client, **headers) -> str:
    response = client.get("/api/schema/?format=json", **headers)
    assert response.status_code == 200
    return response.json()["components"]["schemas"]["Question"]["properties"]["required"]["description"]


def test_the_schema_is_generated_once_per_language_and_says_it_in_that_language(client, generations):
    english = _description(client, HTTP_ACCEPT_LANGUAGE="en")
    assert english.startswith("Whether participants had to answer")
    for _ in range(20):
        assert _description(client, HTTP_ACCEPT_LANGUAGE="en") == english
    french = _description(client, HTTP_ACCEPT_LANGUAGE="fr")
    assert french != english
    assert _description(client, HTTP_ACCEPT_LANGUAGE="fr") == french
    assert len(generations) == 2  # one per language, not 23


def test_a_made_up_language_neither_generates_nor_fills_the_cache(client, generations, settings):
    _description(client, HTTP_ACCEPT_LANGUAGE=settings.LANGUAGE_CODE)
    for made_up in ("xx", "zz-evil", "qq"):  # refused (test_api_schema_refusals), at no generation's cost
        assert client.get(f"/api/schema/?format=json&lang={made_up}").status_code == 400
    # An unknown language asked through the header falls back to the default language's copy.
    _description(client, HTTP_ACCEPT_LANGUAGE="xx")
    assert len(generations) == 1
    assert len(SchemaView._schemas) == 1
