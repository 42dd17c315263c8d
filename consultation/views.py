"""Citizen, moderator and organiser pages. Thin: forms in, services called, refusals shown as messages."""

import json
import secrets

from csp.decorators import csp_exempt
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.datastructures import MultiValueDict
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.permissions import require_rule
from accounts.refusals import json_refusal
from accounts.rules import anyone, is_signed_in
from accounts.strata import STRATA_FIELDS, category_label

from . import hooks, publish, rules, selectors, services
from .charter import DEFAULT_PRINCIPLES
from .forms import (
    CharterForm,
    CharterTextForm,
    ConsultationForm,
    ImportForm,
    ModerationForm,
    ProposalForm,
    QuestionForm,
    QuestionnaireForm,
    ReportForm,
)
from .models import Consultation, OpenDataExport, Proposal, Vote
from .ratelimit import is_rate_limited
from .similarity import most_similar

PAGE_SIZE = 20


def _consultation(slug, **_kwargs) -> Consultation:
    """The consultation a page is about, loaded before its rule is decided (accounts/permissions.py)."""
    return get_object_or_404(Consultation, slug=slug)


def _upload_limit_mb() -> float:
    return settings.PACTE_IMPORT_PAGE_MAX_MB


def _oldest_active(jobs):
    """Of recent jobs (newest first), the oldest still waiting or running: the one a worker most likely
    has in hand. None when all have ended."""
    return next((job for job in reversed(jobs) if job.is_active), None)


def _progress_answer(job, **details) -> JsonResponse:
    """What the pages with long work poll (static/pacte/live-progress.js)."""
    if job is None:
        return JsonResponse({"active": False})
    return JsonResponse(
        {
            "active": True,
            "status_label": str(job.get_state_display()),
            "percent": job.progress,
            # Translators: a percentage; French puts a no-break space before the sign.
            "percent_label": _("%(percent)s%%") % {"percent": job.progress},
            **details,
        }
    )


def _wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


def _vote_value(request) -> str:
    """The vote's `value`: a form field, or a JSON body {"value": ...} from a script."""
    if request.content_type != "application/json":
        return request.POST.get("value", "")
    try:
        body = json.loads(request.body)
    except ValueError:  # malformed JSON or not UTF-8
        body = None
    if not isinstance(body, dict):
        raise services.ConsultationError(
            _('The body is not a JSON object: send {"value": "agree"}, or the form field value=agree.')
        )
    value = body.get("value", "")
    return value if isinstance(value, str) else ""  # a number or a list is no vote: the usual message


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


# --- Citizens --------------------------------------------------------------------------------------


@require_rule(anyone)
def consultation_list(request):
    consultations = Consultation.objects.all()
    if not rules.can_manage(request.user):
        consultations = consultations.exclude(phase=Consultation.Phase.DRAFT)
    return render(
        request,
        "consultation/list.html",
        {"consultations": consultations, "can_manage": rules.can_manage(request.user)},
    )


def _answers_draft_key(consultation) -> str:
    """Session key of answers that could not be saved because the charter had to be accepted first."""
    return f"answers_draft:{consultation.pk}"


def _detail_page(request, consultation, *, charter_form=None, questionnaire=None, status=200):
    """The consultation page; a refused form comes back bound, with its errors beside its fields."""
    accepted = services.has_accepted_charter(request.user, consultation)
    charter_changed = not accepted and services.accepted_an_earlier_charter(request.user, consultation)
    draft = request.session.get(_answers_draft_key(consultation)) if request.user.is_authenticated else None
    if questionnaire is None and consultation.is_open and accepted:
        questions = consultation.questions.prefetch_related("choices")
        if draft:  # answers typed before the charter changed: shown again, not saved yet
            questionnaire = QuestionnaireForm(MultiValueDict(draft), questions=questions)
        else:
            answers = {
                a.question_id: a for a in request.user.answers.filter(question__consultation=consultation)
            }
            questionnaire = QuestionnaireForm(questions=questions, answers=answers)
    return render(
        request,
        "consultation/detail.html",
        {
            "consultation": consultation,
            "principles": DEFAULT_PRINCIPLES,
            "charter": services.current_charter(consultation),
            "accepted": accepted,
            "charter_changed": charter_changed,
            "charter_form": charter_form or CharterForm(initial={"version": consultation.charter_version}),
            "questionnaire": questionnaire,
            "answers_draft": bool(draft),
            "can_contribute": rules.can_contribute(request.user, consultation),
            "can_view_results": rules.can_view_results(request.user, consultation),
            "can_manage": rules.can_manage(request.user),
            "proposal_count": selectors.proposal_counts(consultation)["total"],
            "extra_links": hooks.consultation_links(consultation, request.user),
        },
        status=status,
    )


