"""Decision-makers' answers to a consultation's own proposals, and the consultation's rule of which
proposals and themes must be answered (``AnswerPolicy``): services (one transaction each, audited) and
the reads the follow-up page, the trace and ``adoption_report`` share.

The statuses, what counts as answered / adopted, late and the adoption rate are ``consultation.adoption``
(one rule for recommendations, proposals and themes). Answers to themes live in ``analysis.theme_answers``
and reuse `create_answer` and `policy_for` from here."""

from datetime import date

from django.db import transaction
from django.db.models import F, Prefetch, Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.audit import record_event
from accounts.errors import ServiceError
from accounts.roles import Role
from textsafety.normalise import normalises_text

from . import rules, selectors
from .adoption import (
    AnswerItem,
    AnswerState,
    AnswerStatus,
    Source,
    adoption_sources,
    answer_date_problems,
    answer_state,
)
from .models import AnswerPolicy, Consultation, Proposal, ProposalAnswer, ProposalAnswerMilestone
from .publish import public_text


class AnswerError(ServiceError):
    """A refused answer or answer rule: a translated message and a `status` (accounts.errors)."""


class NotAllowed(AnswerError):
    status = 403


# Answers come once the citizens have had their say: not on a consultation still in draft.
ANSWERABLE_PHASES = (
    Consultation.Phase.OPEN,
    Consultation.Phase.CLOSED,
    Consultation.Phase.SYNTHESIS_PUBLISHED,
)


# --------------------------------------------------------------------------------------------------
# The rule of which items must be answered
# --------------------------------------------------------------------------------------------------


def policy_for(consultation) -> AnswerPolicy | None:
    """The consultation's stated rule, or None while the organisers have stated none (then nothing is
    required, and nothing is late)."""
    return AnswerPolicy.objects.filter(consultation_id=consultation.pk).first()


def proposal_is_required(policy: AnswerPolicy | None, proposal: Proposal) -> bool:
    """A published proposal with at least ``proposal_min_votes`` votes (agree, disagree and pass) of which
    at least ``proposal_min_agree_percent`` % agree."""
    if policy is None or not policy.proposals_required or proposal.status != Proposal.Status.VISIBLE:
        return False
    total = proposal.vote_total
    return (
        total > 0
        and total >= policy.proposal_min_votes
        and 100 * proposal.agree_count >= policy.proposal_min_agree_percent * total
    )


def theme_is_required(policy: AnswerPolicy | None, share: float | None) -> bool:
    """A top-level public theme of the published synthesis holding at least ``theme_min_percent`` % of the
    distinct contributions (its ``share``, 0 to 1)."""
    if policy is None or not policy.themes_required or share is None:
        return False
    return 100 * share >= policy.theme_min_percent


def policy_sentences(policy: AnswerPolicy | None) -> list[str]:
    """The rule as the public reads it on the follow-up page."""
    if policy is None:
        return [_("The organisers have not yet stated which proposals and themes must be answered.")]
    sentences = []
    if policy.proposals_required:
        sentences.append(
            _(
                "Every published proposal with at least %(votes)s votes of which at least %(percent)s%% "
                "agree must get a public answer from the decision-makers."
            )
            % {"votes": policy.proposal_min_votes, "percent": policy.proposal_min_agree_percent}
        )
    else:
        sentences.append(_("No proposal is required to get an answer; some may get one anyway."))
    if policy.themes_required:
        sentences.append(
            _(
                "Every theme of the published synthesis holding at least %(percent)s%% of the contributions "
                "must get a public answer from the decision-makers."
            )
            % {"percent": policy.theme_min_percent}
        )
    else:
        sentences.append(_("No theme is required to get an answer; some may get one anyway."))
    if policy.answers_due_on:
        sentences.append(
            _("Answers are due by %(date)s; after that date, a missing answer shows as late.")
            % {"date": formats.date_format(policy.answers_due_on, "DATE_FORMAT")}
        )
    else:
        sentences.append(_("No date has been set for the answers yet: none shows as late."))
    return sentences


def proposals_required_by(consultation, policy: AnswerPolicy) -> int:
    """How many of the consultation's published proposals `policy` (saved or not) requires to be answered,
    by `proposal_is_required` itself."""
    proposals = Proposal.objects.filter(consultation=consultation, status=Proposal.Status.VISIBLE).only(
        "status", "agree_count", "disagree_count", "pass_count"
    )
    return sum(1 for proposal in proposals if proposal_is_required(policy, proposal))


