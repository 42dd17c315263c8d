import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from deliberation import ballot_box, services
from deliberation.models import BallotBox, BallotReceipt, Panel, Selection, Volunteer
from tests.conftest import with_totp

from .conftest import adopt, recorded_draw, seat


@pytest.fixture
def public_panel(panel, organiser):
    recorded_draw(panel)
    return services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.DELIBERATING)


@pytest.fixture
def answered(public_panel, recommendation, organiser):
    adopt(recommendation, days_ago=10)
    services.record_response(
        actor=organiser,
        recommendation=recommendation,
        decision_maker="Ministre de la Santé",
        body="Ministère de la Santé",
        status="partly_adopted",
        justification="Registre en ligne prévu en 2027.",
        answered_on=timezone.localdate(),
    )
    return recommendation


def get(client, url, lang):
    return client.get(url, HTTP_ACCEPT_LANGUAGE=lang)


@pytest.mark.parametrize(
    ("lang", "heading", "figure", "rate"),
    [
        ("fr", "Panels citoyens", "Taux d’adoption", "100\u00a0%"),
        ("en", "Citizen panels", "Adoption rate", "100%"),
    ],
)
def test_public_pages_render_in_both_languages_with_tables(
    client, public_panel, answered, lang, heading, figure, rate
):
    pages = [
        reverse("deliberation:panel_list"),
        reverse("deliberation:panel_detail", args=[public_panel.pk]),
        reverse("deliberation:accountability"),
        reverse("deliberation:panel_accountability", args=[public_panel.pk]),
        reverse("deliberation:selection_report", args=[public_panel.pk]),
        reverse("deliberation:recommendation", args=[answered.pk]),
    ]
    for url in pages:
        response = get(client, url, lang)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert f'lang="{lang}"' in html and html.count("<h1") == 1, url
    listing = get(client, pages[0], lang).content.decode()
    assert heading in listing and "<caption>" in listing
    board = get(client, pages[2], lang).content.decode()
    # The headline figure: one partly adopted answer out of one answered -> 100 %.
    assert (
        figure in board
        and rate in board
        and "Registre des refus en ligne" in board
        and '<th scope="col">' in board
    )


def test_draft_panel_is_not_public(client, panel):
    assert client.get(reverse("deliberation:panel_detail", args=[panel.pk])).status_code == 404
    assert client.get(reverse("deliberation:selection_report", args=[panel.pk])).status_code == 404


