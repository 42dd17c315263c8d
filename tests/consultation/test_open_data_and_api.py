import csv
import io
import time
import zipfile

import pytest
from django.urls import reverse

from consultation import services
from consultation.models import OpenDataExport, Proposal
from tests.conftest import with_totp
from tests.factories import UserFactory
from tests.helpers import make_consultation


def _populate(consultation, people=3):
    single = consultation.questions.first()
    yes = single.choices.first()
    users = [UserFactory() for _ in range(people)]
    for user in users:
        services.accept_charter(user=user, consultation=consultation)
        services.save_answers(user=user, consultation=consultation, answers={single.pk: [yes.pk]})
    proposal = services.submit_proposal(
        user=users[0], consultation=consultation, text="Registre des refus en ligne"
    )
    for user in users:
        services.cast_vote(user=user, proposal=proposal, value="agree")
    return users, proposal


@pytest.mark.integration
@pytest.mark.django_db(transaction=True)
def test_open_data_zip_built_by_a_real_celery_worker(celery_worker_process, client):
    consultation = make_consultation(slug="open-data")
    users, proposal = _populate(consultation)
    organiser = with_totp(UserFactory(roles=["citizen", "organiser"]))
    # Closed: answers are published once the results are (test_open_data_answers_not_live.py).
    services.transition(actor=organiser, consultation=consultation, to_phase="closed")
    client.force_login(organiser)
    response = client.post(reverse("consultation:open_data", args=[consultation.slug]))
    assert response.status_code == 302
    export = OpenDataExport.objects.get(consultation=consultation)
    deadline = time.monotonic() + 60
    while export.state not in ("done", "failed") and time.monotonic() < deadline:
        time.sleep(0.5)
        export.refresh_from_db()
    assert export.state == "done" and export.progress == 100, export.error
    download = client.get(reverse("consultation:open_data_download", args=[consultation.slug, export.pk]))
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert set(archive.namelist()) == {
        "questions.csv",
        "answers.csv",
        "proposals.csv",
        "votes.csv",
        "README.md",
    }
    assert "Licence Ouverte 2.0" in archive.read("README.md").decode()

    def rows(name):
        return list(csv.DictReader(io.StringIO(archive.read(name).decode())))

    proposals = rows("proposals.csv")
    assert [(p["text"], p["agree"]) for p in proposals] == [(proposal.text, "3")]
    votes = rows("votes.csv")
    assert len(votes) == 3 and len({v["participant"] for v in votes}) == 3
    user_ids = {str(u.pk) for u in users} | {f"u{u.pk}" for u in users}
    assert not {v["participant"] for v in votes} & user_ids  # pseudonymous, not the user id
    answers = rows("answers.csv")
    assert {a["participant"] for a in answers} == {v["participant"] for v in votes}  # same person, same id
    assert len(rows("questions.csv")) == 3  # two choices + one open question


