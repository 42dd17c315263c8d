"""Pages of a panel as a whole: the list, the panel's page, its creation, the organisers' management page
(status, facilitators, consultation link) and the facilitators' page."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import User
from accounts.permissions import require_rule
from accounts.refusals import attempt, post_form, show_form_errors
from accounts.rules import anyone
from consultation import rules as consultation_rules

from .. import draw_messages, forms, presenters, rules, selectors, services
from ..models import Panel, Recommendation, Volunteer
from ..strata import category_label, value_label
from ._common import _panel


@require_rule(anyone)
def panel_list(request):
    panels = selectors.public_panels()
    if rules.can_organise(request.user):
        panels = Panel.objects.all()
    run = selectors.panels_run_by(request.user) if rules.can_be_assigned(request.user) else None
    return render(
        request,
        "deliberation/panel_list.html",
        {"panels": panels, "panels_i_run": run, "can_create_panel": rules.can_organise(request.user)},
    )


@require_rule(rules.can_view_panel, object_from=_panel, hide=True)
def panel_detail(request, panel, pk):
    can_run = rules.can_run_panel(request.user, panel)
    volunteering = selectors.volunteering(request.user, panel)
    return render(
        request,
        "deliberation/panel_detail.html",
        {
            "panel": panel,
            "sessions": panel.sessions.all(),
            "decided": presenters.public_recommendations(
                panel.recommendations.exclude(
                    status__in=[Recommendation.Status.DRAFT, Recommendation.Status.VOTING]
                ).prefetch_related("responses__milestones")
            ),
            "selection": selectors.published_selection(panel),
            **_awaiting(request.user, panel),
            "can_volunteer": rules.can_volunteer(request.user, panel) and volunteering is None,
            "volunteering": volunteering,
            "seat": rules.active_seat(request.user, panel),
            "can_run": can_run,
            "can_manage": rules.can_manage_panel(request.user, panel),
            "consultation": panel.consultation
            if panel.consultation_id and consultation_rules.can_view(request.user, panel.consultation)
            else None,
        },
    )


def _awaiting(user, panel) -> dict:
    """A two-step draw awaiting its public value, shown on the panel's pages, and who may enter it."""
    awaiting = selectors.awaiting_selection(panel)
    return {
        "awaiting": awaiting,
        "can_enter_public_value": awaiting is not None and rules.can_enter_public_value(user, awaiting),
    }


@require_rule(rules.can_run_panel, object_from=_panel, login=True)
def facilitate(request, panel, pk):
    return _facilitate_page(request, panel)


def _facilitate_page(request, panel, **failed):
    """The facilitation page; `failed` holds the form just sent that failed, as sent, under its name."""
    if "recommendation_form" in failed and not panel.sessions.exists():  # not offered without a session
        show_form_errors(request, failed.pop("recommendation_form"))
    # The agenda says whether a past session was run (`rules.session_phase`): read once for all.
    sessions = list(panel.sessions.prefetch_related("agenda"))
    for session in sessions:  # a code that no longer works is not in the page at all: what is true instead
        session.show_code = rules.can_see_checkin_code(request.user, session)
        session.code_note = presenters.checkin_code_note(rules.session_phase(session), team=True)
    return render(
        request,
        "deliberation/facilitate.html",
        {
            "panel": panel,
            "sessions": sessions,
            "documents": panel.documents.all(),
            "recommendations": panel.recommendations.all(),
            "session_form": forms.SessionForm(),
            "document_form": forms.DocumentForm(),
            "recommendation_form": forms.RecommendationForm(panel=panel),
            "members": panel.members.select_related("volunteer__user", "replaced_by__volunteer__user"),
            "reserve_list": (
                selectors.reserve_list(panel) if rules.can_see_reserve_list(request.user, panel) else None
            ),
            "can_see_identity": rules.can_see_member_identity(request.user, panel),
            **failed,
        },
    )


