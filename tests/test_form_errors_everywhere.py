"""Every form of the site answers a wrong submission the same way (accounts/templatetags/form_errors.py):

- the page title starts with "Erreur :" ("Error:" in English);
- a DSFR error summary (#error-summary) sits at the top of the page, focusable (its script focuses it), each
  of its links going to an element of the page;
- each field in error is marked aria-invalid and described (aria-describedby, or a fieldset's
  aria-labelledby) by an element that holds its error.

The walk reuses the permission grid's URLconf walk and world (tests/test_permission_grid.py): every route
that takes a POST is sent an empty one, as one of the people allowed to. A route answering that with a
page in error must show the above; a route answering it otherwise (a redirect with a message, a JSON
answer) must be declared below with the reason, so a new form page cannot skip the summary unnoticed."""

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from consultation import services
from consultation.models import Consultation
from tests.html_parts import elements
from tests.test_permission_grid import EXPECTED, World, nobody, routes

# Routes whose empty POST is not a form sent back in error, and why. Each is a button or an action, not a
# form to fill in: what it refuses is said as a message on the page it goes back to.
NOT_A_FORM_PAGE = {
    "set_language": "the language switch: no field to fill in",
    "home": "no form",
    "healthz": "no form",
    "api-root": "the API's root, answered in JSON",
    "accounts:accept_privacy": "one button: accept the privacy notice",
    "accounts:email_notices": "one checkbox, unticked is an answer: saved, never in error",
    "accounts:digest_preference": "a choice with a default: saved, never in error",
    "accounts:export": "one button: the download",
    "consultation:vote": "vote buttons, answered in JSON or with a message",
    "consultation:discard_answers_draft": "one button",
    "consultation:withdraw_answers": "one button (the answers shown are sent with it)",
    "consultation:open_data": "one button: build the archive",
    "consultation:change_phase": "one button per phase, with its 'I understand' box: refused with a message",
    "consultation:delete_question": "one button",
    "consultation:question_required": "one button",
    "consultation:proposal_milestone": "buttons on each milestone (done / change), on the answer's page",
    "analysis:run_resume": "one button",
    "analysis:editor_move": "the editor's moves, answered with a message",
    "analysis:publish": "one button",
    "analysis:theme_milestone": "buttons on each milestone, on the answer's page",
    "analysis:runs": "one button: start an analysis with its defaults",
    "deliberation:withdraw": "one button",
    "deliberation:check_in": "one button per member",
    "deliberation:reopen_session": "one button: its page asks for the confirmation, nothing to fill in",
    "deliberation:undo_check_in": "one button per member",
    "deliberation:move_agenda": "buttons: next or previous item",
    "deliberation:end_session": "one button",
    "deliberation:move_agenda_item": "buttons: up or down",
    "deliberation:remove_agenda_item": "one button",
    "deliberation:cast_ballot": "ballot buttons",
    "deliberation:set_status": "one button per status",
    "deliberation:unassign_facilitator": "one button",
    "deliberation:run_selection": "one button (its seed is optional)",
    "deliberation:abandon_selection": "one button",
    "deliberation:complete_milestone": "one button",
    "deliberation:change_milestone": "the milestone's change, on the answer's page",
    "deliberation:link_consultation": "a choice list with one button",
    "deliberation:propose_quotas": "one button",
    "analysis:recommendation_themes": "tick boxes: none ticked is an answer",
    "accounts:profile": "every question optional: an empty form is an answer, saved",
    "deliberation:save_minutes": "the minutes may be empty: saved",
    "deliberation:close_vote": "a confirmation button (the grid's vote is not open: said as a message)",
}

# Form pages the walk cannot reach with an empty POST, and why; their forms are drawn by the same
# base.html as every other page.
UNREACHED = {
    "accounts:delete": "asks to sign in again first (allauth's reauthentication)",
    "deliberation:volunteer": "no panel of the grid's world takes volunteers: the form is not on the page",
    "consultation:moderate": "the grid's proposals wait for no decision (not in the queue): the card with "
    "its errors is checked in tests/test_forms_as_reported.py",
}

# Who sends a route's form when the first allowed of PREFERRED would not reach it.
SENDER = {
    "consultation:accept_charter": "member",  # the one who has not accepted it yet (the others have)
}
# The state of the object in which a route's form is on its page (the grid's "open" otherwise): questions
# are edited before the consultation opens, the pool and quotas before the draw, volunteers join before it.
STATE = {"consultation:questions": "draft", "deliberation:import_volunteers": "draft",
         "deliberation:save_quotas": "draft", "deliberation:volunteer": "draft"}  # fmt: skip

# allauth's forms (outside the grid): URL name, who sends it.
ALLAUTH_FORMS = [("account_signup", "anonymous"), ("account_login", "anonymous"),
                 ("account_reset_password", "anonymous")]  # fmt: skip

