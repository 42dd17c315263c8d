"""Bad requests to the public API and to the scripts' vote get a 4xx with a JSON error body, never a 500
or an HTML page, and lose no vote (found by schemathesis and by hand against the demo data)."""

import base64
import json

from django.test import Client, RequestFactory, override_settings

from config.views import server_error
from consultation import services
from consultation.models import Vote
from tests.conftest import PASSWORD, with_totp

JSON = {"HTTP_ACCEPT": "application/json", "HTTP_ACCEPT_LANGUAGE": "fr"}


def _basic(email: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{email}:{password}".encode()).decode()


def _vote_address(consultation, proposal_id) -> str:
    return f"/consultations/{consultation.slug}/propositions/{proposal_id}/vote/"


def _voter(member, consultation):
    """A member who already voted 'agree' on a proposal: the vote that must survive bad requests."""
    proposal = services.submit_proposal(user=member, consultation=consultation, text="Un registre des refus")
    services.cast_vote(user=member, proposal=proposal, value="agree")
    client = Client()
    client.force_login(member)
    return client, proposal


def _votes(proposal) -> list[int]:
    return list(Vote.objects.filter(proposal=proposal).values_list("value", flat=True))


def test_the_api_checks_no_password_a_wrong_one_gets_the_same_data(client, consultation, citizen):
    # DRF's Basic authentication answered a wrong password with a 403 the schema did not list, and a
    # right one with a 200: a password check with no rate limit and no second factor.
    expected = client.get("/api/consultations/").json()
    for authorization in [_basic(citizen.email, "wrong"), _basic(citizen.email, PASSWORD), "Basic !!!"]:
        response = client.get("/api/consultations/", HTTP_AUTHORIZATION=authorization)
        assert response.status_code == 200, authorization
        assert response.json() == expected
    assert client.get("/api/schema/", HTTP_AUTHORIZATION=_basic(citizen.email, "wrong")).status_code == 200
    schema = client.get("/api/schema/?format=json").json()
    assert "basicAuth" not in schema.get("components", {}).get("securitySchemes", {})


def test_an_organiser_without_second_factor_reads_the_api_in_json(client, consultation, organiser):
    # The set-up redirection still applies to the site's pages, not to the public open data.
    client.force_login(organiser)
    response = client.get("/api/consultations/")
    assert response.status_code == 200 and response["Content-Type"] == "application/json"
    assert [c["slug"] for c in response.json()["results"]] == [consultation.slug]
    assert client.get("/compte/").status_code == 302
    client.force_login(with_totp(organiser))
    assert client.get("/api/consultations/").json() == response.json()


def test_a_vote_for_an_id_no_database_holds_is_a_json_404(member, consultation):
    # Any run of digits reaches the view; on SQLite (the embedded runtime) 10**23 could not even be bound
    # to the query: a 500.
    client, proposal = _voter(member, consultation)
    for proposal_id in [10**23, 2**63, 0]:
        response = client.post(_vote_address(consultation, proposal_id), {"value": "disagree"}, **JSON)
        assert response.status_code == 404, proposal_id
        assert response.json() == {"detail": "Cette proposition n’existe pas."}
    assert _votes(proposal) == [Vote.Value.AGREE]


def test_a_vote_at_an_address_that_is_not_a_number_is_a_json_404(member, consultation):
    client, proposal = _voter(member, consultation)
    response = client.post(_vote_address(consultation, "abc"), {"value": "disagree"}, **JSON)
    assert response.status_code == 404 and response.json() == {"detail": "Introuvable."}
    page = client.post(_vote_address(consultation, "abc"), {"value": "disagree"}, HTTP_ACCEPT_LANGUAGE="fr")
    assert page.status_code == 404 and "Page introuvable" in page.content.decode()  # people get the page
    assert _votes(proposal) == [Vote.Value.AGREE]


def test_a_vote_with_a_malformed_or_oversized_body_is_a_json_400(member, consultation):
    client, proposal = _voter(member, consultation)
    address = _vote_address(consultation, proposal.pk)
    response = client.post(address, b"xx", content_type="multipart/form-data; boundary=", **JSON)
    assert response.status_code == 400
    assert response.json() == {
        "detail": "Cette requête est incompréhensible\u00a0: vérifiez son adresse et son contenu."
    }
    with override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100):
        response = client.post(address, {"value": "disagree" * 20}, **JSON)
    assert response.status_code == 400 and "incompréhensible" in response.json()["detail"]
    assert _votes(proposal) == [Vote.Value.AGREE]