@require_rule(rules.can_organise, login=True)
def panel_create(request):
    form = forms.PanelForm(data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        panel = services.create_panel(actor=request.user, **form.cleaned_data)
        messages.success(request, _("Panel created. Set its quotas and open it to volunteers."))
        return redirect("deliberation:manage", pk=panel.pk)
    return render(request, "deliberation/panel_form.html", {"form": form})


def _quota_lines(panel) -> str:
    return "\n".join(f"{q.category}, {q.value}, {q.min}, {q.max}" for q in panel.quotas.all())


@require_rule(rules.can_manage_panel, object_from=_panel, login=True)
def manage(request, panel, pk):
    return _manage_page(request, panel)


def _manage_page(request, panel, **failed):
    """The management page (member e-mails, pool, quotas): shown only by views whose rule is
    `can_manage_panel`. `failed` holds the form just sent that failed, as sent, under its name."""
    if "assign_form" in failed and not failed["assign_form"].fields["facilitator"].queryset.exists():
        show_form_errors(request, failed.pop("assign_form"))  # nobody left to assign: the form is not shown
    selection = selectors.latest_selection(panel)
    members = panel.members.select_related("volunteer__user", "replaced_by__volunteer")
    pool = panel.volunteers.all()
    # After a committed draw, never back to preparation or recruiting (the current status stays shown).
    settable = {*rules.settable_statuses(panel), panel.status}
    return render(
        request,
        "deliberation/manage.html",
        {
            "panel": panel,
            "statuses": [(value, label) for value, label in Panel.Status.choices if value in settable],
            "pool_count": pool.count(),
            "pool_by_source": [(s.label, pool.filter(source=s).count()) for s in Volunteer.Source],
            "quotas": [
                {
                    "quota": q,
                    "category_label": category_label(q.category).capitalize(),
                    "value_label": value_label(q.category, q.value),
                }
                for q in panel.quotas.all()
            ],  # fmt: skip
            "reserve_list": selectors.reserve_list(panel),
            "can_see_identity": rules.can_see_member_identity(request.user, panel),
            "quota_form": forms.QuotasForm(initial={"quotas": _quota_lines(panel)}),
            "import_form": forms.ImportForm(),
            # Quota categories some volunteers did not answer: they cannot be drawn (named before the draw).
            "unanswered": draw_messages.unanswered_sentences(selectors.unanswered_categories(panel)),
            "drawable": selectors.drawable_pool(panel),
            "selection": selection,
            **_awaiting(request.user, panel),
            "can_abandon": selection is not None and rules.can_abandon_selection(request.user, selection),
            "stale_minutes": settings.PACTE_SELECTION_STALE_MINUTES,
            "members": members,
            "can_edit": rules.can_edit_selection_inputs(request.user, panel),
            "draw_is_final": rules.draw_is_final(panel),
            "facilitators": selectors.panel_facilitators(panel),
            "assign_form": forms.AssignFacilitatorForm(panel=panel),
            "consultation_form": forms.ConsultationLinkForm(initial={"consultation": panel.consultation_id}),
            "adopted": panel.recommendations.filter(status=Recommendation.Status.ADOPTED),
            **failed,
        },
    )


def _to_manage(panel):
    return redirect("deliberation:manage", pk=panel.pk)


@require_POST
@require_rule(rules.can_manage_panel, object_from=_panel, login=True)
def set_status(request, panel, pk):
    if request.POST.get("status") in Panel.Status.values:
        attempt(
            request,
            lambda: services.set_panel_status(actor=request.user, panel=panel, status=request.POST["status"]),
            _("Status updated."),
        )
    return _to_manage(panel)


@require_POST
@require_rule(rules.can_manage_panel, object_from=_panel, login=True)
def assign_facilitator(request, panel, pk):
    form = forms.AssignFacilitatorForm(data=request.POST, panel=panel)
    if post_form(
        request, form,
        lambda data: services.assign_facilitator(actor=request.user, panel=panel, user=data["facilitator"]),
        _("The facilitator now runs this panel."),
    ):  # fmt: skip
        return _to_manage(panel)
    return _manage_page(request, panel, assign_form=form)


@require_POST
@require_rule(rules.can_manage_panel, object_from=_panel, login=True)
def unassign_facilitator(request, panel, pk, user_pk):
    person = get_object_or_404(User, pk=user_pk)
    attempt(
        request,
        lambda: services.unassign_facilitator(actor=request.user, panel=panel, user=person),
        _("%(person)s no longer runs this panel.") % {"person": person.email},
    )
    return _to_manage(panel)


@require_POST
@require_rule(rules.can_manage_panel, object_from=_panel, login=True)
def link_consultation(request, panel, pk):
    form = forms.ConsultationLinkForm(data=request.POST)
    if post_form(
        request, form,
        lambda data: services.link_consultation(
            actor=request.user, panel=panel, consultation=data["consultation"]
        ),
        _("Consultation link saved."),
    ):  # fmt: skip
        return _to_manage(panel)
    return _manage_page(request, panel, consultation_form=form)