def test_selection_report_shows_probabilities_composition_and_seed(client, public_panel):
    Selection.objects.create(
        panel=public_panel,
        seed="graine-2026",
        algorithm="maximin",
        status=Selection.Status.DONE,
        min_probability=0.0625,
        median_probability=0.1,
        pool_size=40,
        portfolio=[[["1", "2"], 1.0]],
        composition=[
            {"category": "gender", "value": "female", "min": 2, "max": 3, "achieved": 2, "in_pool": 21}
        ],
    )
    html = client.get(
        reverse("deliberation:selection_report", args=[public_panel.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "graine-2026" in html and "6.3% (about 1 chance in 16)" in html and "redraw_selection" in html
    assert "Woman" in html and ">21<" in html


def test_citizen_volunteers_from_the_page(client, citizen, panel, organiser):
    services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.RECRUITING)
    client.force_login(citizen)
    url = reverse("deliberation:volunteer", args=[panel.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {}, follow=True)
    assert response.status_code == 200 and not Volunteer.objects.exists()
    response = client.post(url, {"consent": "on"})
    assert response.status_code == 302 and Volunteer.objects.filter(user=citizen).exists()


def test_member_checks_in_with_code_and_votes_secretly_once(
    client, public_panel, session, recommendation, facilitator
):
    member = seat(public_panel)
    services.open_vote(actor=facilitator, recommendation=recommendation, session=session)
    client.force_login(member.volunteer.user)
    space = client.get(reverse("deliberation:member_space", args=[public_panel.pk]))
    assert space.status_code == 200 and "Registre des refus en ligne" in space.content.decode()
    vote_url = reverse("deliberation:cast_ballot", args=[recommendation.pk])
    refused = client.post(vote_url, {"choice": "for"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert "checked in" in refused.content.decode() and not BallotReceipt.objects.exists()
    client.post(reverse("deliberation:check_in_code", args=[session.pk]), {"code": session.checkin_code})
    client.post(vote_url, {"choice": "for"})
    again = client.post(vote_url, {"choice": "against"}, follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert again.status_code == 200 and "already voted" in again.content.decode()
    box = BallotBox.objects.get(recommendation=recommendation)
    assert ballot_box.unseal(recommendation.pk, box.sealed) == {"for": 1, "against": 0, "abstain": 0}
    assert BallotReceipt.objects.count() == 1


def test_facilitator_console_moves_through_the_agenda(client, facilitator, session):
    for title, minutes in [("Audition", 30), ("Vote", 15)]:
        services.add_agenda_item(
            actor=facilitator, session=session, title=title, kind="hearing", duration_minutes=minutes
        )
    with_totp(facilitator)
    client.force_login(facilitator)
    console = reverse("deliberation:console", args=[session.pk])
    move = reverse("deliberation:move_agenda", args=[session.pk])
    client.post(move, {"direction": "next"})
    html = client.get(console, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Current item" in html and "Audition" in html and "Remaining time: 29 min" in html
    client.post(move, {"direction": "next"})
    html = client.get(console, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Current item: Vote" in re.sub(r"<[^>]+>", "", html)  # the title is marked with its language
    client.post(move, {"direction": "previous"})
    html = client.get(console, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Current item: Audition" in re.sub(r"<[^>]+>", "", html)


def test_organiser_pages_give_clear_messages_on_bad_input(client, organiser, panel, recommendation):
    services.set_panel_status(actor=organiser, panel=panel, status=Panel.Status.RECRUITING)
    with_totp(organiser)
    client.force_login(organiser)
    manage = reverse("deliberation:manage", args=[panel.pk])
    assert client.get(manage).status_code == 200
    response = client.post(
        reverse("deliberation:save_quotas", args=[panel.pk]),
        {"quotas": "gender, female, 3, 4\ngender, male, 3, 4"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "more than the panel size" in response.content.decode() and not panel.quotas.exists()
    upload = SimpleUploadedFile("v.csv", b"id,contact,gender\n1,a@b.fr,female\n2,b@b.fr,\n")
    response = client.post(
        reverse("deliberation:import_volunteers", args=[panel.pk]),
        {"file": upload},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    html = response.content.decode()
    assert "1 volunteer imported." in html and "1 line was not imported" in html
    assert '<th scope="row">3</th><td><code>gender</code></td>' in html
    response = client.post(
        reverse("deliberation:run_selection", args=[panel.pk]),
        {"seed": ""},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200 and not Selection.objects.exists()
    answer = reverse("deliberation:record_response", args=[recommendation.pk])
    response = client.post(
        answer,
        {
            "decision_maker": "Ministre",
            "body": "Ministère",
            "status": "adopted",
            "justification": "Oui.",
            "answered_on": timezone.localdate().isoformat(),
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200 and "adopted by the panel" in response.content.decode()
    assert not recommendation.responses.exists()


def test_organiser_creates_a_panel_and_uploads_a_document(client, organiser, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with_totp(organiser)
    client.force_login(organiser)
    response = client.post(
        reverse("deliberation:panel_create"),
        {
            "title": "Panel santé",
            "size": 30,
            "threshold": "two_thirds",
            "household_rule": "on",
        },
    )
    panel = Panel.objects.get(title="Panel santé")
    assert response.status_code == 302 and panel.threshold == "two_thirds"
    upload = SimpleUploadedFile("note.txt", b"Note de cadrage")
    client.post(reverse("deliberation:upload_document", args=[panel.pk]), {"title": "Note", "file": upload})
    document = panel.documents.get()
    download = client.get(reverse("deliberation:document", args=[document.pk]))
    assert b"".join(download.streaming_content) == b"Note de cadrage"
