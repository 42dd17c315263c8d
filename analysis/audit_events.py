"""Broad listening's audit event types and how the audit console names its objects
(``accounts.event_types``; registered in ``AnalysisConfig.ready``)."""

from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from accounts.event_types import EventType, describer_for, register, register_object_type
from accounts.roles import PANEL_TEAM, Role
from consultation import rules as consultation_rules

from . import rules
from .models import PipelineRun, SynthesisVersion, ThemeAnswer

ORG = Role.ORGANISER
Action = SynthesisVersion.Action

EVENT_TYPES = [
    EventType("analysis.run_started", _("Analysis started"), ORG),
    # `services._new_version`: synthesis.<SynthesisVersion.Action> (the pipeline's own version is not audited)
    EventType(f"synthesis.{Action.RENAME}", _("Synthesis edited: theme renamed"), ORG),
    EventType(f"synthesis.{Action.MERGE}", _("Synthesis edited: themes merged"), ORG),
    EventType(f"synthesis.{Action.SPLIT}", _("Synthesis edited: theme split"), ORG),
    EventType(f"synthesis.{Action.HIDE}", _("Synthesis edited: theme hidden"), ORG),
    EventType(f"synthesis.{Action.SHOW}", _("Synthesis edited: theme shown again"), ORG),
    EventType(f"synthesis.{Action.MOVE}", _("Synthesis edited: contribution moved"), ORG),
    EventType(f"synthesis.{Action.SUMMARISE}", _("Synthesis edited: theme summary written"), ORG),
    EventType("synthesis.published", _("Synthesis published"), ORG),
    EventType("analysis.theme_links_suggested", _("Themes suggested for a recommendation"), PANEL_TEAM),
    EventType("analysis.theme_linked", _("Theme linked to a recommendation"), PANEL_TEAM),
    EventType("analysis.theme_unlinked", _("Theme unlinked from a recommendation"), PANEL_TEAM),
    EventType("theme.answer_recorded", _("Decision-makers' answer to a theme recorded"), ORG),
]


def _run_name(run: PipelineRun) -> str:
    return gettext("Analysis %(n)s of “%(consultation)s”") % {
        "n": run.pk,
        "consultation": run.consultation.title,
    }


def register_audit_events() -> None:
    register(*EVENT_TYPES)
    register_object_type(
        "analysis.pipelinerun",
        describer_for(
            "analysis.pipelinerun",
            load=lambda ids: PipelineRun.objects.filter(pk__in=ids).select_related("consultation"),
            may_see=lambda reader, run: rules.can_run_analysis(reader),
            name=_run_name,
            url=lambda run: reverse("analysis:run", args=[run.pk]),
        ),
    )
    register_object_type(
        "analysis.synthesisversion",
        describer_for(
            "analysis.synthesisversion",
            load=lambda ids: SynthesisVersion.objects.filter(pk__in=ids).select_related("run__consultation"),
            may_see=lambda reader, version: rules.can_edit_synthesis(reader),
            name=lambda v: (
                gettext("Version %(number)s of analysis %(n)s of “%(consultation)s”")
                % {"number": v.number, "n": v.run_id, "consultation": v.run.consultation.title}
            ),
            url=lambda v: reverse("analysis:editor", args=[v.run_id]),
        ),
        kind=_("Synthesis version"),
    )
    register_object_type(
        "analysis.themeanswer",
        describer_for(
            "analysis.themeanswer",
            load=lambda ids: ThemeAnswer.objects.filter(pk__in=ids).select_related(
                "theme__run__consultation"
            ),
            may_see=lambda reader, answer: consultation_rules.can_view(reader, answer.theme.run.consultation),
            name=lambda answer: (
                gettext("Answer to theme %(n)s of “%(consultation)s”")
                % {"n": answer.theme.number, "consultation": answer.theme.run.consultation.title}
            ),
            url=lambda answer: reverse("consultation:followup", args=[answer.theme.run.consultation.slug]),
        ),
    )