# What a page shown with a field in error holds (Django's and the DSFR's markup).
ERROR_MARKS = (b'aria-invalid="true"', b"fr-input-group--error", b"fr-fieldset--error", b"fr-message--error",
               b'class="errorlist', b'id="error-summary"')  # fmt: skip

PREFERRED = ("organiser", "facilitator", "moderator", "member", "citizen", "anonymous")


def _sender(entry) -> str | None:
    for role in PREFERRED:
        if entry.post is not nobody and entry.post(role, "open"):
            return role
    return None


def problems_of_error_page(html: str, lang: str = "fr") -> list[str]:
    """What a page shown again with errors lacks, as a user (or their screen reader) would notice it."""
    found = []
    page = elements(html)
    by_id = {el["attrs"]["id"]: el for el in page if el["attrs"].get("id")}
    title = next((el["text"] for el in page if el["tag"] == "title"), "")
    prefix = {"fr": "Erreur\u202f:", "en": "Error:"}[lang]
    if not title.replace("\xa0", "\u202f").startswith(prefix):
        found.append(f"title {title!r} does not start with {prefix!r}")
    summary = by_id.get("error-summary")
    if summary is None:
        return [*found, "no error summary"]
    if summary["attrs"].get("tabindex") != "-1":
        found.append("the error summary cannot take the focus")
    if 'src="/static/pacte/error-summary.js"' not in html:
        found.append("the script focusing the summary is missing")
    links = [el for el in page if el["tag"] == "a" and _inside(el, summary)]
    items = [el for el in page if el["tag"] == "li" and _inside(el, summary)]
    if not items:
        found.append("the error summary lists nothing")
    for link in links:
        target = link["attrs"].get("href", "")[1:]
        if target not in by_id:
            found.append(f"the summary's link to #{target} goes nowhere")
    for el in page:
        if el["attrs"].get("aria-invalid") != "true":
            continue
        ids = (el["attrs"].get("aria-describedby") or "").split()
        fieldset = next((p for p in _parents(el) if p["tag"] == "fieldset"), None)
        if fieldset is not None:  # a group of choices: the error is read with the group's name
            ids += (fieldset["attrs"].get("aria-labelledby") or "").split()
        if not any(_is_error(by_id.get(i)) for i in ids):
            found.append(f"field {el['attrs'].get('name')!r} in error is not described by its error")
    return found


def _is_error(el) -> bool:
    """An element holding an error message: text, and not the field's name or hint."""
    if el is None or not el["text"]:
        return False
    return not el["attrs"]["id"].endswith(("helptext", "hint", "legend"))


def _parents(el):
    while el["parent"] is not None:
        el = el["parent"]
        yield el


def _inside(el, ancestor) -> bool:
    return any(p is ancestor for p in _parents(el))


@pytest.mark.slow
@pytest.mark.django_db
def test_every_form_page_answers_an_empty_post_with_the_summary(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.PACTE_RATE_LIMITS = {}
    world = World()
    open_one = Consultation.objects.get(slug="grille-open")
    # The charter accepted (but by one): the proposal form answers rather than asking for it.
    for role, user in world.users.items():
        if role != SENDER["consultation:accept_charter"]:
            services.accept_charter(user=user, consultation=open_one)
    problems, checked = [], []
    for route in routes():
        entry = EXPECTED[route.name]
        role = SENDER.get(route.name) or _sender(entry)
        if role is None or route.name in UNREACHED:
            continue
        url = reverse(route.name, kwargs=world.kwargs[STATE.get(route.name, "open")][entry.kwargs])
        client = world.clients[role]
        with transaction.atomic():
            response = client.post(url, HTTP_ACCEPT_LANGUAGE="fr")
            transaction.set_rollback(True)
        where = f"POST {url} ({route.name}) as {role}: {response.status_code}"
        html = response.get("Content-Type", "").startswith("text/html")
        if html and response.status_code < 500 and any(mark in response.content for mark in ERROR_MARKS):
            if route.name in NOT_A_FORM_PAGE:
                problems.append(f"{where}: declared not a form page, yet shown again with errors")
            checked.append(route.name)
            problems += [f"{where}: {p}" for p in problems_of_error_page(response.content.decode())]
        elif response.status_code in (301, 302, 303) and route.name not in NOT_A_FORM_PAGE:
            problems.append(
                f"{where}: redirected, its errors not shown again (or declare it in NOT_A_FORM_PAGE)"
            )
    print(f"form pages checked: {len(checked)}: {', '.join(checked)}")  # noqa: T201
    assert checked, "no form page was walked"
    assert not problems, "\n".join(problems)


@pytest.mark.django_db
@pytest.mark.parametrize("name, role", ALLAUTH_FORMS)
def test_allauth_forms_answer_an_empty_post_with_the_summary(name, role, citizen):
    client = Client()
    if role == "citizen":
        client.force_login(citizen)
    response = client.post(reverse(name), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert problems_of_error_page(response.content.decode()) == []