@require_rule(rules.can_view, object_from=_consultation, hide=True)
def detail(request, consultation, slug):
    return _detail_page(request, consultation)


@require_rule(rules.can_view, object_from=_consultation, login=True, hide=True)
def accept_charter(request, consultation, slug):
    if request.method != "POST":  # e.g. the address of a refused form, reloaded
        return redirect(consultation_url(consultation) + "#charter")
    form = CharterForm(request.POST)
    if not form.is_valid():  # the page again, the error under the checkbox
        return _detail_page(request, consultation, charter_form=form, status=400)
    try:
        services.accept_charter(
            user=request.user, consultation=consultation, version=form.cleaned_data.get("version")
        )
    except services.Conflict as exc:  # the charter changed while it was being read: the new text, unticked
        refused = CharterForm.refused(version=consultation.charter_version, message=exc.message)
        return _detail_page(request, consultation, charter_form=refused, status=exc.status)
    except services.ConsultationError as exc:
        messages.error(request, exc.message)
        return redirect(consultation_url(consultation) + "#charter")
    messages.success(request, _("Thank you: you can now take part."))
    if _answers_draft_key(consultation) in request.session:  # back to the answers waiting to be saved
        return redirect(consultation_url(consultation) + "#questionnaire")
    return redirect(_next_url(request, consultation_url(consultation)))


@require_rule(rules.can_view, object_from=_consultation, login=True, hide=True)
def discard_answers_draft(request, consultation, slug):
    """Forget the answers kept in the session while the charter waits to be accepted again. Answers
    already saved stay as they are; a GET (a reloaded or shared address) discards nothing."""
    if request.method != "POST":
        return redirect(consultation_url(consultation) + "#charter")
    if request.session.pop(_answers_draft_key(consultation), None) is not None:
        messages.success(
            request, _("Your unsaved answers were discarded. The answers you saved before are unchanged.")
        )
    else:
        messages.info(request, _("There were no unsaved answers to discard."))
    anchor = "#questionnaire" if services.has_accepted_charter(request.user, consultation) else "#charter"
    return redirect(consultation_url(consultation) + anchor)


def consultation_url(consultation) -> str:
    return reverse("consultation:detail", args=[consultation.slug])


@require_rule(rules.can_view, object_from=_consultation, login=True, hide=True)
def answer(request, consultation, slug):
    """Save the questionnaire. A refused questionnaire comes back as it was filled in, each error under its
    question; answers refused only because the charter must be accepted (again) wait in the session."""
    if request.method != "POST":  # e.g. the address of a refused form, reloaded
        return redirect(consultation_url(consultation) + "#questionnaire")
    form = QuestionnaireForm(request.POST, questions=consultation.questions.prefetch_related("choices"))
    if not form.is_valid():
        return _detail_page(request, consultation, questionnaire=form, status=400)
    try:
        saved = services.save_answers(user=request.user, consultation=consultation, answers=form.answers())
    except services.CharterRequired as exc:
        request.session[_answers_draft_key(consultation)] = {
            name: request.POST.getlist(name) for name in form.fields if name in request.POST
        }
        messages.error(request, exc.message)
        return redirect(consultation_url(consultation) + "#charter")
    except services.ConsultationError as exc:
        form.add_error(None, exc.message)
        return _detail_page(request, consultation, questionnaire=form, status=exc.status)
    request.session.pop(_answers_draft_key(consultation), None)
    messages.success(
        request,
        ngettext(
            "%(n)d answer saved. You can change it until the consultation closes.",
            "%(n)d answers saved. You can change them until the consultation closes.",
            saved,
        )
        % {"n": saved},
    )
    return redirect(consultation_url(consultation))


