"""What the panel's team reads and what the public reads (issue 19): the reserve list in order with who was
called and when; staff named by role, never by pseudonym, on every public page and log; strata in words."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from deliberation import services
from deliberation.models import Panel, PanelMember, Selection
from tests.conftest import with_totp

from .conftest import adopt


def _reserve_rows(html: str) -> list[list[str]]:
    table = html[html.index('id="reserve-list"') :].split("</tbody>")[0].split("<tbody>")[1]
    return [
        [re.sub(r"<[^>]+>", "", cell).strip() for cell in re.findall(r"<td>(.*?)</td>", row, flags=re.S)]
        for row in table.split("</tr>")[:-1]
    ]


def test_the_team_reads_the_reserve_list_in_order_with_who_was_called_and_when(
    client, drawn, facilitator, organiser
):
    selection = Selection.objects.get(panel=drawn, status="done")
    reserves = [str(v) for v in selection.reserves]
    assert len(reserves) == 6
    client.force_login(with_totp(facilitator))
    url = reverse("deliberation:facilitate", args=[drawn.pk])
    rows = _reserve_rows(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    assert [r[0] for r in rows] == ["1", "2", "3", "4", "5", "6"] and all(r[-1] == "Waiting" for r in rows)
    leaving = PanelMember.objects.filter(panel=drawn).first()
    newcomer = services.replace_member(actor=facilitator, member=leaving, reason="Ne peut plus venir")
    rows = _reserve_rows(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode())
    called = rows[0]
    assert called[0] == "—" and newcomer.volunteer.public_name in called[1]
    assert (
        called[-1].startswith("Called on ")
        and f"to take the seat of {leaving.volunteer.public_name}" in called[-1]
    )
    assert "Reason: Ne peut plus venir" in called[-1]
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5"]
    # The organisers read it on the management page; the public, nowhere.
    client.force_login(with_totp(organiser))
    manage = client.get(
        reverse("deliberation:manage", args=[drawn.pk]), HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert _reserve_rows(manage)[0][0] == "—"
    client.logout()
    for public in ("panel_detail", "selection_report"):
        html = client.get(reverse(f"deliberation:{public}", args=[drawn.pk])).content.decode()
        assert 'id="reserve-list"' not in html and "Ne peut plus venir" not in html, public


def test_staff_are_named_by_role_on_every_public_page(
    client, drawn, facilitator, organiser, settings, tmp_path
):
    """A facilitator and an organiser run the whole panel; its public pages and logs name them by role."""
    settings.MEDIA_ROOT = tmp_path
    services.set_panel_status(actor=organiser, panel=drawn, status=Panel.Status.DELIBERATING)
    session = services.schedule_session(
        actor=facilitator, panel=drawn, title="Séance 1", starts_at=timezone.now(), place="Lyon"
    )
    services.add_agenda_item(
        actor=facilitator, session=session, title="Vote", kind="vote", duration_minutes=30
    )
    members = list(PanelMember.objects.filter(panel=drawn, status="active"))
    for member in members:
        services.check_in(actor=facilitator, session=session, member=member)
    recommendation = services.create_recommendation(
        actor=organiser, panel=drawn, session=session, title="Registre des refus", text="Texte"
    )
    amendment = services.propose_amendment(
        user=members[0].volunteer.user, recommendation=recommendation, text="Texte amendé"
    )
    services.accept_amendment(actor=facilitator, amendment=amendment)
    services.open_vote(actor=facilitator, recommendation=recommendation, session=session)
    for member in members:
        services.cast_ballot(user=member.volunteer.user, recommendation=recommendation, choice="for")
    services.close_vote(actor=facilitator, recommendation=recommendation)
    services.replace_member(actor=facilitator, member=members[-1], reason="Départ")
    services.record_response(
        actor=organiser, recommendation=adopt(recommendation), decision_maker="Ministre", body="Ministère",
        status="adopted", justification="Repris.", answered_on=timezone.localdate(),
    )  # fmt: skip
    staff = (facilitator.pseudonym, organiser.pseudonym, facilitator.email, organiser.email)
    pages = [
        reverse("deliberation:panel_list"),
        reverse("deliberation:panel_detail", args=[drawn.pk]),
        reverse("deliberation:selection_report", args=[drawn.pk]),
        reverse("deliberation:recommendation", args=[recommendation.pk]),
        reverse("deliberation:panel_accountability", args=[drawn.pk]),
        reverse("deliberation:accountability"),
    ]
    for viewer in (None, members[0].volunteer.user):  # a visitor, a member of the panel
        if viewer is None:
            client.logout()
        else:
            client.force_login(viewer)
        for language in ("fr", "en"):
            for url in [*pages, reverse("deliberation:member_space", args=[drawn.pk])] if viewer else pages:
                html = client.get(url, HTTP_ACCEPT_LANGUAGE=language).content.decode()
                assert not [name for name in staff if name in html], (url, language)
    client.logout()
    report = client.get(reverse("deliberation:selection_report", args=[drawn.pk]), HTTP_ACCEPT_LANGUAGE="en")
    trail = report.content.decode().split('id="audit-trail"')[1]
    assert "the facilitation team" in trail  # the replacement, by role
    versions = client.get(
        reverse("deliberation:recommendation", args=[recommendation.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "The organisers" in versions.content.decode()  # the first version, by role (acted_by)


def test_quotas_and_strata_read_in_words(client, pool_panel, organiser):
    client.force_login(with_totp(organiser))
    services.replace_quotas(
        actor=organiser,
        panel=pool_panel,
        quotas=[
            services.QuotaInput("age_band", "16-24", 0, 2),
            services.QuotaInput("education", "bac", 0, 2),
            services.QuotaInput("county", "north", 0, 4),  # an imported stratum keeps its own words
        ],
    )
    for language, expected in (
        (
            "en",
            [
                ["Age band", "16 to 24"],
                ["County", "north"],
                ["Education level", "Baccalauréat or equivalent"],
            ],
        ),
        (
            "fr",
            [
                ["Tranche d’âge", "16 à 24 ans"],
                ["County", "north"],
                ["Niveau de diplôme", "Baccalauréat ou équivalent"],
            ],
        ),
    ):
        html = client.get(reverse("deliberation:manage", args=[pool_panel.pk]), HTTP_ACCEPT_LANGUAGE=language)
        table = html.content.decode().split("Quotas of the panel" if language == "en" else "Quotas du panel")[
            1
        ]
        rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td>", table.split("</table>")[0])
        assert [list(r) for r in rows] == expected, language
    twice = [services.QuotaInput("age_band", "16-24", 0, 2)] * 2
    with translation.override("en"), pytest.raises(services.DeliberationError) as refused:
        services.replace_quotas(actor=organiser, panel=pool_panel, quotas=twice)
    assert refused.value.messages == ["Age band: 16 to 24 is given twice."]


def test_the_public_selection_report_names_strata_in_words(client, drawn):
    for language, gender, woman, man in (("en", "Gender", "Woman", "Man"), ("fr", "Genre", "Femme", "Homme")):
        html = client.get(
            reverse("deliberation:selection_report", args=[drawn.pk]), HTTP_ACCEPT_LANGUAGE=language
        ).content.decode()
        rows = re.findall(r"<tr><td>([^<]*)</td><td>([^<]*)</td>", html)
        assert (gender, woman) in rows and (gender, man) in rows, language
        assert not [r for r in rows if r[1] in ("female", "male") or r[0] == "gender"], language


def test_an_imported_name_is_kept_for_the_team(client, pool_panel, organiser):
    report = services.import_volunteers(
        actor=organiser,
        panel=pool_panel,
        text="id;name;contact;gender\nx1;Léa Dupont;lea@example.org;female\n",
    )
    assert report.created == 1 and not report.errors
    person = pool_panel.volunteers.get(external_id="x1")
    assert (person.name, person.contact, person.strata) == (
        "Léa Dupont",
        "lea@example.org",
        {"gender": "female"},
    )
    assert person.team_name == f"Léa Dupont (Volunteer #{person.pk})" and "Léa" not in person.public_name
    client.force_login(with_totp(organiser))
    html = client.get(reverse("deliberation:manage", args=[pool_panel.pk]), HTTP_ACCEPT_LANGUAGE="fr")
    assert "name et contact facultatifs" in html.content.decode()  # the file's columns, in French