def required_preview(consultation, values: dict) -> list[dict]:
    """For the rule form: with these values (proposals and themes rules both applied, ticked or not), how
    many items each source would require: [{"label", "count", "applied"}]."""
    fields = {f.name for f in AnswerPolicy._meta.fields}
    draft = AnswerPolicy(
        consultation=consultation,
        **{k: v for k, v in values.items() if k in fields},
    )
    applied = {"proposals": bool(draft.proposals_required), "themes": bool(draft.themes_required)}
    draft.proposals_required = draft.themes_required = True
    rows = []
    for source in adoption_sources():
        if source.required_count is None:
            continue
        rows.append(
            {
                "key": source.key,
                "label": source.label,
                "count": source.required_count(consultation, draft),
                "applied": applied.get(source.key, True),
            }
        )
    return rows


@transaction.atomic
def save_answer_policy(
    *, actor, consultation: Consultation, proposals_required: bool, proposal_min_agree_percent: int,
    proposal_min_votes: int, themes_required: bool, theme_min_percent: int, answers_due_on: date | None,
) -> AnswerPolicy:  # fmt: skip
    """State (or change) publicly which proposals and themes must be answered, and by when."""
    if not rules.can_answer(actor):
        raise NotAllowed(_("Only organisers set the rule of the answers."), status=403)
    if not (0 <= proposal_min_agree_percent <= 100 and 0 <= theme_min_percent <= 100):
        raise AnswerError(_("A share is a percentage between 0 and 100."))
    values = {
        "proposals_required": proposals_required,
        "proposal_min_agree_percent": proposal_min_agree_percent,
        "proposal_min_votes": proposal_min_votes,
        "themes_required": themes_required,
        "theme_min_percent": theme_min_percent,
        "answers_due_on": answers_due_on,
    }
    policy, _created = AnswerPolicy.objects.update_or_create(
        consultation=consultation, defaults={**values, "updated_by": actor, "updated_at": timezone.now()}
    )
    details = {**values, "answers_due_on": answers_due_on.isoformat() if answers_due_on else None}
    record_event(
        actor=actor, as_role=Role.ORGANISER, action="consultation.answer_policy_set", obj=consultation,
        details=details,
    )  # fmt: skip
    return policy


# --------------------------------------------------------------------------------------------------
# Recording an answer (proposals here; themes in analysis.theme_answers, through `create_answer`)
# --------------------------------------------------------------------------------------------------


@normalises_text
def create_answer(
    answer_model, milestone_model, *, actor, target_field: str, target, decision_maker: str, body: str,
    status: str, justification: str, answered_on: date, implementation_deadline: date | None,
    implemented_on: date | None, milestones, not_before: date | None = None,
):  # fmt: skip
    """The checks and writes every answer shares (inside the caller's transaction and permission check;
    normalising again what the caller normalised changes nothing)."""
    if status not in AnswerStatus.values:
        raise AnswerError(_("Unknown answer status."))
    if not decision_maker.strip() or not body.strip() or not justification.strip():
        raise AnswerError(_("Name the decision-maker and the body responsible, and give a justification."))
    problems = answer_date_problems(
        answered_on=answered_on, implementation_deadline=implementation_deadline,
        implemented_on=implemented_on, not_before=not_before,
    )  # fmt: skip
    if problems:
        raise AnswerError([message for _field, message in problems])
    answer = answer_model.objects.create(
        **{target_field: target}, decision_maker=decision_maker.strip(), body=body.strip(), status=status,
        justification=justification.strip(), answered_on=answered_on,
        implementation_deadline=implementation_deadline, implemented_on=implemented_on, recorded_by=actor,
    )  # fmt: skip
    milestone_model.objects.bulk_create(
        milestone_model(answer=answer, title=title, due_on=due) for title, due in milestones if title.strip()
    )
    return answer


def can_be_answered(proposal: Proposal) -> bool:
    return proposal.status == Proposal.Status.VISIBLE and proposal.consultation.phase in ANSWERABLE_PHASES