@require_rule(rules.can_view, object_from=_consultation, hide=True)
def proposals(request, consultation, slug):
    order = request.GET.get("order", "random")
    if order not in selectors.available_orders():
        order = "random"
    seed = request.session.get("proposal_seed")
    if seed is None:
        seed = request.session["proposal_seed"] = secrets.randbelow(2**31)
    ordered = selectors.ordered_proposals(consultation, order, seed)
    query = request.GET.get("q", "").strip()[: selectors.SEARCH_MAX_LENGTH]
    if query:  # only published proposals match: a hidden text is never searched, so never revealed
        ordered = selectors.matching(consultation, ordered, query)
    page = Paginator(ordered, PAGE_SIZE).get_page(request.GET.get("page"))
    items = list(page.object_list)
    if isinstance(ordered, list):  # a page of ids: fetch them and keep their order
        by_id = Proposal.objects.in_bulk(items)
        items = [by_id[i] for i in items if i in by_id]
    # A hidden proposal is listed by its reason, a withheld one by a notice: their text never shows.
    items = publish.mark_for_listing(items)
    return render(
        request,
        "consultation/proposals.html",
        {
            "consultation": consultation,
            "page": page,
            "items": items,
            "order": order,
            "query": query,
            "orders": [
                ("random", _("Random order")),
                ("agreed", _("Most agreed")),
                ("divisive", _("Most divisive")),
                ("newest", _("Newest")),
            ]
            + [(key, label) for key, (label, _fn) in hooks.proposal_orderings().items()],
            "counts": selectors.proposal_counts(consultation),
            "ranked": selectors.ranks_by_votes(order),
            "my_votes": selectors.vote_state(request.user, [p.pk for p in items]),
            "can_vote": rules.can_contribute(request.user, consultation),
            "accepted": services.has_accepted_charter(request.user, consultation),
            "can_propose": rules.can_submit_proposal(request.user, consultation),
            # Visitors see the counts and the way in: signing in brings them back to this page.
            "sign_in_url": (
                f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"
                if not request.user.is_authenticated and consultation.is_open
                else None
            ),
        },
    )


@require_rule(rules.can_view, object_from=_consultation, hide=True)
def proposal_detail(request, consultation, slug, pk):
    """A proposal's permanent page: its text (never for a hidden one: its status and the moderators'
    reason), its votes, and what became of it (theme, linked recommendations, answers). A proposal
    awaiting moderation is not public: 404, as for a consultation in draft."""
    proposal = get_object_or_404(selectors.public_proposals(consultation), pk=pk)
    proposal.text = proposal.public_text
    trace = []  # a hidden proposal is known by its status and reason only, not by where it went
    if proposal.status == Proposal.Status.VISIBLE:
        trace = hooks.contribution_traces([proposal], []).get(("proposal", proposal.pk), [])
    return render(
        request,
        "consultation/proposal.html",
        {
            "consultation": consultation,
            "p": proposal,
            "trace": trace,
            "my_votes": selectors.vote_state(request.user, [proposal.pk]),
            "can_vote": rules.can_contribute(request.user, consultation),
            "accepted": services.has_accepted_charter(request.user, consultation),
            "sign_in_url": (
                f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"
                if not request.user.is_authenticated and consultation.is_open
                else None
            ),
            "permalink": request.build_absolute_uri(
                reverse("consultation:proposal", args=[consultation.slug, proposal.pk])
            ),
        },
    )


def _proposal_draft_key(consultation) -> str:
    """Session key of the proposal being previewed: voting on a similar proposal comes back to it."""
    return f"proposal_draft:{consultation.pk}"


