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


admin.site.register(PanelMember, LifeCycleAdmin)
for model in (Volunteer, Quota, Session, AgendaItem, Document):
    admin.site.register(model, AuditedAdmin)  # a change here is recorded with who made it
# History: earlier versions of a text, and the answers the adoption rate is computed from.
for model in (RecommendationVersion, DecisionMakerResponse, Milestone):
    admin.site.register(model, RecordAdmin)
