"""Pages of the draw: the public report, the published lottery, the live progress, running or abandoning
a draw, giving a member's seat to a reserve."""

from django.contrib import messages
from django.http import HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.permissions import require_rule
from accounts.refusals import attempt, json_refusal, post_form
from accounts.rules import anyone

from .. import forms, presenters, rules, selectors, services
from ..models import Panel, PanelMember, Selection
from ..strata import category_label, value_label
from ._common import _member, _panel, _public_panel, _selection
from .panels import _awaiting, _to_manage


@require_rule(anyone, object_from=_public_panel)
def selection_report(request, panel, pk):
    selection = selectors.published_selection(panel)
    composition = [
        {
            **row,
            "category_label": category_label(row["category"]).capitalize(),
            "value_label": value_label(row["category"], row["value"]),
        }
        for row in (selection.composition if selection else [])
    ]
    events = selectors.selection_audit_trail(selection)
    return render(
        request,
        "deliberation/selection_report.html",
        {"panel": panel, "selection": selection, "composition": composition, "events": events,
         "latest": selectors.latest_selection(panel), "check": _draw_check(selection),
         "chances": _chances(selection), "can_run_panel": rules.can_run_panel(request.user, panel),
         **_awaiting(request.user, panel)},
    )  # fmt: skip


def _chances(selection: Selection | None) -> dict | None:
    """The lowest and median selection probabilities as a citizen reads them (`presenters.chance_words`)."""
    if selection is None:
        return None
    return {
        "lowest": presenters.chance_words(selection.min_probability or 0),
        "median": presenters.chance_words(selection.median_probability or 0),
    }


def _draw_check(selection: Selection | None) -> dict | None:
    """What the report shows under "the check": does the revealed seed match the commitment published
    before the draw, and does the published lottery with that seed give the seated panel?"""
    if selection is None or not selection.lottery:
        return None
    from .. import lottery

    try:
        redrawn = services.redraw(selection)
    except services.DeliberationError:
        redrawn = None
    return {
        "seed_matches": lottery.commitment(selection.seed) == selection.seed_commitment,
        "panel_matches": redrawn is not None and sorted(redrawn) == sorted(selection.drawn),
    }


def _public_panel_of_lottery(pk: int, selection: int) -> Panel:
    return _public_panel(pk)


@require_rule(anyone, object_from=_public_panel_of_lottery)
def selection_lottery(request, panel, pk, selection):
    """The lottery published before a draw, byte for byte as its SHA-256 was recorded (a download)."""
    record = get_object_or_404(panel.selections.exclude(lottery_sha256=""), pk=selection)
    response = HttpResponse(services.lottery_file(record), content_type="application/json")
    response["Content-Disposition"] = f'attachment; filename="pacte-lottery-{panel.pk}-{record.pk}.json"'
    return response


@require_rule(rules.can_view_panel, object_from=_panel, hide=True)
def selection_status(request, panel, pk):
    """What the page polls (static/pacte/live-progress.js): the state of the latest run, from the database,
    worded in the language the page asks for (its `Accept-Language`). `summary` is the status and our
    sentence; `note` the sortition library's own note (English), in an element whose `lang` the script sets
    from `note_lang` (empty when there is no note)."""
    selection = selectors.latest_selection(panel)
    if selection is None:
        return json_refusal(_("No selection has been run."), 404)
    note = selection.progress_note
    # A two-step draw awaiting its public value has stopped: the page reloads to show the lottery.
    done = not selection.is_under_way
    return JsonResponse(
        {
            "status": selection.status,
            "status_label": str(selection.get_status_display()),
            "message": note.text,
            "summary": selection.progress_summary,
            "note": note.quoted,
            "note_lang": note.quoted_lang,
            "done": done,
            "active": not done,
        }
    )


@require_POST
@require_rule(rules.can_manage_panel, object_from=_panel, login=True)
def run_selection(request, panel, pk):
    """Start the draw. The seed is Pacte's, picked at random (`services.start_selection`): a seed typed in
    (an old form, a hand-made request) is refused, since the lottery follows from the pool and the quotas
    and an organiser could try seeds until the panel suits them. The message says what happened: with
    eager tasks (`make demo`) the draw has ended by the time the page comes back."""
    if request.POST.get("seed", "").strip():
        messages.error(
            request,
            _("A typed seed is refused: Pacte picks the seed at random and publishes its SHA-256 before the "
              "lottery, so that nobody can try seeds until the panel suits them. Nothing was drawn."),
        )  # fmt: skip
        return _to_manage(panel)

    def started(selection) -> None:
        selection.refresh_from_db()
        if selection.status == Selection.Status.DONE:
            messages.success(
                request,
                ngettext(
                    "The panel has been drawn: %(n)s member seated. The selection report shows the draw and "
                    "how to check it.",
                    "The panel has been drawn: %(n)s members seated. The selection report shows the draw and "
                    "how to check it.",
                    len(selection.drawn),
                )
                % {"n": len(selection.drawn)},
            )
        elif selection.status == Selection.Status.FAILED:
            messages.error(
                request, _("The draw ended without a panel: nobody was seated. Why is shown below.")
            )
        else:
            messages.success(request, _("The draw has started; this page shows where it is."))

    attempt(request, lambda: services.start_selection(actor=request.user, panel=panel), started)
    return _to_manage(panel)