@require_rule(rules.can_view, object_from=_consultation, login=True, hide=True)
def propose(request, consultation, slug):
    """Two steps: the draft is checked and the most similar published proposals are shown (so people
    vote instead of duplicating); only the confirmation saves it. The draft waits in the session, so that
    voting on a similar proposal (a plain form, no JavaScript needed) comes back to the preview."""
    if not rules.can_submit_proposal(request.user, consultation):
        messages.error(request, _("This consultation does not take proposals at the moment."))
        return redirect(consultation_url(consultation))
    if not services.has_accepted_charter(request.user, consultation):
        messages.warning(
            request, _("Please accept the consultation's charter before your first contribution.")
        )
        return redirect(consultation_url(consultation) + "#charter")
    draft_key = _proposal_draft_key(consultation)
    draft = request.session.get(draft_key, "")
    if request.method == "POST":
        step = request.POST.get("step")
        if step == "discard":
            request.session.pop(draft_key, None)
            messages.info(request, _("Your proposal was not published."))
            return redirect("consultation:proposals", slug=slug)
        data = request.POST
    else:
        # Back from a vote on a similar proposal: the preview again; otherwise the form, with the draft.
        step = request.GET.get("step")
        data = {"text": draft, "step": "preview"} if step == "preview" and draft else None
    form = ProposalForm(data, initial={"text": draft}, max_length=consultation.max_proposal_length)
    form.rate_limited = False
    similar = None
    if data is not None and form.is_valid():
        if form.is_bot:
            # Say nothing useful to a robot; a person never sees the hidden field.
            form.add_error(None, _("Your proposal could not be saved. Please try again."))
        else:
            try:
                text = services.clean_proposal_text(form.cleaned_data["text"], consultation)
            except services.ConsultationError as exc:
                form.add_error("text", exc.message)
            else:
                if step == "confirm":
                    return _save_proposal(request, consultation, form, text)
                request.session[draft_key] = text
                similar = _similar_proposals(request, consultation, form, text)
    return render(
        request,
        "consultation/propose.html",
        {
            "consultation": consultation,
            "form": form,
            "similar": publish.shown_in_preview(similar),  # through the one exit; withheld ones left out
            "my_votes": selectors.vote_state(request.user, [p.pk for p in similar or []]),
            "vote_next": reverse("consultation:propose", args=[slug]) + "?step=preview",
        },
        status=429 if form.rate_limited else 200,
    )


def _similar_proposals(request, consultation, form, text) -> list | None:
    """The published proposals most like the draft, for the preview. Its cost is bounded twice: previews
    are rate-limited per person and address (`PACTE_RATE_LIMITS["proposal_preview"]`), and the draft is
    compared with at most `PACTE_PREVIEW_CANDIDATES` proposals the database found for it, never with every
    proposal. Over the limit: the draft stays in the form, with a message, and no comparison is made."""
    form.rate_limited = is_rate_limited(request, "proposal_preview")
    if form.rate_limited:
        form.add_error(None, _("You have asked for many previews in a short time. Please wait a little."))
        return None
    candidates = selectors.preview_candidates(consultation, text, settings.PACTE_PREVIEW_CANDIDATES)
    return [candidates[i] for i in most_similar(text, [p.text for p in candidates])]


def _save_proposal(request, consultation, form, text):
    if is_rate_limited(request, "proposal"):
        form.add_error(None, _("You have submitted many proposals in a short time. Please wait a little."))
        return render(
            request, "consultation/propose.html", {"consultation": consultation, "form": form}, status=429
        )
    try:
        proposal = services.submit_proposal(
            user=request.user, consultation=consultation, text=text, language=translation.get_language()
        )
    except services.ConsultationError as exc:
        form.add_error(None, exc.message)
        return render(request, "consultation/propose.html", {"consultation": consultation, "form": form})
    request.session.pop(_proposal_draft_key(consultation), None)
    if proposal.status == Proposal.Status.PENDING:
        messages.success(
            request, _("Thank you! Your proposal will be published once a moderator has read it.")
        )
    else:
        messages.success(request, _("Thank you! Your proposal is published."))
    return redirect(reverse("consultation:mine"))


