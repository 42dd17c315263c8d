"""Where a running draw is, read in the reader's language whoever runs it: a Celery worker runs in the
site's default language (French), so a running Selection stores its progress as a code with values, worded
when the management page, the public selection report or the status JSON (polled by
static/pacte/live-progress.js) shows it. The sortition library's own notes (English only) are shown as they
are, in an element marked as English (WCAG 3.1.2), after a translated sentence; the JSON says which
language that note is in, so the script keeps the mark right when it updates the element."""

import html
import re

from django.urls import reverse
from django.utils import translation

from deliberation import draw_messages, services, tasks
from deliberation.models import Selection

NBSP = "\u00a0"
LANGUAGES = ("en", "fr")
RUNNING = {"en": "Running", "fr": "En cours"}
QUEUED = {"en": "Waiting for a worker", "fr": "En attente de traitement"}
STAGES = {
    "loading": {"en": "Loading the pool and the quotas", "fr": "Chargement du vivier et des quotas"},
    "feasibility": {
        "en": "Checking that the quotas can be met",
        "fr": "Vérification que les quotas peuvent être respectés",
    },
    "draw": {
        "en": "Drawing the panel from the recorded seed",
        "fr": "Tirage du panel à partir de la graine enregistrée",
    },
}
LIBRARY = {
    "en": "Finding the fairest lottery. The sortition library reports:",
    "fr": f"Recherche de la loterie la plus équitable. La bibliothèque de tirage au sort indique (en "
    f"anglais){NBSP}:",
}
LIBRARY_ROUND = {
    "en": "Finding the fairest lottery, round {current} of {total}. The sortition library reports:",
    "fr": "Recherche de la loterie la plus équitable, tour {current} sur {total}. La bibliothèque de tirage "
    "au sort indique (en anglais)" + NBSP + ":",
}
# Leximin's stage notes: a round, no total (it runs until the lottery is the fairest).
LIBRARY_OPEN_ROUND = {
    "en": "Finding the fairest lottery, round {current}. The sortition library reports:",
    "fr": "Recherche de la loterie la plus équitable, tour {current}. La bibliothèque de tirage au sort "
    "indique (en anglais)" + NBSP + ":",
}


def _status_line(page: str) -> dict[str, str]:
    """The live status line of a page: our sentence (`summary`, the only part announced to screen readers,
    so that a library note changing every round is not read out), the quoted note and its `lang` mark."""
    summary = re.search(r'<span[^>]*data-field="summary">(.*?)</span>', page, flags=re.S)
    note = re.search(r'<span data-field="note"([^>]*)>(.*?)</span>', page, flags=re.S)
    assert summary and note, page
    assert 'role="status"' in summary.group(0) and "aria-live" not in note.group(0)
    lang = re.search(r'\blang="([^"]*)"', note.group(1))
    return {
        "summary": html.unescape(summary.group(1)),
        "note": html.unescape(note.group(2)),
        "note_lang": lang.group(1) if lang else "",
    }


def _look(client, selection: Selection, language: str) -> dict[str, dict]:
    """What a reader of `language` sees of the draw: the organisers' management page, the public selection
    report, and the status JSON the live-progress script polls (as it asks, in the page's language)."""
    pages = {
        name: client.get(
            reverse(f"deliberation:{name}", args=[selection.panel_id]), HTTP_ACCEPT_LANGUAGE=language
        )
        for name in ("manage", "selection_report")
    }
    status = client.get(
        reverse("deliberation:selection_status", args=[selection.panel_id]),
        HTTP_ACCEPT="application/json",
        HTTP_ACCEPT_LANGUAGE=language,
    ).json()
    seen = {
        name: {**_status_line(page.content.decode()), "html": page.content.decode()}
        for name, page in pages.items()
    }
    seen["json"] = {key: status[key] for key in ("summary", "note", "note_lang")}
    return seen


def _worded(progress: dict, language: str) -> tuple[str, str, str]:
    """What the status line should read for a stored progress: (summary, note, note's language)."""
    code = progress["code"]
    if code in STAGES:
        return f"{RUNNING[language]} — {STAGES[code][language]}", "", ""
    assert code == "library"
    if progress["current"] and progress["total"]:
        intro = LIBRARY_ROUND[language].format(current=progress["current"], total=progress["total"])
    elif progress["current"]:  # a leximin stage note, stored when the throttle let it through
        intro = LIBRARY_OPEN_ROUND[language].format(current=progress["current"])
    else:
        intro = LIBRARY[language]
    return f"{RUNNING[language]} — {intro}", progress["text"], "en"