def test_the_open_data_page_follows_the_archive_being_built(client, consultation, organiser, citizen):
    _populate(consultation)
    client.force_login(with_totp(organiser))
    page_address = reverse("consultation:open_data", args=[consultation.slug])
    progress_address = reverse("consultation:open_data_progress", args=[consultation.slug])
    client.post(page_address)  # the worker has not taken it yet
    export = OpenDataExport.objects.get()
    page = client.get(page_address, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Une archive est en cours de construction" in page and "pacte/live-progress.js" in page
    assert client.get(progress_address).json() == {
        "active": True,
        "status_label": "En attente de traitement",
        "percent": 0,
        "percent_label": "0\u00a0%",
    }

    services.build_export(export.pk)
    assert client.get(progress_address).json() == {"active": False}  # the script then reloads the page
    page = client.get(page_address, HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "en cours de construction" not in page and f"/donnees/{export.pk}.zip" in page
    client.force_login(citizen)
    assert client.get(progress_address).status_code == 403


def test_api_returns_data_and_json_errors(client, consultation):
    _populate(consultation)
    hidden = Proposal.objects.create(
        consultation=consultation, text="Masquée", status="hidden", hide_reason="x"
    )
    listing = client.get("/api/consultations/").json()
    assert [c["slug"] for c in listing["results"]] == [consultation.slug]
    assert client.get(f"/api/consultations/{consultation.slug}/").json()["phase"] == "open"
    questions = client.get(f"/api/consultations/{consultation.slug}/questions/").json()
    assert [q["kind"] for q in questions] == ["single", "open"]
    assert questions[0]["choices"][0]["answers"] is None  # no live results while open
    proposals = client.get(f"/api/consultations/{consultation.slug}/proposals/?order=agreed").json()[
        "results"
    ]
    assert [(p["text"], p["agree"], p["pass"]) for p in proposals] == [("Registre des refus en ligne", 3, 0)]
    assert hidden.pk not in [p["id"] for p in proposals]
    votes = client.get(f"/api/consultations/{consultation.slug}/votes/").json()
    assert votes["count"] == 3 and {v["vote"] for v in votes["results"]} == {"agree"}
    for address, status in [
        ("/api/consultations/nope/proposals/", 404),
        (f"/api/consultations/{consultation.slug}/proposals/?order=bad", 400),
        ("/api/nothing-here/", 404),
        ("/api/consultations/%05l%0A/votes/", 404),
    ]:
        response = client.get(address)
        assert response.status_code == status and response["Content-Type"].startswith("application/json")
        assert response.json()
    draft = make_consultation(slug="draft-one", phase="draft")
    assert client.get(f"/api/consultations/{draft.slug}/").status_code == 404
    assert client.get("/api/schema/").status_code == 200


def test_the_api_root_points_to_the_data_its_documentation_and_licence(client, consultation):
    root = client.get("/api/").json()
    assert root["licence"]["name"].startswith("Licence Ouverte 2.0")
    listing = client.get(root["consultations"]).json()  # absolute addresses a script can follow
    assert [c["slug"] for c in listing["results"]] == [consultation.slug]
    assert (
        client.get(root["schema"]).status_code == 200 and client.get(root["documentation"]).status_code == 200
    )


def test_api_pages_refuse_limits_and_offsets_out_of_range(client, consultation):
    users, _ = _populate(consultation)
    votes = f"/api/consultations/{consultation.slug}/votes/"
    largest = client.get(f"{votes}?limit=1000&offset=1")
    assert largest.status_code == 200 and largest.json()["count"] == 3 and len(largest.json()["results"]) == 2
    page = client.get(f"{votes}?limit=1&offset=1").json()
    assert len(page["results"]) == 1 and "offset=2" in page["next"]
    for query, parameter in [
        ("limit=0", "limit"), ("limit=-5", "limit"), ("limit=abc", "limit"), ("limit=²", "limit"),
        ("limit=1001", "limit"), ("limit=15472650676269058124414976", "limit"),  # this one was a 500
        ("offset=null&offset=null", "offset"), ("offset=-1", "offset"),
    ]:  # fmt: skip
        response = client.get(f"{votes}?{query}", HTTP_ACCEPT_LANGUAGE="fr")
        assert response.status_code == 400, query
        assert "nombre entier" in response.json()[parameter], query
    schema = client.get("/api/schema/?format=json").json()
    proposal = schema["components"]["schemas"]["Proposal"]
    assert "pass" in proposal["properties"] and "pass_" not in proposal["properties"]
    listing = schema["paths"]["/api/consultations/{slug}/votes/"]["get"]
    assert {"200", "400", "404"} <= set(listing["responses"])
    limit = next(p for p in listing["parameters"] if p["name"] == "limit")
    assert limit["schema"]["maximum"] == 1000


def test_api_shows_answer_counts_once_closed(client, consultation, organiser):
    _populate(consultation)
    services.transition(actor=organiser, consultation=consultation, to_phase="closed")
    questions = client.get(f"/api/consultations/{consultation.slug}/questions/").json()
    assert [c["answers"] for c in questions[0]["choices"]] == [3, 0]


def test_a_script_vote_without_csrf_token_gets_a_json_error(db, citizen):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(citizen)
    response = client.post(
        "/consultations/any/propositions/1/vote/", {"value": "agree"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]


def test_pages_carry_the_content_security_policy_and_the_vote_answer_does_not(client, member, consultation):
    proposal = services.submit_proposal(user=member, consultation=consultation, text="Un registre des refus")
    client.force_login(member)
    page = client.get(reverse("consultation:proposals", args=[consultation.slug]))
    policy = page["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy
    vote = client.post(
        reverse("consultation:vote", args=[consultation.slug, proposal.pk]),
        {"value": "agree"},
        HTTP_ACCEPT="application/json",
    )
    assert vote.status_code == 200 and vote.json()["vote"] == "agree"
    assert "Content-Security-Policy" not in vote  # exempt: a JSON answer runs no script
