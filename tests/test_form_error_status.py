"""Every form of the site that is shown again with errors answers with an error status (the house rule,
`accounts.refusals.form_status`: 400 for fields that did not validate, the refusal's status for a service's
refusal), never 200: a client, a script or an assistive tool reading the status learns that nothing was
saved. The test walks the URLconf (the permission grid's routes and world, tests/test_permission_grid.py),
POSTs an empty form to each route as each role that runs things, and fails on any page answered 200 that
marks a field or the form in error."""

import re

import pytest
from django.db import transaction
from django.urls import reverse

from tests.test_permission_grid import EXPECTED, World, body_of, routes

# What a form shown again with errors carries (tests/../templates/includes/field.html, the DSFR's snippets,
# Django's own error list).
ERROR_MARKS = re.compile(
    r'aria-invalid="true"|fr-error-text|fr-input-group--error|fr-fieldset--error|errorlist'
)
ROLES = ("organiser", "facilitator", "moderator", "member")
# Routes that still answer 200 with a form in error, found by this test on 2026-12-08 and not aligned yet
# (each page helper of deliberation renders every form of its page; they need the status of the one sent).
# Remove a route from here once it answers form_status(form); a route not listed fails the test.
NOT_ALIGNED_YET = {
    "accounts:roles",
    "analysis:answer_theme",
    "analysis:editor",
    "deliberation:add_agenda_item",
    "deliberation:assign_facilitator",
    "deliberation:check_in_code",
    "deliberation:create_recommendation",
    "deliberation:decide_amendment",
    "deliberation:edit_agenda_item",
    "deliberation:open_vote",
    "deliberation:panel_create",
    "deliberation:propose_amendment",
    "deliberation:record_response",
    "deliberation:replace_member",
    "deliberation:schedule_session",
    "deliberation:upload_document",
}


@pytest.mark.django_db
def test_no_form_shown_again_with_errors_answers_200(tmp_path, settings):
    settings.MEDIA_ROOT = str(tmp_path)
    settings.PACTE_RATE_LIMITS = {}
    world = World()
    problems, still_200, shown_again = [], set(), 0
    for route in routes():
        entry = EXPECTED[route.name]
        url = reverse(route.name, kwargs=world.kwargs["open"][entry.kwargs])
        for role in ROLES:
            with transaction.atomic():
                response = world.clients[role].post(url)
                transaction.set_rollback(True)
            if "html" not in response.get("Content-Type", ""):
                continue
            shown_with_errors = ERROR_MARKS.search(body_of(response))
            if shown_with_errors:
                shown_again += 1
                if response.status_code == 200 and route.name in NOT_ALIGNED_YET:
                    still_200.add(route.name)
                elif response.status_code == 200:
                    problems.append(f"POST {url} ({route.name}) as {role}: 200, {shown_with_errors.group()}")
    assert shown_again > 20  # the walk reached the forms (an empty POST is refused by most of them)
    assert not problems, "Forms shown again with errors but answered 200:\n" + "\n".join(problems)
    aligned = sorted(NOT_ALIGNED_YET - still_200)
    assert not aligned, f"Aligned now, remove from NOT_ALIGNED_YET: {', '.join(aligned)}"
