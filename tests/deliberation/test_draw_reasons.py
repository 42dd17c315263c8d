"""Why a draw failed is read in the reader's language, whoever recorded it: a Celery worker runs in the
site's default language (French) and an organiser abandons a draw in theirs, so a failed run stores codes
with values and the page words them when it is shown. The sortition core's own explanations (English
only) are shown as they are, marked as English (WCAG 3.1.2), under a translated sentence."""

import re
from datetime import timedelta

import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.urls import reverse
from django.utils import translation

from accounts.models import AuditEvent
from deliberation import services, tasks
from deliberation.models import Selection
from tests.conftest import with_totp
from tests.factories import UserFactory

NBSP = "\u00a0"
TITLE = {"en": "The last selection could not be made", "fr": "pas pu être réalisé"}


def _pages(client, selection: Selection, language: str) -> list[str]:
    """The organisers' management page and the public selection report, both showing the last run."""
    return [
        client.get(reverse(name, args=[selection.panel_id]), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        for name in ("deliberation:manage", "deliberation:selection_report")
    ]


def _english_blocks(html: str) -> list[str]:
    return re.findall(r'<p[^>]*\blang="en"[^>]*>(.*?)</p>', html, flags=re.S)


def test_a_draw_stopped_in_a_french_worker_is_explained_in_each_readers_language(
    organiser_client, started, monkeypatch
):
    sortition = services.load_sortition()

    def too_slow(*args, **kwargs):
        raise SoftTimeLimitExceeded()

    monkeypatch.setattr(sortition, "select", too_slow)
    with translation.override("fr"):  # the worker's language: settings.LANGUAGE_CODE
        assert tasks.run_selection(started.pk) == Selection.Status.FAILED
    started.refresh_from_db()
    minutes = settings.PACTE_SELECTION_STALE_MINUTES
    assert started.reasons == [{"code": "time_limit", "minutes": minutes}]
    event = AuditEvent.objects.get(action="selection.failed", object_id=str(started.pk))
    assert event.details["reasons"] == [{"code": "time_limit", "minutes": minutes}]  # codes, no sentence
    assert event.details["to"] == Selection.Status.FAILED

    english = f"The draw gave no result within {minutes} minutes and was stopped; nobody was seated."
    french = f"Le tirage n’a donné aucun résultat en {minutes} minutes et a été arrêté{NBSP};"
    for html in _pages(organiser_client, started, "en"):
        assert TITLE["en"] in html and english in html and french not in html
    for html in _pages(organiser_client, started, "fr"):
        assert french in html and english not in html


def test_people_who_left_during_a_draw_in_a_french_worker_are_counted_in_english_for_an_english_reader(
    organiser_client, started
):
    sortition = services.load_sortition()
    people, quotas, excluded = services.selection_inputs(started)
    result = sortition.select(people, quotas, started.panel.size, started.seed)
    for volunteer in started.panel.volunteers.filter(pk__in=[int(i) for i in result.panel[:2]]):
        services.withdraw_volunteering(user=volunteer.user, panel=started.panel)
    with translation.override("fr"):
        recorded = services.record_selection_result(selection_id=started.pk, result=result, excluded=excluded)
    assert recorded.status == Selection.Status.FAILED
    assert recorded.reasons == [{"code": "pool_changed", "n": 2}]

    [manage, _report] = _pages(organiser_client, started, "en")
    assert "2 people drawn left the pool while the draw was running: nothing was seated." in manage
    assert "vivier" not in manage
    [manage, _report] = _pages(organiser_client, started, "fr")
    assert f"2 personnes tirées au sort ont quitté le vivier pendant le tirage{NBSP}:" in manage


def test_a_draw_abandoned_by_a_french_organiser_reads_in_english_for_an_english_one(
    organiser_client, organiser, started
):
    """The organisers' management page names who abandoned the draw; the public report says "the
    organisers" (the pseudonym is a person's name, and French text whatever the page's language)."""
    moved_back = started.created_at - timedelta(minutes=settings.PACTE_SELECTION_STALE_MINUTES + 5)
    Selection.objects.filter(pk=started.pk).update(created_at=moved_back)
    abandon = reverse("deliberation:abandon_selection", args=[started.pk])
    assert organiser_client.post(abandon, HTTP_ACCEPT_LANGUAGE="fr").status_code == 302
    started.refresh_from_db()
    assert started.status == Selection.Status.FAILED
    [reason] = started.reasons
    assert reason["code"] == "abandoned" and reason["person"] == organiser.pseudonym
    assert reason["role"] == "organiser"
    assert reason["minutes"] >= settings.PACTE_SELECTION_STALE_MINUTES + 5

    console = {
        "en": f"Abandoned by {organiser.pseudonym}: the draw had given no result",
        "fr": f"Abandonné par {organiser.pseudonym}{NBSP}: le tirage n’avait donné aucun résultat",
    }
    public = {
        "en": "Abandoned by the organisers: the draw had given no result",
        "fr": f"Abandonné par les organisateurs{NBSP}: le tirage n’avait donné aucun résultat",
    }
    other = {"en": "Abandonné", "fr": "Abandoned by"}
    # Another organiser who reads English sees the reason in English, the one who abandoned it in French.
    organiser_client.force_login(with_totp(UserFactory(roles=["citizen", "organiser"])))
    for language in ("en", "fr"):
        manage, report = _pages(organiser_client, started, language)
        assert console[language] in manage and other[language] not in manage
        assert public[language] in report and other[language] not in report
        assert organiser.pseudonym not in report


@pytest.mark.parametrize("language", ["en", "fr"])
def test_an_abandon_stored_before_the_role_was_names_the_organisers_in_public(
    client, organiser_client, organiser, pool_panel, language
):
    """Reasons stored before they carried the role hold only the pseudonym: only organisers abandon a draw,
    so the public report still says "the organisers"; the management page still names the person."""
    old = Selection.objects.create(
        panel=pool_panel, seed="ancienne", algorithm="maximin", status=Selection.Status.FAILED,
        reasons=[{"code": "abandoned", "person": organiser.pseudonym, "minutes": 130}],
    )  # fmt: skip
    manage, _report = _pages(organiser_client, old, language)
    assert organiser.pseudonym in manage
    client.logout()
    report = client.get(
        reverse("deliberation:selection_report", args=[old.panel_id]), HTTP_ACCEPT_LANGUAGE=language
    ).content.decode()
    assert {"en": "Abandoned by the organisers", "fr": "Abandonné par les organisateurs"}[language] in report
    assert organiser.pseudonym not in report


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_sortition_librarys_explanation_is_shown_as_english_under_a_translated_sentence(
    organiser_client, organiser, pool_panel, eager_celery, django_capture_on_commit_callbacks, language
):
    """Quotas no panel can meet, and one volunteer without the gender answer the quotas use."""
    services.replace_quotas(
        actor=organiser,
        panel=pool_panel,
        quotas=[services.QuotaInput("gender", "female", 0, 1), services.QuotaInput("gender", "male", 0, 1)],
    )
    services.volunteer(user=UserFactory(roles=["citizen"]), panel=pool_panel, consent=True, language="fr")
    with translation.override("fr"), django_capture_on_commit_callbacks(execute=True):
        selection = services.start_selection(actor=organiser, panel=pool_panel, seed="quotas-impossibles")
    selection.refresh_from_db()
    assert selection.status == Selection.Status.FAILED
    [library, left_out] = selection.reasons
    assert library["code"] == "library" and library["kind"] == "infeasible"
    assert "No panel can meet every quota" in library["text"] and "gender" in library["text"]
    # The left-out volunteers are counted per category, so that the page names the category.
    assert left_out == {"code": "left_out", "n": 1, "pool": 11, "missing": {"gender": 1}}

    intro = {
        "en": "No panel can meet the quotas with this pool of volunteers",
        "fr": "Aucun panel ne peut respecter les quotas avec ce vivier de volontaires",
    }[language]
    # The known case (the maximums add up to less than the panel) is worded in the reader's language.
    case = {
        "en": "Gender: the maximums add up to 2, less than the panel size 4.",
        "fr": "Genre\u00a0: les maximums totalisent 2, moins que la taille du panel (4).",
    }[language]
    left = {
        "en": "1 volunteer was left out for lack of an answer in a quota category.<br>Gender: 1 volunteer "
        "of 11 gave no answer.",
        "fr": "1 volontaire a été écarté faute de réponse dans une catégorie de quota.<br>Genre\u00a0: 1 "
        "volontaire sur 11 n’a pas répondu.",
    }[language]
    for html in _pages(organiser_client, selection, language):
        assert intro in html and case in html and left in html
        quoted = _english_blocks(html)
        assert len(quoted) == 1
        assert "No panel can meet every quota at once with these volunteers." in quoted[0]
        # The English text appears only inside the element marked as English.
        assert html.count("No panel can meet every quota") == 1
        assert html.index(intro) < html.index(quoted[0])