@normalises_text
@transaction.atomic
def record_proposal_answer(
    *, actor, proposal: Proposal, decision_maker: str, body: str, status: str, justification: str,
    answered_on: date, implementation_deadline: date | None = None, implemented_on: date | None = None,
    milestones: list[tuple[str, date | None]] = (),
) -> ProposalAnswer:  # fmt: skip
    """Publish a decision-maker's answer to a citizen's proposal (the same statuses, justification,
    deadline and milestones as for a panel recommendation). Answers accumulate; the latest is in force."""
    if not rules.can_answer(actor):
        raise NotAllowed(_("Only organisers record the decision-makers' answers."), status=403)
    if not can_be_answered(proposal):
        raise AnswerError(
            _("Only a published proposal of a consultation past its draft can receive an answer."), status=409
        )
    answer = create_answer(
        ProposalAnswer, ProposalAnswerMilestone, actor=actor, target_field="proposal", target=proposal,
        decision_maker=decision_maker, body=body, status=status, justification=justification,
        answered_on=answered_on, implementation_deadline=implementation_deadline,
        implemented_on=implemented_on, milestones=milestones,
    )  # fmt: skip
    record_event(actor=actor, as_role=Role.ORGANISER, action="proposal.answer_recorded", obj=answer,
                 details={"proposal": proposal.pk, "status": status})  # fmt: skip
    return answer


@transaction.atomic
def complete_answer_milestone(*, actor, milestone, done_on: date):
    """A step promised in an answer to a proposal or a theme is done: shown publicly with its date."""
    if not rules.can_answer(actor):
        raise NotAllowed(_("Only organisers record the decision-makers' answers."), status=403)
    if done_on > timezone.localdate():
        raise AnswerError(_("A milestone cannot be done on a future date."))
    if done_on < milestone.answer.answered_on:
        raise AnswerError(_("A milestone cannot be done before the answer that promised it."))
    if milestone.done_on is not None:
        raise AnswerError(_("A milestone marked as done cannot be changed."), status=409)
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    record_event(
        actor=actor, as_role=Role.ORGANISER, action="answer.milestone_done", obj=milestone.answer,
        details={"milestone": milestone.pk, "done_on": done_on.isoformat()},
    )  # fmt: skip
    return milestone


@normalises_text
def move_milestone(milestone, *, answered_on: date, title: str, due_on: date | None, note: str, error):
    """The one rule for correcting a promised milestone (of any answer: a recommendation's, a proposal's,
    a theme's): a title and a public reason, a real change, not due before the answer; the date first
    promised is kept. Checks, writes the row the caller locked, and returns (before, after) for the audit
    event; a refusal is raised as the caller's `error` type."""
    title, note = title.strip(), note.strip()
    if not title:
        raise error(_("A milestone needs a title."))
    if not note:
        raise error(_("Say publicly why the milestone changes."))
    if title == milestone.title and due_on == milestone.due_on:
        raise error(_("Nothing changed: give a new title or a new due date."))
    if due_on is not None and due_on < answered_on:
        raise error(_("A milestone cannot be due before the answer that promised it."))
    before = {"title": milestone.title, "due_on": milestone.due_on.isoformat() if milestone.due_on else None}
    if due_on != milestone.due_on and milestone.first_due_on is None:
        milestone.first_due_on = milestone.due_on
    milestone.title, milestone.due_on, milestone.change_note = title, due_on, note
    milestone.save(update_fields=["title", "due_on", "first_due_on", "change_note"])
    return before, {"title": title, "due_on": due_on.isoformat() if due_on else None}


@normalises_text
@transaction.atomic
def change_answer_milestone(*, actor, milestone, title: str, due_on: date | None, note: str):
    """Correct a milestone's title or move its due date, with a public reason: the date first promised
    is kept and shown next to the new one, so a promise never moves silently (as for recommendations)."""
    if not rules.can_answer(actor):
        raise NotAllowed(_("Only organisers record the decision-makers' answers."), status=403)
    milestone = (
        type(milestone).objects.select_related("answer").select_for_update(of=("self",)).get(pk=milestone.pk)
    )
    if milestone.done_on is not None:
        raise AnswerError(_("A milestone marked as done cannot be changed."), status=409)
    before, after = move_milestone(
        milestone, answered_on=milestone.answer.answered_on, title=title, due_on=due_on, note=note,
        error=AnswerError,
    )  # fmt: skip
    record_event(
        actor=actor, as_role=Role.ORGANISER, action="answer.milestone_changed", obj=milestone.answer,
        details={"milestone": milestone.pk, "before": before, "after": after, "note": note},
    )  # fmt: skip
    return milestone


# --------------------------------------------------------------------------------------------------
# Reads: the proposals' state, the follow-up items, the trace
# --------------------------------------------------------------------------------------------------


def answer_sentence(answer) -> str:
    """One answer as the public reads it: who, when, the status (the justification apart)."""
    return _("Answer of %(who)s (%(body)s) on %(date)s: %(status)s.") % {
        "who": answer.decision_maker,
        "body": answer.body,
        "date": formats.date_format(answer.answered_on, "DATE_FORMAT"),
        "status": answer.get_status_display(),
    }


