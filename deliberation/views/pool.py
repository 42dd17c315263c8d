"""Pages of the pool of volunteers: volunteering and leaving, the organisers' file import and quotas."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts import beside
from accounts.permissions import require_rule
from accounts.refusals import attempt, post_form

from .. import draw_messages, forms, rules, selectors, services
from ..strata import category_label, value_label
from ._common import _panel, _upload_limit_mb
from .panels import _manage_page, _to_manage


@require_rule(rules.can_view_panel, object_from=_panel, login=True, hide=True)
def volunteer(request, panel, pk):
    form = forms.VolunteerForm(data=request.POST if request.method == "POST" else None)
    # An invalid form is shown again with its errors next to the fields (not as messages).
    if request.method == "POST" and form.is_valid():
        joined = attempt(
            request,
            lambda: services.volunteer(
                user=request.user,
                panel=panel,
                consent=form.cleaned_data["consent"],
                language=translation.get_language(),
                name=form.cleaned_data["name"],
                contact=form.cleaned_data["contact"],
            ),  # fmt: skip
            _("Thank you: you are in the pool of volunteers for this panel."),
        )
        if joined:
            return redirect("deliberation:panel_detail", pk=panel.pk)
    from accounts.services import get_profile

    strata = get_profile(request.user).strata()
    volunteering = selectors.volunteering(request.user, panel)
    return render(
        request,
        "deliberation/volunteer.html",
        {
            "panel": panel,
            "form": form,
            "strata": [(category_label(k), value_label(k, v)) for k, v in strata.items()],
            "allowed": rules.can_volunteer(request.user, panel) and volunteering is None,
            "volunteering": volunteering,
        },
    )


@require_rule(rules.can_view_panel, object_from=_panel, login=True, hide=True)
def withdraw(request, panel, pk):
    """Leave the pool of a panel: GET explains what happens and asks to confirm, POST does it. Only one's
    own volunteering: someone not in the pool gets a 404 page, and a POST (the form sent twice, an old
    tab) goes back to the panel with the service's refusal."""
    volunteering = selectors.volunteering(request.user, panel)
    if request.method == "POST":
        left = attempt(
            request,
            lambda: services.withdraw_volunteering(user=request.user, panel=panel),
            _("You have left the pool of volunteers for this panel; your answers to the volunteering form "
              "have been deleted."),
        )  # fmt: skip
        if left or volunteering is None:
            return redirect("deliberation:panel_detail", pk=panel.pk)
        return redirect("deliberation:withdraw", pk=panel.pk)
    if volunteering is None:
        raise Http404
    return render(
        request,
        "deliberation/withdraw.html",
        {
            "panel": panel,
            "volunteering": volunteering,
            "seated_message": services.seated_member_leaves_message(),
            "facilitators": selectors.panel_facilitators(panel),
            "draw_is_final": rules.draw_is_final(panel),
        },
    )


#: At most this many refused lines are listed on the page (the count says how many more).
IMPORT_PROBLEMS_SHOWN = 200


@require_POST
@require_rule(rules.can_manage_panel, object_from=_panel, login=True, max_upload_mb=_upload_limit_mb)
def import_volunteers(request, panel, pk):
    """A CSV of volunteers. What is refused (the file, or some of its lines) comes back in the page next to
    the file field (a summary above the form, the refused lines in a table: line, column, value, problem),
    with the form ready for a corrected file; the lines imported stay imported. Its rule is decided, and
    the upload's declared size checked, before the upload is read (accounts/permissions.py)."""
    form = forms.ImportForm(data=request.POST, files=request.FILES)
    if not form.is_valid():
        return _manage_page(request, panel, import_form=form)
    try:
        report = services.import_volunteers(
            actor=request.user, panel=panel, data=form.cleaned_data["file"].read()
        )
    except services.DeliberationError as error:
        for message in error.messages:
            form.add_error("file", message)
        return _manage_page(request, panel, import_form=form)
    if report.created or not report.errors:
        beside.say(
            request,
            messages.SUCCESS,
            ngettext("%(n)s volunteer imported.", "%(n)s volunteers imported.", report.created)
            % {"n": report.created},
            "import",
        )
    if report.encoding == "cp1252":
        beside.say(
            request,
            messages.WARNING,
            _("The file was not UTF-8: it was read as Windows-1252. Check that accents look right."),
            "import",
        )
    if report.already_in_pool:
        beside.say(
            request,
            messages.INFO,
            ngettext(
                "%(n)s line was already in the pool with the same values: left as it was.",
                "%(n)s lines were already in the pool with the same values: left as they were.",
                report.already_in_pool,
            )
            % {"n": report.already_in_pool},
            "import",
        )
    if not report.errors:  # back at the import, its outcome said there (accounts/beside.py)
        return beside.redirect_beside(reverse("deliberation:manage", args=[panel.pk]), "import")
    n = len(report.errors)
    form.add_error(
        "file",
        ngettext(
            "%(n)s line was not imported: see the table of lines not imported below. Correct it in your "
            "file and send the file again; the lines already imported are recognised by their id and left "
            "as they are.",
            "%(n)s lines were not imported: see the table of lines not imported below. Correct them in your "
            "file and send the file again; the lines already imported are recognised by their id and left "
            "as they are.",
            n,
        )
        % {"n": n},
    )
    return _manage_page(
        request, panel, import_form=form, import_problems=report.errors[:IMPORT_PROBLEMS_SHOWN],
        import_problems_hidden=max(0, n - IMPORT_PROBLEMS_SHOWN),
    )  # fmt: skip


@require_POST
@require_rule(rules.can_manage_panel, object_from=_panel, login=True)
def save_quotas(request, panel, pk):
    """Quotas typed in the textarea: refused lines, or the service's refusal, come back under the field
    with the text as typed (the management page shown again, not emptied by a redirect)."""
    form = forms.QuotasForm(data=request.POST)
    if form.is_valid():
        quotas = []
        for number, line in enumerate(form.cleaned_data["quotas"].splitlines(), start=1):
            if not line.strip():
                continue
            cells = [cell.strip() for cell in line.split(",")]
            try:
                category, value, low, high = cells
                quotas.append(services.QuotaInput(category, value, int(low), int(high)))
            except ValueError:
                form.add_error(
                    "quotas", _("Line %(n)s: write category, value, minimum, maximum.") % {"n": number}
                )
        if not form.errors and post_form(
            request, form,
            lambda _data: services.replace_quotas(actor=request.user, panel=panel, quotas=quotas),
            _("Quotas saved."),
        ):  # fmt: skip
            return _to_manage(panel)
    return _manage_page(request, panel, quota_form=form)


@require_POST
@require_rule(rules.can_manage_panel, object_from=_panel, login=True)
def propose_quotas(request, panel, pk):
    def proposed(result) -> str:
        # Quotas only on the questions every volunteer answered; the others are named with their counts.
        if result.not_proposed:
            messages.warning(
                request,
                " ".join(
                    [_("No quota proposed for a question some volunteers did not answer (a quota there would "
                       "leave them out of the draw):"),
                     *draw_messages.unanswered_sentences(result.not_proposed)]
                ),
            )  # fmt: skip
        categories = sorted({q.category for q in result.quotas})
        return _(
            "Quotas proposed from the French population shares for: %(categories)s. Review and edit them."
        ) % {"categories": ", ".join(category_label(c) for c in categories)}

    attempt(request, lambda: services.propose_quotas(actor=request.user, panel=panel), proposed)
    return _to_manage(panel)
