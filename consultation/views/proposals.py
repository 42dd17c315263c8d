"""Proposals: the list, a proposal's permanent page, proposing (with the preview of similar ones),
reporting, and a person's own contributions."""

import secrets

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from accounts import beside
from accounts.errors import ServiceError
from accounts.permissions import require_rule
from accounts.refusals import form_status, post_form
from accounts.rules import is_signed_in

from .. import hooks, publish, rules, selectors, services
from ..accepting import accepts_contributions
from ..forms import ProposalForm, ReportForm
from ..models import Proposal
from ..ratelimit import is_rate_limited
from ..similarity import most_similar
from .common import PAGE_SIZE, consultation_from, consultation_url


@require_rule(rules.can_view, object_from=consultation_from, hide=True)
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
            "accepted": selectors.has_accepted_charter(request.user, consultation),
            "can_propose": rules.can_submit_proposal(request.user, consultation),
            # Visitors see the counts and the way in: signing in brings them back to this page.
            "sign_in_url": (
                f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"
                if not request.user.is_authenticated and accepts_contributions(consultation)
                else None
            ),
        },
    )


@require_rule(rules.can_view, object_from=consultation_from, hide=True)
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
            "accepted": selectors.has_accepted_charter(request.user, consultation),
            "sign_in_url": (
                f"{reverse('account_login')}?{urlencode({'next': request.get_full_path()})}"
                if not request.user.is_authenticated and accepts_contributions(consultation)
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


@require_rule(rules.can_view, object_from=consultation_from, login=True, hide=True)
def propose(request, consultation, slug):
    """Two steps: the draft is checked and the most similar published proposals are shown (so people
    vote instead of duplicating); only the confirmation saves it. The draft waits in the session, so that
    voting on a similar proposal (a plain form, no JavaScript needed) comes back to the preview."""
    if not rules.can_submit_proposal(request.user, consultation):
        refusal = _("This consultation does not take proposals at the moment.")
        if request.method == "POST":  # typed while it was open, sent after: the text is given back to copy
            kept = {
                "consultation": consultation,
                "refused": refusal,
                "kept_text": request.POST.get("text", ""),
            }
            return render(request, "consultation/propose.html", kept, status=403)
        messages.error(request, refusal)
        return redirect(consultation_url(consultation))
    if not selectors.has_accepted_charter(request.user, consultation):
        said = _("Please accept the consultation's charter before your first contribution.")
        beside.say(request, messages.WARNING, said, "charter")  # where the page opens (accounts/beside.py)
        return beside.redirect_beside(consultation_url(consultation), "charter")
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
            except ServiceError as exc:  # a refusal of the text itself: shown under the field
                form.add_error("text", exc)
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

    def thanks(proposal) -> str:
        if proposal.status == Proposal.Status.PENDING:
            return _("Thank you! Your proposal will be published once a moderator has read it.")
        return _("Thank you! Your proposal is published.")

    saved = post_form(
        request,
        form,
        lambda data: services.submit_proposal(
            user=request.user, consultation=consultation, text=text, language=translation.get_language()
        ),
        thanks,
    )
    if not saved:
        return render(request, "consultation/propose.html", {"consultation": consultation, "form": form})
    request.session.pop(_proposal_draft_key(consultation), None)
    return redirect(reverse("consultation:mine"))


@require_rule(rules.can_view, object_from=consultation_from, login=True, hide=True)
def report(request, consultation, slug, pk):
    proposal = get_object_or_404(Proposal, pk=pk, consultation=consultation, status=Proposal.Status.VISIBLE)
    form = ReportForm(request.POST if request.method == "POST" else None)
    limited = False
    if request.method == "POST" and form.is_valid():
        if limited := is_rate_limited(request, "report"):
            form.add_error(None, _("You have sent many reports in a short time. Please wait a little."))
        elif post_form(
            request,
            form,
            lambda data: services.report_proposal(
                user=request.user, proposal=proposal, reason=data["reason"]
            ),
            _("Thank you: moderators will read your report."),
        ):
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
        status=429 if limited else form_status(form),
    )


@require_rule(is_signed_in, login=True)
def my_contributions(request):
    """Everything the person did, per consultation, and what became of it (see selectors)."""
    return render(request, "consultation/mine.html", {"groups": selectors.my_contributions(request.user)})