#: What a withheld justification reads instead (``publish.published`` of an answer says the same).
JUSTIFICATION_WITHHELD = gettext_lazy(
    "(The justification is not shown: it reveals a personal health condition.)"
)


def public_justification(answer) -> str:
    """The justification as published: an organiser's text, which may quote a contribution, goes through
    the one exit (``publish.public_text``): personal data replaced, withheld if it reveals someone's
    health (then a notice says so)."""
    text = public_text(answer.justification)
    return str(JUSTIFICATION_WITHHELD) if text is None else text


def state_of(answers, policy: AnswerPolicy | None, today: date) -> AnswerState:
    """An item of the consultation (a proposal or a theme) read by the one rule: due on the date the
    organisers stated (``AnswerPolicy.answers_due_on``), never late without one."""
    due_on = policy.answers_due_on if policy else None
    return answer_state(answers, handed_on=None, due_on=due_on, today=today)


def proposal_label(proposal: Proposal) -> str:
    text = public_text(proposal)
    number = _("Proposal no. %(n)s") % {"n": proposal.pk}
    if not text:
        return number
    return _("%(number)s: %(text)s") % {"number": number, "text": Truncator(text).chars(160)}


def _proposals_handed_over(consultation):
    """The consultation's proposals that must be answered or have an answer (two queries). The database
    narrows the candidates with the same arithmetic as `proposal_is_required`, which decides (one rule)."""
    answered = ProposalAnswer.objects.filter(proposal__consultation=consultation).values("proposal_id")
    policy = policy_for(consultation)
    wanted = Q(pk__in=answered)
    if policy is not None and policy.proposals_required:
        total = F("agree_count") + F("disagree_count") + F("pass_count")
        wanted |= Q(
            status=Proposal.Status.VISIBLE,
            pk__in=Proposal.objects.annotate(total=total)
            .filter(consultation=consultation, total__gte=max(1, policy.proposal_min_votes))
            .annotate(agree_100=F("agree_count") * 100, needed=total * policy.proposal_min_agree_percent)
            .filter(agree_100__gte=F("needed"))
            .values("pk"),
        )
    proposals = (
        Proposal.objects.filter(consultation=consultation, status=Proposal.Status.VISIBLE)
        .filter(wanted)
        .select_related("consultation")
        .prefetch_related(
            Prefetch("decision_answers", queryset=ProposalAnswer.objects.order_by("answered_on", "id"))
        )
        .order_by("id")
    )
    return policy, [(p, proposal_is_required(policy, p)) for p in proposals]


def proposal_answer_items(consultation=None, today: date | None = None) -> list[AnswerItem]:
    """The consultation's proposals as a source of the adoption figures: every published proposal the
    stated rule requires to be answered, and any other that got an answer. Late only when required."""
    today = today or timezone.localdate()
    consultations = (
        [consultation] if consultation is not None else selectors.public_consultations().order_by("id")
    )
    items = []
    for one in consultations:
        policy, rows = _proposals_handed_over(one)
        for proposal, required in rows:
            state = state_of(proposal.decision_answers.all(), policy if required else None, today)
            items.append(
                AnswerItem(
                    label=proposal_label(proposal),
                    url=reverse("consultation:proposal", args=[one.slug, proposal.pk]),
                    state=state,
                    required=required,
                    detail=_("%(agree)s agree out of %(votes)s votes")
                    % {"agree": proposal.agree_count, "votes": proposal.vote_total},
                    answer_url=reverse("consultation:answer_proposal", args=[one.slug, proposal.pk]),
                )
            )
    return items


PROPOSALS_SOURCE = Source(
    key="proposals",
    label=gettext_lazy("Consultation proposals"),
    definition=gettext_lazy(
        "Citizens' proposals that the consultation's rule requires to be answered, and any other proposal "
        "that got an answer."
    ),
    items=proposal_answer_items,
    order=20,
    required_count=proposals_required_by,
)


def answer_fact(answer) -> dict:
    """A trace fact for the answer in force: who answered, when, the status, the justification."""
    return {
        "label": answer_sentence(answer),
        "note": public_justification(answer),
        "answer_status": answer.get_status_display(),
    }