@require_POST
@csp_exempt()  # answers JSON or a redirect, never a page: no policy to build on the busiest path
@require_rule(anyone)
def vote(request, slug, pk):
    """Vote agree / disagree / pass. A small POST form without JavaScript, or JSON for scripts
    (Accept: application/json), with JSON error bodies. Its rule (`rules.can_vote`) is decided by the
    service; the refusals before it (not signed in: 401, no such proposal: 404) are answered here, in JSON
    for scripts, before the body is read (a vote's body is a few bytes; the middleware refuses more)."""
    as_json = _wants_json(request)

    def refuse(message, status):
        if as_json:
            return json_refusal(message, status)
        messages.error(request, message)
        return redirect(_next_url(request, reverse("consultation:proposals", args=[slug])))

    if not request.user.is_authenticated:
        if as_json:
            return refuse(_("Please sign in to vote."), 401)
        return redirect(f"{reverse('account_login')}?next={reverse('consultation:proposals', args=[slug])}")
    proposal = selectors.vote_target(slug, pk)
    if proposal is None:
        return refuse(_("This proposal does not exist."), 404)
    if is_rate_limited(request, "vote"):
        return refuse(_("You have voted many times in a short time. Please wait a minute."), 429)
    try:
        outcome = services.cast_vote(user=request.user, proposal=proposal, value=_vote_value(request))
    except services.ConsultationError as exc:
        return refuse(exc.message, exc.status)
    if as_json:
        return JsonResponse(
            {
                "proposal": proposal.pk,
                "vote": Vote.Value(outcome.value).name.lower(),
                "changed": outcome.changed,
            }
        )
    messages.success(
        request, _("Your vote “%(vote)s” is recorded.") % {"vote": Vote.Value(outcome.value).label}
    )
    return redirect(
        _next_url(request, reverse("consultation:proposals", args=[slug])) + f"#proposal-{proposal.pk}"
    )


@require_rule(rules.can_view, object_from=_consultation, login=True, hide=True)
def report(request, consultation, slug, pk):
    proposal = get_object_or_404(Proposal, pk=pk, consultation=consultation, status=Proposal.Status.VISIBLE)
    form = ReportForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if is_rate_limited(request, "report"):
            form.add_error(None, _("You have sent many reports in a short time. Please wait a little."))
        else:
            try:
                services.report_proposal(
                    user=request.user, proposal=proposal, reason=form.cleaned_data["reason"]
                )
            except services.ConsultationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Thank you: moderators will read your report."))
                return redirect(reverse("consultation:proposals", args=[slug]))
    return render(
        request,
        "consultation/report.html",
        # The text as the proposals page shows it (the one exit): None when withheld.
        {
            "consultation": consultation,
            "proposal": proposal,
            "form": form,
            "proposal_text": publish.public_text(proposal),
        },  # fmt: skip
    )


@require_rule(is_signed_in, login=True)
def my_contributions(request):
    """Everything the person did, per consultation, and what became of it (see selectors)."""
    return render(request, "consultation/mine.html", {"groups": selectors.my_contributions(request.user)})


# --- Moderators ------------------------------------------------------------------------------------


@require_rule(rules.can_moderate, login=True)
def moderation(request):
    queue = list(services.moderation_queue().prefetch_related("reports"))
    for proposal in queue:  # one form per proposal, prefixed so that field ids stay unique on the page
        proposal.form = ModerationForm(prefix=f"p{proposal.pk}")
    return render(request, "consultation/moderation.html", {"queue": queue})


@require_POST
@require_rule(rules.can_moderate, login=True)
def moderate(request, pk):
    proposal = get_object_or_404(Proposal, pk=pk)
    form = ModerationForm(request.POST, prefix=f"p{pk}")
    if form.is_valid():
        try:
            services.moderate(
                actor=request.user,
                proposal=proposal,
                decision=form.cleaned_data["decision"],
                reason=form.cleaned_data["reason"],
            )
        except services.ConsultationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Decision recorded."))
    else:
        messages.error(request, _("Please choose a decision."))
    return redirect("consultation:moderation")


# --- Results and open data -------------------------------------------------------------------------