def test_a_draw_running_in_a_french_worker_reads_in_each_readers_language(
    organiser_client, started, monkeypatch
):
    """The real task and sortition library, run in French (the worker's language); the pages and the JSON
    are read while it runs, at each kind of step, by an English and a French organiser."""
    sortition = services.load_sortition()
    real_select = sortition.select
    seen: dict[str, tuple[dict, dict]] = {}  # kind of step -> (stored progress, {language: what is seen})

    def look_now() -> None:
        started.refresh_from_db()
        progress = dict(started.progress)
        kind = progress["code"] + ("-round" if progress.get("current") else "")
        if kind not in seen:
            seen[kind] = (
                progress,
                {language: _look(organiser_client, started, language) for language in LANGUAGES},
            )

    def select_while_looking(*args, progress, **kwargs):
        look_now()  # the task has written that it loads the pool and the quotas

        def progress_then_look(event) -> None:
            progress(event)  # the task stores it
            look_now()

        return real_select(*args, progress=progress_then_look, **kwargs)

    monkeypatch.setattr(sortition, "select", select_while_looking)
    with translation.override("fr"):  # the worker's language: settings.LANGUAGE_CODE
        assert tasks.run_selection(started.pk) == Selection.Status.DONE
    assert set(seen) == {"loading", "feasibility", "library", "library-round", "draw"}

    for kind, (progress, by_language) in seen.items():
        # Stored as a code with values: our stages carry no sentence, library notes their English text.
        if kind in STAGES:
            assert progress == {"code": kind}
        else:
            assert set(progress) == {"code", "text", "current", "total"} and progress["text"]
        for language, places in by_language.items():
            other = "fr" if language == "en" else "en"
            summary, note, note_lang = _worded(progress, language)
            for place, line in places.items():
                assert (line["summary"], line["note"], line["note_lang"]) == (summary, note, note_lang), (
                    kind,
                    language,
                    place,
                )
                if place != "json":
                    page = line["html"]
                    assert _worded(progress, other)[0].split(" — ")[1] not in page
                    if note:  # the library's English appears only inside the element marked as English
                        assert page.count(html.escape(note)) == 1
                        assert f'lang="en">{html.escape(note)}</span>' in page
    # Once the draw is recorded, no progress is left to show.
    started.refresh_from_db()
    assert started.progress == {}


def test_a_draw_not_taken_by_a_worker_yet_says_so_in_each_readers_language(organiser_client, started):
    for language in LANGUAGES:
        for place, line in _look(organiser_client, started, language).items():
            assert (line["summary"], line["note"], line["note_lang"]) == (QUEUED[language], "", ""), place


def test_a_library_note_and_a_progress_code_from_a_newer_version_are_worded():
    note = {
        "code": "library",
        "text": "Maximin iteration 4: 7 committees, gap 1.00%",
        "current": 4,
        "total": None,
    }
    unknown = {"code": "saving", "n": 3}
    with translation.override("fr"):
        worded = draw_messages.progress_note(note)
        assert worded.text == (
            "Recherche de la loterie la plus équitable, tour 4. La bibliothèque de tirage au sort indique "
            f"(en anglais){NBSP}:"
        )
        assert (worded.quoted, worded.quoted_lang) == (note["text"], "en")
        assert draw_messages.progress_note(unknown) == draw_messages.ProgressNote("Le tirage est en cours.")
    with translation.override("en"):
        assert draw_messages.progress_note(note).text == (
            "Finding the fairest lottery, round 4. The sortition library reports:"
        )
        assert draw_messages.progress_summary("Running", draw_messages.progress_note(unknown)) == (
            "Running — The draw is running."
        )


def test_a_long_run_of_library_rounds_writes_the_progress_about_once_a_second():
    """The page polls every 2 s: thousands of rounds must not become thousands of row updates, but a new
    stage and the last round are written at once."""
    from deliberation import draw_messages
    from deliberation.tasks import throttled_progress

    now = [0.0]
    written = []
    report = throttled_progress(written.append, interval=1.0, clock=lambda: now[0])
    report(draw_messages.stage_progress("loading"))
    report(draw_messages.stage_progress("feasibility"))
    for round_ in range(1, 2001):  # 2,000 rounds over 5 seconds
        now[0] += 0.0025
        report(draw_messages.library_progress("round", round_, 2000))
    report(draw_messages.stage_progress("draw"))
    codes = [p["code"] for p in written]
    assert codes[:2] == ["loading", "feasibility"] and codes[-1] == "draw"
    rounds = [p["current"] for p in written if p["code"] == "library"]
    assert rounds[0] == 1 and rounds[-1] == 2000  # the first and the last round are shown
    assert 5 <= len(rounds) <= 7  # about one a second, not 2,000
