"""The consultation layer's audit event types and how the audit console names its objects
(``accounts.event_types``; registered in ``ConsultationConfig.ready``)."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.event_types import EventType, describer_for, register, register_object_type
from accounts.roles import Role

from . import rules
from .models import Consultation, Proposal, ProposalAnswer, Question
from .selectors import PUBLIC_STATUSES

ORG, MOD, CIT = Role.ORGANISER, Role.MODERATOR, Role.CITIZEN

EVENT_TYPES = [
    EventType("consultation.created", _("Consultation created"), ORG),
    EventType("consultation.updated", _("Consultation settings changed"), ORG),
    EventType("consultation.phase", _("Consultation phase changed"), ORG),
    EventType("consultation.charter_changed", _("Participation charter changed"), ORG),
    EventType("consultation.import_requested", _("Import of a file requested"), ORG),
    EventType("consultation.imported_csv", _("Contributions imported from a CSV file"), ORG),
    EventType("consultation.imported_polis", _("Conversation imported from Pol.is"), ORG),
    EventType("consultation.open_data_requested", _("Open-data archive requested"), ORG),
    EventType("consultation.answer_policy_set", _("Proposals that must be answered set"), ORG),
    EventType("question.added", _("Question added"), ORG),
    EventType("question.deleted", _("Question deleted"), ORG),
    EventType("question.required_changed", _("Question made required or optional"), ORG),
    EventType("proposal.submitted", _("Proposal submitted"), CIT),
    EventType("proposal.reported", _("Proposal reported"), CIT),
    # `moderation.moderate`: proposal.<decision>
    EventType("proposal.approve", _("Proposal published by moderation"), MOD),
    EventType("proposal.hide", _("Proposal hidden by moderation"), MOD),
    EventType("proposal.answer_recorded", _("Decision-makers' answer to a proposal recorded"), ORG),
    EventType("answer.milestone_done", _("Milestone of an answer to a proposal done"), ORG),
    EventType("answer.milestone_changed", _("Milestone of an answer to a proposal changed"), ORG),
]


def _consultation_name(consultation: Consultation) -> str:
    return gettext("Consultation “%(title)s”") % {"title": consultation.title}


def _proposal_name(proposal: Proposal) -> str:
    return gettext("Proposal no. %(n)s in “%(consultation)s”") % {
        "n": proposal.pk,
        "consultation": proposal.consultation.title,
    }


def _may_see_proposal(reader, proposal: Proposal) -> bool:
    """Its public page: the consultation's rule, and a proposal the public knows of (the page's 404
    otherwise)."""
    return rules.can_view(reader, proposal.consultation) and proposal.status in PUBLIC_STATUSES


def _proposal_url(proposal: Proposal) -> str:
    return reverse("consultation:proposal", args=[proposal.consultation.slug, proposal.pk])


def register_audit_events() -> None:
    register(*EVENT_TYPES)
    register_object_type(
        "consultation.consultation",
        describer_for(
            "consultation.consultation",
            load=lambda ids: Consultation.objects.filter(pk__in=ids),
            may_see=lambda reader, c: rules.can_manage(reader),  # its organisers' page
            name=_consultation_name,
            url=lambda c: reverse("consultation:manage", args=[c.slug]),
        ),
    )
    register_object_type(
        "consultation.proposal",
        describer_for(
            "consultation.proposal",
            load=lambda ids: Proposal.objects.filter(pk__in=ids).select_related("consultation"),
            may_see=_may_see_proposal,
            name=_proposal_name,
            url=_proposal_url,
        ),
    )
    register_object_type(
        "consultation.proposalanswer",
        describer_for(
            "consultation.proposalanswer",
            load=lambda ids: ProposalAnswer.objects.filter(pk__in=ids).select_related(
                "proposal__consultation"
            ),
            may_see=lambda reader, a: _may_see_proposal(reader, a.proposal),
            name=lambda a: (
                gettext("Answer to proposal no. %(n)s in “%(consultation)s”")
                % {"n": a.proposal_id, "consultation": a.proposal.consultation.title}
            ),
            url=lambda a: _proposal_url(a.proposal),
        ),
    )
    register_object_type(
        "consultation.question",
        describer_for(
            "consultation.question",
            load=lambda ids: Question.objects.filter(pk__in=ids).select_related("consultation"),
            may_see=lambda reader, q: rules.can_manage(reader),  # the questionnaire page
            name=lambda q: gettext("Question of “%(consultation)s”") % {"consultation": q.consultation.title},
            url=lambda q: reverse("consultation:questions", args=[q.consultation.slug]),
        ),
    )
