from django.contrib import admin

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
class PanelAdmin(admin.ModelAdmin):
    list_display = ["title", "size", "threshold", "status", "created_at"]
    list_filter = ["status"]


@admin.register(Selection)
class SelectionAdmin(admin.ModelAdmin):
    list_display = ["id", "panel", "status", "algorithm", "seed", "created_at"]
    readonly_fields = [
        "probabilities",
        "portfolio",
        "drawn",
        "reserves",
        "composition",
        "seed",
        "reasons",
        "progress",
    ]


@admin.register(Recommendation)
class RecommendationAdmin(admin.ModelAdmin):
    list_display = ["title", "panel", "status", "votes_for", "votes_against", "votes_abstain"]
    list_filter = ["status"]


for model in (Volunteer, Quota, PanelMember, Session, AgendaItem, Document, RecommendationVersion,
              DecisionMakerResponse, Milestone):  # fmt: skip
    admin.site.register(model)