@require_rule(rules.can_view, object_from=_consultation, hide=True)
def results(request, consultation, slug):
    if not rules.can_view_results(request.user, consultation):
        messages.info(request, _("Results are published when the consultation closes."))
        return redirect(consultation_url(consultation))
    closed = selectors.closed_question_results(consultation)
    stratum = request.GET.get("stratum", "age_band")
    if stratum not in STRATA_FIELDS:
        stratum = "age_band"
    for block in closed:
        block["breakdown"] = selectors.strata_breakdown(block["question"], stratum)

    return render(
        request,
        "consultation/results.html",
        {
            "consultation": consultation,
            "participation": selectors.participation_over_time(consultation),
            "closed": closed,
            "stratum": stratum,
            "strata": [(name, category_label(name)) for name in STRATA_FIELDS],
            "min_group": selectors.MIN_GROUP_SIZE,
        },
    )


@require_rule(rules.can_view, object_from=_consultation, hide=True, post=rules.can_build_open_data)
def open_data(request, consultation, slug):
    can_build = rules.can_build_open_data(request.user, consultation)
    if request.method == "POST":
        services.request_open_data_export(actor=request.user, consultation=consultation)
        messages.success(request, _("The archive is being built; this page shows its progress."))
        return redirect("consultation:open_data", slug=slug)
    exports = list(consultation.exports.all()[:5])
    latest = consultation.exports.filter(state=OpenDataExport.State.DONE).first()
    return render(
        request,
        "consultation/open_data.html",
        {
            "consultation": consultation,
            "exports": exports,
            "latest": latest,
            "can_build": can_build,
            "building": _oldest_active(exports) if can_build else None,
        },
    )


@require_rule(rules.can_build_open_data, object_from=_consultation)
def open_data_progress(request, consultation, slug):
    """The archive being built now, if any (for those who can build one)."""
    return _progress_answer(_oldest_active(list(consultation.exports.all()[:5])))


@require_rule(rules.can_view, object_from=_consultation, hide=True)
def open_data_download(request, consultation, slug, pk):
    export = get_object_or_404(
        OpenDataExport, pk=pk, consultation=consultation, state=OpenDataExport.State.DONE
    )
    try:
        handle = export.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise Http404 from None
    return FileResponse(handle, as_attachment=True, filename=f"pacte-{consultation.slug}-open-data.zip")


# --- Organisers ------------------------------------------------------------------------------------


_SETTINGS_FIELDS = [name for name in ConsultationForm.base_fields if name != "slug"]


@require_rule(rules.can_manage, login=True)
def manage(request, slug=None):
    """Create (no slug) or edit a consultation and its settings; phase and history on the same page."""
    consultation = get_object_or_404(Consultation, slug=slug) if slug else None
    initial = (
        {"slug": consultation.slug, **{f: getattr(consultation, f) for f in _SETTINGS_FIELDS}}
        if consultation
        else {"moderation": "post", "proposals_allowed": True, "max_proposal_length": 1000}
    )
    form = ConsultationForm(request.POST if request.method == "POST" else None, initial=initial)
    if consultation:
        form.fields["slug"].disabled = True
    if request.method == "POST" and form.is_valid():
        fields = {f: form.cleaned_data[f] for f in _SETTINGS_FIELDS}
        try:
            if consultation:
                services.update_consultation(actor=request.user, consultation=consultation, **fields)
            else:
                consultation = services.create_consultation(
                    actor=request.user, slug=form.cleaned_data["slug"], **fields
                )
        except services.ConsultationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Consultation saved."))
            return redirect("consultation:manage", slug=consultation.slug)
    transitions = []
    if consultation:
        transitions = [(p, Consultation.Phase(p).label) for p in Consultation.TRANSITIONS[consultation.phase]]
    return render(
        request,
        "consultation/manage.html",
        {
            "consultation": consultation,
            "form": form,
            "transitions": transitions,
            "history": consultation.phase_changes.select_related("actor") if consultation else [],
        },
    )


