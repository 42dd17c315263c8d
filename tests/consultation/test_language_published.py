"""The language a proposal is written in (`Proposal.language`, the rule of consultation/languages.py that
pages use for `lang`) is published with its text: the API's `language` and the open-data archive's
`language` column give its tag, or nothing when it is unknown or when no text is given (hidden by
moderation), so a reuser can read, translate or count proposals by language."""

import csv
import io
import zipfile

import pytest
from drf_spectacular.validation import validate_schema

from consultation import opendata, services
from consultation.models import Proposal
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

ENGLISH = "Patients should be able to see who accessed their records."
FRENCH = "Un registre des refus simple, en ligne et au guichet."
UNKNOWN = "Sans langue connue."


@pytest.fixture
def proposals(consultation):
    author = UserFactory()
    services.accept_charter(user=author, consultation=consultation)
    made = {
        "en-GB": services.submit_proposal(
            user=author, consultation=consultation, text=ENGLISH, language="en-GB"
        ),
        "fr": services.submit_proposal(user=author, consultation=consultation, text=FRENCH, language="fr"),
        "unknown": services.submit_proposal(user=author, consultation=consultation, text=UNKNOWN),
        "hidden": services.submit_proposal(
            user=author, consultation=consultation, text="Written in English, then hidden.", language="en"
        ),
    }
    Proposal.objects.filter(pk=made["hidden"].pk).update(status="hidden", hide_reason="Hors sujet")
    return made


EXPECTED = {"en-GB": (ENGLISH, "en-gb"), "fr": (FRENCH, "fr"), "unknown": (UNKNOWN, ""), "hidden": ("", "")}


def test_the_api_gives_each_proposals_language(client, consultation, proposals):
    listing = client.get(f"/api/consultations/{consultation.slug}/proposals/").json()["results"]
    by_id = {p["id"]: (p["text"], p["language"]) for p in listing}
    assert {key: by_id[p.pk] for key, p in proposals.items()} == EXPECTED


def test_the_archive_gives_each_proposals_language_and_says_what_the_column_holds(consultation, proposals):
    with zipfile.ZipFile(io.BytesIO(opendata.build_archive(consultation))) as archive:
        rows = list(csv.DictReader(io.StringIO(archive.read("proposals.csv").decode())))
        readme = archive.read("README.md").decode()
    by_id = {int(r["proposal_id"]): (r["text"], r["language"]) for r in rows}
    assert {key: by_id[p.pk] for key, p in proposals.items()} == EXPECTED
    assert list(rows[0])[-1] == "language"  # added last: scripts reading columns by position still work
    section = readme.split("## proposals.csv", 1)[1].split("##", 1)[0]
    assert "language (the language the text is written in" in section


def test_the_openapi_schema_describes_the_language_and_stays_valid(client):
    schema = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="en").json()
    validate_schema(schema)  # raises on an invalid OpenAPI 3 document
    language = schema["components"]["schemas"]["Proposal"]["properties"]["language"]
    assert language["type"] == "string" and language.get("readOnly") is True
    assert "language" in schema["components"]["schemas"]["Proposal"]["required"]
    assert "lower-case language tag" in language["description"]
    french = client.get("/api/schema/?format=json", HTTP_ACCEPT_LANGUAGE="fr").json()
    described = french["components"]["schemas"]["Proposal"]["properties"]["language"]["description"]
    assert "étiquette de langue en minuscules" in described