def test_a_vote_sent_as_json_counts_and_malformed_json_says_what_to_send(member, consultation):
    client, proposal = _voter(member, consultation)
    address = _vote_address(consultation, proposal.pk)
    for body in ['{"value": ', "[]", '"agree"', b"\xff\xfe"]:
        response = client.post(address, body, content_type="application/json", **JSON)
        assert response.status_code == 400, body
        assert response.json() == {
            "detail": 'Le contenu n’est pas un objet JSON\u00a0: envoyez {"value": "agree"}, '
            "ou le champ de formulaire value=agree."
        }, body
    for body in ['{"value": 1}', '{"value": ["disagree"]}', "{}"]:
        response = client.post(address, body, content_type="application/json", **JSON)
        assert response.status_code == 400, body
        assert "«\u00a0disagree\u00a0»" in response.json()["detail"], body
    assert _votes(proposal) == [Vote.Value.AGREE]
    response = client.post(address, {"value": "disagree"}, content_type="application/json", **JSON)
    assert response.status_code == 200 and response.json() == {
        "proposal": proposal.pk,
        "vote": "disagree",
        "changed": True,
    }
    assert _votes(proposal) == [Vote.Value.DISAGREE]


def test_a_server_error_answers_json_to_scripts_and_the_page_to_people(db):
    factory = RequestFactory()
    response = server_error(
        factory.get("/consultations/x/propositions/1/vote/", HTTP_ACCEPT="application/json")
    )
    assert response.status_code == 500 and json.loads(response.content) == {
        "detail": "Erreur du serveur\u00a0: veuillez réessayer plus tard."
    }
    response = server_error(factory.get("/api/consultations/"))
    assert response.status_code == 500 and list(json.loads(response.content)) == ["detail"]
    page = server_error(factory.get("/consultations/"))
    assert page.status_code == 500 and b"<html" in page.content


@override_settings(PACTE_RATE_LIMITS={"api": {"ip": "3/60"}})
def test_the_api_answers_a_flood_from_one_address_with_a_json_429_and_when_to_retry(client, consultation):
    """Past the limit per address, a script is told in JSON, in its language, and when to come back; another
    address is still served, and so is the site itself."""
    address = f"/api/consultations/{consultation.slug}/"
    for _ in range(3):
        assert client.get(address, REMOTE_ADDR="192.0.2.1").status_code == 200
    refused = client.get(address, REMOTE_ADDR="192.0.2.1", HTTP_ACCEPT_LANGUAGE="fr")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert "Requête ralentie" in refused.json()["detail"]
    assert client.get(address, REMOTE_ADDR="192.0.2.2").status_code == 200
    assert client.get(f"/consultations/{consultation.slug}/", REMOTE_ADDR="192.0.2.1").status_code == 200


@override_settings(PACTE_RATE_LIMITS={"api": {"ip": "3/60"}})
def test_the_api_documentation_still_loads_once_an_address_reached_the_api_limit(client, consultation):
    """The docs page (Redoc, HTML) and its schema are documentation: a reader refused by the API is still
    shown how to use it, as a page, not a JSON refusal, and reading it does not use up the API's limit."""
    address = f"/api/consultations/{consultation.slug}/"
    for _ in range(3):
        assert client.get(address, REMOTE_ADDR="192.0.2.1").status_code == 200
    assert client.get(address, REMOTE_ADDR="192.0.2.1").status_code == 429
    for _ in range(4):
        docs = client.get("/api/docs/", REMOTE_ADDR="192.0.2.1", HTTP_ACCEPT="text/html")
        assert docs.status_code == 200 and docs["Content-Type"].startswith("text/html")
        assert b"redoc" in docs.content.lower()  # the documentation page, not an error
        schema = client.get("/api/schema/", REMOTE_ADDR="192.0.2.1")
        assert schema.status_code == 200 and b"Pacte API" in schema.content
    # Another address reading the docs many times still has its whole API allowance.
    for _ in range(5):
        assert client.get("/api/docs/", REMOTE_ADDR="192.0.2.3").status_code == 200
    for _ in range(3):
        assert client.get(address, REMOTE_ADDR="192.0.2.3").status_code == 200