def waiting_fact(state: AnswerState, policy: AnswerPolicy | None, *, of_theme: bool = False) -> dict:
    """A trace fact for an item that must be answered and is not yet (late after the stated date). A
    theme's fact says so: it sits under the contribution's own answer, which it must not seem to
    contradict."""
    if state.late:
        date = formats.date_format(policy.answers_due_on, "DATE_FORMAT")
        if of_theme:
            label = _(
                "This theme must be answered by the decision-makers: the answer is late (due by %(date)s)."
            )
        else:
            label = _("It must be answered by the decision-makers: the answer is late (due by %(date)s).")
        return {"label": label % {"date": date}, "late": True}
    if of_theme:
        return {"label": _("This theme must be answered by the decision-makers: no answer yet.")}
    return {"label": _("It must be answered by the decision-makers: no answer yet.")}


def proposal_answer_traces(proposals, answers) -> dict[tuple[str, int], list[dict]]:
    """The trace hook (``hooks.contribution_traces``): the decision-makers' answer to each proposal, or
    that one is awaited when the consultation's rule requires it (two queries, whatever the number)."""
    proposals = [p for p in proposals if p.status == Proposal.Status.VISIBLE]
    if not proposals:
        return {}
    today = timezone.localdate()
    by_proposal: dict[int, list] = {}
    for answer in ProposalAnswer.objects.filter(proposal_id__in=[p.pk for p in proposals]).order_by(
        "answered_on", "id"
    ):
        by_proposal.setdefault(answer.proposal_id, []).append(answer)
    policies = {
        p.consultation_id: p
        for p in AnswerPolicy.objects.filter(consultation_id__in={p.consultation_id for p in proposals})
    }
    result = {}
    for proposal in proposals:
        policy = policies.get(proposal.consultation_id)
        answers_of = by_proposal.get(proposal.pk, [])
        if answers_of:
            result[("proposal", proposal.pk)] = [{**answer_fact(answers_of[-1]), "answer_only": True}]
        elif proposal_is_required(policy, proposal):
            fact = waiting_fact(state_of([], policy, today), policy)
            result[("proposal", proposal.pk)] = [{**fact, "answer_only": True}]
    return result


# --------------------------------------------------------------------------------------------------
# Presenter: the adoption table of the follow-up page
# --------------------------------------------------------------------------------------------------


#: A rate gets a decimal only over this many items: below, one item moves it by a tenth of a point or more,
#: and "88,9 %" of 9 recommendations is a precision the count does not have.
RATE_DECIMAL_FROM_ITEMS = 1000


def percent_of(part: int | None, whole: int | None) -> str:
    """The one rule for showing a rate of items (adoption rate, share still unanswered...) in the reader's
    language: whole per cent below ``RATE_DECIMAL_FROM_ITEMS`` items ("89 %" for 8 of 9), one decimal
    from there; never "100 %" or "0 %" unless all or none; an em dash with no item. The page shows the
    count beside it (`rate_with_count`, or the count in the same row or tile)."""
    if not whole or part is None:
        return "—"
    decimals = 1 if whole >= RATE_DECIMAL_FROM_ITEMS else 0
    value = round(100 * part / whole, decimals)
    step = 10**-decimals
    if part < whole:
        value = min(value, 100 - step)
    if part > 0:
        value = max(value, step)
    return _("%(value)s%%") % {"value": formats.number_format(value, decimals)}


def rate_with_count(part: int | None, whole: int | None) -> str:
    """A rate with its count, as every page writes it: "89 % (8 of 9)"; an em dash with no item."""
    if not whole or part is None:
        return "—"
    return _("%(percent)s (%(part)s of %(whole)s)") % {
        "percent": percent_of(part, whole),
        "part": formats.number_format(part, force_grouping=True),
        "whole": formats.number_format(whole, force_grouping=True),
    }


def adoption_rows(reports, overall) -> list[dict]:
    """One row per source, then the overall row, with the figures and their definitions."""
    rows = [
        {
            "key": report.source.key,
            "label": str(report.source.label),
            "definition": str(report.source.definition),
            "figures": report.figures,
            "rate": percent_of(report.figures.taken_up, report.figures.answered),
            "overall": False,
        }
        for report in reports
    ]
    rows.append(
        {
            "key": "overall",
            "label": _("All sources"),
            "definition": _(
                "Every item of every source together: all those taken up over all those answered (not an "
                "average of the rates above)."
            ),
            "figures": overall,
            "rate": percent_of(overall.taken_up, overall.answered),
            "overall": True,
        }
    )
    return rows


def consultation_links(consultation, user) -> list[dict]:
    """The consultation page's link to its follow-up page (``hooks.register_consultation_links``)."""
    if consultation.phase == Consultation.Phase.DRAFT:
        return []
    return [
        {
            "label": _("What the decision-makers answered (follow-up)"),
            "url": reverse("consultation:followup", args=[consultation.slug]),
        }
    ]