@require_POST
@require_rule(rules.can_manage, login=True)
def change_phase(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    try:
        services.transition(
            actor=request.user, consultation=consultation, to_phase=request.POST.get("phase", "")
        )
    except services.ConsultationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(
            request, _("The consultation is now “%(phase)s”.") % {"phase": consultation.get_phase_display()}
        )
    return redirect("consultation:manage", slug=slug)


@require_rule(rules.can_manage, login=True)
def charter(request, slug):
    """Edit the charter's French and English text; a changed text is a new version that everyone accepts
    again before their next contribution."""
    consultation = get_object_or_404(Consultation, slug=slug)
    editable = rules.can_edit_charter(request.user, consultation)
    text_fr, text_en = services.charter_texts(consultation)
    form = CharterTextForm(
        request.POST if request.method == "POST" else None, initial={"text_fr": text_fr, "text_en": text_en}
    )
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                changed = services.update_charter(
                    actor=request.user,
                    consultation=consultation,
                    text_fr=form.cleaned_data["text_fr"],
                    text_en=form.cleaned_data["text_en"],
                )
            except services.ConsultationError as exc:
                form.add_error(None, exc.message)
                status = exc.status
            else:
                if changed:
                    messages.success(
                        request,
                        _(
                            "Charter saved as version %(n)d. Participants will accept it before their "
                            "next contribution."
                        )
                        % {"n": consultation.charter_version},
                    )
                else:
                    messages.info(request, _("The charter text did not change: no new version."))
                return redirect("consultation:charter", slug=slug)
        else:
            status = 400
    if not editable:
        for field in form.fields.values():
            field.disabled = True
    return render(
        request,
        "consultation/charter.html",
        {
            "consultation": consultation,
            "form": form,
            "editable": editable,
            "versions": consultation.charter_versions.select_related("created_by"),
        },
        status=status,
    )


@require_rule(rules.can_manage, login=True)
def questions(request, slug):
    consultation = get_object_or_404(Consultation, slug=slug)
    form = QuestionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            services.add_question(
                actor=request.user,
                consultation=consultation,
                kind=form.cleaned_data["kind"],
                text_fr=form.cleaned_data["text_fr"],
                text_en=form.cleaned_data["text_en"],
                choices=form.parsed_choices(),
            )
        except services.ConsultationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Question added."))
            return redirect("consultation:questions", slug=slug)
    return render(
        request,
        "consultation/questions.html",
        {
            "consultation": consultation,
            "form": form,
            "questions": consultation.questions.prefetch_related("choices"),
        },
    )


@require_POST
@require_rule(rules.can_manage, login=True)
def delete_question(request, slug, pk):
    consultation = get_object_or_404(Consultation, slug=slug)
    question = get_object_or_404(consultation.questions, pk=pk)
    try:
        services.delete_question(actor=request.user, question=question)
    except services.ConsultationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("Question deleted."))
    return redirect("consultation:questions", slug=slug)


@require_rule(rules.can_manage, login=True)
def import_progress(request, slug):
    """The import running now, if any."""
    consultation = get_object_or_404(Consultation, slug=slug)
    job = _oldest_active(list(consultation.imports.defer("data")[:5]))
    return _progress_answer(job, file_name=job.file_name) if job else _progress_answer(None)


@require_rule(rules.can_manage, login=True, max_upload_mb=_upload_limit_mb)
def import_file(request, slug):
    """Organisers send a CSV; a Celery worker imports it (services.start_import) and this page shows the
    progress of the recent imports and the report of the last one that ended. Its rule is decided, and
    the upload's declared size checked, before the upload is read (accounts/permissions.py)."""
    consultation = get_object_or_404(Consultation, slug=slug)
    form = ImportForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
    )
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        strata = tuple(c.strip() for c in form.cleaned_data["strata_columns"].split(",") if c.strip())
        try:
            services.start_import(
                actor=request.user, consultation=consultation, data=upload.read(), file_name=upload.name,
                text_column=form.cleaned_data["text_column"].strip(),
                date_column=form.cleaned_data["date_column"].strip() or None, strata_columns=strata,
                language=translation.get_language(),
            )  # fmt: skip
        except services.ConsultationError as exc:
            form.add_error(None, exc.message)
            status = exc.status
        else:
            messages.success(request, _("The file is being imported; this page shows the progress."))
            return redirect("consultation:import", slug=slug)
    elif request.method == "POST":
        status = 400
    imports = list(consultation.imports.defer("data")[:5])
    return render(
        request,
        "consultation/import.html",
        {
            "consultation": consultation,
            "form": form,
            "imports": imports,
            "active": _oldest_active(imports),
            "last": next((job for job in imports if not job.is_active), None),
        },
        status=status,
    )
