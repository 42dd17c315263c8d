"""The console of a session held on an earlier day reads as finished, not as a session never run."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from deliberation import services
from deliberation.models import Session
from tests.conftest import with_totp


def _states(html: str) -> list[str]:
    """The State column (the fifth) of the agenda table."""
    body = html[html.index("<tbody>", html.index("agenda-state")) :]
    return [row.split("<td>")[5].split("</td>")[0] for row in body.split("</tbody>")[0].split("</tr>")[:-1]]


def test_a_past_session_reads_as_finished(client, panel, facilitator):
    past = services.schedule_session(
        actor=facilitator,
        panel=panel,
        title="Séance de juin",
        starts_at=timezone.now(),
        place="Lyon",
    )
    for title in ("Audition", "Vote"):
        services.add_agenda_item(
            actor=facilitator, session=past, title=title, kind="plenary", duration_minutes=30
        )
    # Planned while it was to come (a finished session's agenda takes no new item), then its day passed.
    type(past).objects.filter(pk=past.pk).update(starts_at=timezone.now() - timedelta(days=160))
    client.force_login(with_totp(facilitator))
    html = client.get(
        reverse("deliberation:console", args=[past.pk]), HTTP_ACCEPT_LANGUAGE="fr"
    ).content.decode()
    assert "Aucun point n" not in html and "À venir" not in html
    assert "Cette séance a eu lieu le" in html and "Point suivant" not in html
    assert _states(html) == ["Terminé", "Terminé"]


def test_todays_session_still_runs_from_the_console(client, session, facilitator):
    services.add_agenda_item(
        actor=facilitator, session=session, title="Audition", kind="plenary", duration_minutes=30
    )
    client.force_login(with_totp(facilitator))
    url = reverse("deliberation:console", args=[session.pk])
    html = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No item is running." in html and "Next item" in html and _states(html) == ["To come"]
    services.move_agenda(actor=facilitator, session=Session.objects.get(pk=session.pk), forward=True)
    assert _states(client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()) == ["Running"]
