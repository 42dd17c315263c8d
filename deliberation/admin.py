from django.contrib import admin

from accounts.admin_records import AuditedAdmin, LifeCycleAdmin, RecordAdmin

from .models import (
    AgendaItem,
    DecisionMakerResponse,
    Document,
    Milestone,
    Panel,
    PanelMember,
    Quota,
    Recommendation,
    RecommendationVersion,
    Selection,
    Session,
    Volunteer,
)

# Ballot boxes and receipts are deliberately absent: nobody browses them one by one.


@admin.register(Panel)
class PanelAdmin(LifeCycleAdmin):
    list_display = ["title", "size", "threshold", "status", "created_at"]
    list_filter = ["status"]


@admin.register(Selection)
class SelectionAdmin(RecordAdmin):
    """A draw is public evidence (its lottery, seed commitment and result): shown, never edited here."""

    list_display = ["id", "panel", "status", "algorithm", "seed", "created_at"]


@admin.register(Recommendation)
class RecommendationAdmin(LifeCycleAdmin):
    list_display = ["title", "panel", "status", "votes_for", "votes_against", "votes_abstain"]
    list_filter = ["status"]
    counted_fields = ("votes_for", "votes_against", "votes_abstain")  # the sealed ballot box's tally


class WrittenByServicesAdmin(RecordAdmin):
    """What the product's own pages write through the services, which check the rules and audit each
    change: a session's end and check-in code (`services.end_session`, `reopen_session`), its agenda (the
    console), a volunteer's strata, consent and contact (volunteering, the pool import, erasure), the
    quotas (the management page, before the draw). Edited here, they would change with no rule checked and
    no audit event: shown, never added, changed or deleted."""


admin.site.register(PanelMember, LifeCycleAdmin)
for model in (Volunteer, Quota, Session, AgendaItem):
    admin.site.register(model, WrittenByServicesAdmin)
admin.site.register(Document, AuditedAdmin)  # a change here is recorded with who made it
# History: earlier versions of a text, and the answers the adoption rate is computed from.
for model in (RecommendationVersion, DecisionMakerResponse, Milestone):
    admin.site.register(model, RecordAdmin)
