"""Pages of the recommendations: the recommendation's page, amendments and their decision, the vote."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from accounts.permissions import require_rule
from accounts.refusals import attempt, post_form, show_form_errors

from .. import forms, hooks, presenters, rules, selectors, services
from ..models import Amendment, Recommendation
from ._common import _amendment, _panel, _recommendation
from .panels import _facilitate_page


@require_rule(rules.can_read_recommendation, object_from=_recommendation)
def recommendation_detail(request, recommendation, pk):
    return _recommendation_page(request, recommendation)


def _recommendation_page(request, recommendation, **failed):
    """The recommendation's page. `failed` holds the form that was just sent and failed, as sent: under its
    context name (`amendment_form`, `ballot_form`, `open_vote_form`), or as `decision` / `milestone_done` /
    `milestone_change` = (amendment or milestone id, form) for the forms repeated per amendment or
    milestone. A failed form the page no longer offers (the vote cast meanwhile, the milestone done) has
    its errors shown as messages instead. Its rule (`can_read_recommendation`, or a stronger one) was
    decided by the view."""
    panel = recommendation.panel
    seat = rules.active_seat(request.user, panel)
    decided = recommendation.status in rules.CLOSED_VOTE
    can_run = rules.can_run_panel(request.user, panel)
    can_decide = rules.can_decide_amendment(request.user, recommendation)
    can_respond = rules.can_record_response(request.user, recommendation)
    can_vote = rules.can_vote(request.user, recommendation)
    has_voted = bool(seat and seat.receipts.filter(recommendation=recommendation).exists())
    can_amend = rules.can_propose_amendment(request.user, recommendation)
    shown = set()

    def form_for(key, pk, make, offered: bool):
        sent = failed.get(key)
        if sent and sent[0] == pk and offered:
            shown.add(key)
            return sent[1]
        return make()

    amendments = list(recommendation.amendments.select_related("proposed_by__volunteer__user"))
    for a in amendments:
        a.decision_form = form_for(
            "decision", a.pk, lambda a=a: forms.AmendmentDecisionForm(auto_id=f"decision-{a.pk}-%s"),
            can_decide and a.status == Amendment.Status.PROPOSED,
        )  # fmt: skip
    responses = list(recommendation.responses.prefetch_related("milestones"))
    for response in responses:
        for m in response.milestones.all():
            offered = can_respond and not m.done_on
            m.done_form = form_for(
                "milestone_done", m.pk, lambda m=m: forms.MilestoneDoneForm(milestone=m), offered
            )
            m.change_form = form_for(
                "milestone_change", m.pk, lambda m=m: forms.MilestoneChangeForm(milestone=m), offered
            )
    offered = {
        "amendment_form": can_amend,
        "ballot_form": can_vote and not has_voted,
        "open_vote_form": rules.can_open_vote(request.user, recommendation),
    }
    single = {key: form for key, form in failed.items() if key in offered and offered[key]}
    # From here on the page holds published copies only (``presenters``): it is the public page, read by
    # the team too; the stored rows are not changed.
    amendments, responses = presenters.public_amendments(amendments), presenters.public_responses(responses)
    for key, sent in failed.items():
        if key not in shown and key not in single:
            show_form_errors(request, sent[1] if isinstance(sent, tuple) else sent)
    follow_up = (
        selectors.follow_up(recommendation)
        if recommendation.status == Recommendation.Status.ADOPTED
        else None
    )
    return render(
        request,
        "deliberation/recommendation.html",
        {
            "recommendation": presenters.public_recommendation(recommendation),
            "panel": panel,
            # Who wrote each version: by role for the public and the panel's members, by name for its team.
            "versions": presenters.public_versions(
                selectors.recommendation_versions(recommendation, public=not can_run)
            ),
            "amendments": amendments,
            "responses": responses,
            "outcome": selectors.recommendation_outcome(recommendation) if decided else None,
            "turnout": selectors.vote_turnout(recommendation) if decided else None,
            "follow_up": follow_up,
            "overdue": presenters.overdue_notice(follow_up, responses),
            "overdue_days": selectors.overdue_after_days(),
            "too_few": recommendation.status == Recommendation.Status.TOO_FEW,
            "min_ballots": rules.min_ballots_to_publish(),
            "can_amend": can_amend,
            "can_decide": can_decide,
            "can_vote": can_vote,
            "has_voted": has_voted,
            "vote_suspended": rules.vote_suspended(recommendation) and (seat is not None or can_run),
            "vote_suspended_message": services.vote_suspended_message(),
            "can_facilitate": can_run,
            "can_respond": can_respond,
            "amendment_form": forms.AmendmentForm(),
            "ballot_form": forms.BallotForm(),
            "open_vote_form": forms.OpenVoteForm(panel=panel, recommendation=recommendation),
            "can_open_vote": rules.can_open_vote(request.user, recommendation),
            "can_close_vote": rules.can_close_vote(request.user, recommendation),
            "vote_turnout": selectors.open_vote_turnout(recommendation)
            if recommendation.status == Recommendation.Status.VOTING
            else None,
            "sections": hooks.recommendation_sections(recommendation, request.user),
            **single,
        },
    )


def _back_to(recommendation):
    return redirect("deliberation:recommendation", pk=recommendation.pk)


def _done_or_again(request, done: bool, recommendation, **failed):
    """After a form about a recommendation: its page, redirected to when done, else shown again with the
    form as sent."""
    return _back_to(recommendation) if done else _recommendation_page(request, recommendation, **failed)


@require_POST
@require_rule(rules.is_member_of_panel_of, object_from=_recommendation, login=True)
def propose_amendment(request, recommendation, pk):
    form = forms.AmendmentForm(data=request.POST)
    done = post_form(
        request, form,
        lambda data: services.propose_amendment(user=request.user, recommendation=recommendation, **data),
        _("Your amendment has been sent to the facilitators."),
    )  # fmt: skip
    return _done_or_again(request, done, recommendation, amendment_form=form)


@require_POST
@require_rule(rules.is_member_of_panel_of, object_from=_recommendation, login=True)
def cast_ballot(request, recommendation, pk):
    form = forms.BallotForm(data=request.POST)
    done = post_form(
        request, form,
        lambda data: services.cast_ballot(
            user=request.user, recommendation=recommendation, choice=data["choice"]
        ),
        _("Your vote has been recorded. It is secret: it is stored without your name."),
    )  # fmt: skip
    return _done_or_again(request, done, recommendation, ballot_form=form)


@require_POST
@require_rule(rules.can_run_panel, object_from=_panel, login=True)
def create_recommendation(request, panel, pk):
    form = forms.RecommendationForm(data=request.POST, panel=panel)
    done = post_form(
        request, form,
        lambda data: services.create_recommendation(actor=request.user, panel=panel, **data),
        _("Draft recommendation created."),
    )  # fmt: skip
    if done:
        return redirect("deliberation:facilitate", pk=panel.pk)
    return _facilitate_page(request, panel, recommendation_form=form)


@require_POST
@require_rule(rules.can_decide_amendments_of, object_from=_amendment, login=True)
def decide_amendment(request, amendment, pk):

    def decide(data):
        if data["decision"] == "accept":
            services.accept_amendment(actor=request.user, amendment=amendment, reason=data["reason"])
        else:
            services.reject_amendment(actor=request.user, amendment=amendment, reason=data["reason"])

    form = forms.AmendmentDecisionForm(data=request.POST, auto_id=f"decision-{amendment.pk}-%s")
    done = post_form(request, form, decide, _("Decision recorded."))
    return _done_or_again(request, done, amendment.recommendation, decision=(amendment.pk, form))


@require_POST
@require_rule(rules.can_run_recommendation, object_from=_recommendation, login=True)
def open_vote(request, recommendation, pk):
    form = forms.OpenVoteForm(data=request.POST, panel=recommendation.panel, recommendation=recommendation)
    done = post_form(
        request, form,
        lambda data: services.open_vote(
            actor=request.user, recommendation=recommendation, session=data["session"]
        ),
        lambda opened: _vote_opened_message(request, opened),
    )  # fmt: skip
    return _done_or_again(request, done, recommendation, open_vote_form=form)


def _vote_opened_message(request, recommendation) -> str:
    """Says at which session the vote is open and how many can vote there (those checked in); warns when
    nobody is checked in yet."""
    turnout = selectors.open_vote_turnout(recommendation)
    session = recommendation.vote_session
    if not turnout.checked_in:
        messages.warning(
            request,
            _("Nobody is checked in at the session “%(session)s” yet: only members checked in there can "
              "vote. Check them in (session code, or from the console).") % {"session": session.title},
        )  # fmt: skip
    return ngettext(
        "The vote is open at the session “%(session)s”: %(n)s member checked in there can vote.",
        "The vote is open at the session “%(session)s”: %(n)s members checked in there can vote.",
        turnout.checked_in,
    ) % {"session": session.title, "n": turnout.checked_in}


def too_few_message() -> str:
    return _(
        "The vote is closed with fewer than %(min)s ballots: too few ballots to publish a count without "
        "revealing a vote. The ballots were destroyed unread, nothing was decided, and the vote can be "
        "opened again."
    ) % {"min": rules.min_ballots_to_publish()}


@require_rule(rules.can_run_recommendation, object_from=_recommendation, login=True)
def close_vote(request, recommendation, pk):
    """Closing a vote publishes its result at once and for good: GET (or a POST without the confirmation)
    shows what will happen, with the turnout so far, and asks to confirm; the confirmed POST closes it."""
    if request.method == "POST" and request.POST.get("confirm") == "yes":
        attempt(
            request,
            lambda: services.close_vote(actor=request.user, recommendation=recommendation),
            lambda closed: _("The vote is closed: no ballot was cast, nothing was decided. The vote can be "
                             "opened again.") if closed.status == Recommendation.Status.NO_BALLOT
            else too_few_message() if closed.status == Recommendation.Status.TOO_FEW
            else _("The vote is closed and the result published."),
        )  # fmt: skip
        return _back_to(recommendation)
    if not rules.can_close_vote(request.user, recommendation):
        messages.error(request, _("This vote is not open."))
        return _back_to(recommendation)
    return render(
        request,
        "deliberation/close_vote.html",
        {
            "recommendation": recommendation,
            "panel": recommendation.panel,
            "turnout": selectors.open_vote_turnout(recommendation),
            "min_ballots": rules.min_ballots_to_publish(),
        },
    )