@require_rule(rules.can_manage_panel, object_from=_panel, login=True)
def start_two_step_draw(request, panel, pk):
    """Step 1 of a two-step draw: the organiser announces the public value that will pick the panel; the
    task publishes the lottery naming it and stops (`Selection.Status.AWAITING`). Nobody is seated."""
    allowed = rules.can_run_selection(request.user, panel)
    # Sent from a page whose panel can no longer be drawn: its form is not shown again, nor its errors.
    posted = request.method == "POST" and allowed
    form = forms.TwoStepDrawForm(data=request.POST if posted else None)
    if posted and post_form(
        request,
        form,
        lambda data: services.start_selection(
            actor=request.user, panel=panel, public_value_source=data["public_value_source"]
        ),
        _published_message,
    ):
        return _to_manage(panel)
    return render(
        request,
        "deliberation/two_step_draw.html",
        {"panel": panel, "form": form, "allowed": allowed},
        status=409 if request.method == "POST" and not allowed else getattr(form, "refusal_status", 200),
    )


def _published_message(selection: Selection) -> str:
    selection.refresh_from_db()
    if selection.status == Selection.Status.AWAITING:
        return _(
            "The lottery is published with the public value announced; nobody is seated yet. Once the value "
            "is known, enter it here to draw the panel."
        )
    return _("The draw has started; this page shows where it is. Its lottery will be published first.")


@require_rule(rules.can_manage_selection, object_from=_selection, login=True)
def enter_public_value(request, selection, pk):
    """Step 2 of a two-step draw: the public value, typed, then confirmed on a second page (the panel is
    drawn with it and this cannot be undone)."""
    panel = selection.panel
    refusal = rules.public_value_refusal(request.user, selection)
    # A refused value's form is not shown again (the page says why), nor its errors.
    form = forms.PublicValueForm(data=request.POST if request.method == "POST" and not refusal else None)
    context = {"panel": panel, "selection": selection, "form": form, "refusal": refusal}
    if request.method == "POST" and form.is_valid() and not refusal:
        from .. import lottery

        value = lottery.normalise_public_value(form.cleaned_data["public_value"])
        if not value:
            form.add_error("public_value", services.public_value_refusal_message("format"))
        elif request.POST.get("confirm") != "1":
            return render(request, "deliberation/public_value.html", {**context, "confirm": value})
        elif post_form(
            request,
            form,
            lambda data: services.enter_public_value(
                actor=request.user, selection=selection, public_value=value
            ),
            _drawn_message,
        ):
            return redirect(reverse("deliberation:selection_report", args=[panel.pk]))
    status = 409 if request.method == "POST" and refusal else getattr(form, "refusal_status", 200)
    if request.method == "POST" and form.errors and status == 200:
        status = 400
    return render(request, "deliberation/public_value.html", context, status=status)


def _drawn_message(selection: Selection) -> str:
    selection.refresh_from_db()
    if selection.status == Selection.Status.DONE:
        return ngettext(
            "The panel has been drawn with the public value: %(n)s member seated.",
            "The panel has been drawn with the public value: %(n)s members seated.",
            len(selection.drawn),
        ) % {"n": len(selection.drawn)}
    if selection.status == Selection.Status.FAILED:
        return _("The draw ended without a panel: nobody was seated. Why is shown below.")
    return _("The public value is recorded; the panel is being drawn from the published lottery.")


@require_POST
@require_rule(rules.can_manage_selection, object_from=_selection, login=True)
def abandon_selection(request, selection, pk):
    attempt(
        request,
        lambda: services.abandon_selection(actor=request.user, selection=selection),
        _("The draw is abandoned: nobody was seated. You can run the selection again."),
    )
    return _to_manage(selection.panel)


@require_rule(rules.can_run_member_panel, object_from=_member, login=True)
def replace_member(request, member, pk):
    """Giving a member's seat to a reserve cannot be undone: GET shows who leaves, who is next on the reserve
    list and asks for the reason (required, recorded with the replacement); the POST does it. Refused, the
    page comes back with the reason as typed."""
    member = (  # with what the page shows
        PanelMember.objects.select_related("panel", "volunteer__user", "selection").get(pk=member.pk)
    )
    form = forms.ReplaceMemberForm(data=request.POST if request.method == "POST" else None)
    # A refusal of the service comes as messages (the sortition core's own explanation marked as English,
    # `_error`), above the form kept as typed.
    if request.method == "POST" and form.is_valid() and attempt(
        request,
        lambda: services.replace_member(
            actor=request.user, member=member, reason=form.cleaned_data["reason"]
        ),
        lambda newcomer: _("%(name)s takes the seat.") % {"name": newcomer.volunteer.team_name},
    ):  # fmt: skip
        return redirect(_after_replacement(request, member.panel))
    return render(
        request,
        "deliberation/replace_member.html",
        {
            "member": member,
            "panel": member.panel,
            "form": form,
            "allowed": rules.can_replace_member(request.user, member),
            "reserve_list": selectors.reserve_list(member.panel),
            "back": _after_replacement(request, member.panel),
        },
    )


def _after_replacement(request, panel) -> str:
    """Back to the management page for organisers, to the facilitation page for the facilitators."""
    if rules.can_organise(request.user):
        return reverse("deliberation:manage", args=[panel.pk])
    return reverse("deliberation:facilitate", args=[panel.pk])
