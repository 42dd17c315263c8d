"""What the citizen panels hold about a person, for the GDPR export and erasure hooks of `accounts`.

Ballots are secret and hold no identity: they are neither exported nor erasable per person."""

from .models import Amendment, PanelFacilitator, PanelMember, Volunteer


def export(user) -> dict:
    volunteerings = (
        Volunteer.objects.filter(user=user).select_related("panel").prefetch_related("memberships")
    )
    return {
        "volunteerings": [
            {
                "panel": v.panel.title,
                "strata_copied": v.strata,
                "name_given": v.name,
                "contact_given": v.contact,
                "consent_at": v.consent_at.isoformat() if v.consent_at else None,
                "seats": [
                    {
                        "status": m.status,
                        "joined_at": m.joined_at.isoformat(),
                        "reason_for_leaving": m.drop_reason,
                    }
                    for m in v.memberships.all()
                ],
            }
            for v in volunteerings
        ],
        "amendments": [
            {"recommendation": a.recommendation.title, "text": a.text, "status": a.status}
            for a in Amendment.objects.filter(proposed_by__volunteer__user=user).select_related(
                "recommendation"
            )
        ],
        "panels_run": [
            {"panel": a.panel.title, "assigned_at": a.assigned_at.isoformat()}
            for a in PanelFacilitator.objects.filter(user=user).select_related("panel")
        ],
    }


def erase(user, keep_pseudonymous: bool) -> None:
    """Strata and contact details go; a seat already taken stays (the panel's composition and the
    selection report are public records) but no longer points at the person."""
    PanelFacilitator.objects.filter(user=user).delete()  # an erased account runs no panel
    mine = Volunteer.objects.filter(user=user)
    if not keep_pseudonymous:
        Amendment.objects.filter(proposed_by__volunteer__user=user, status=Amendment.Status.PROPOSED).delete()
    mine.filter(memberships__isnull=True).delete()
    # Why they left a seat, as the panel's team wrote it, may say something about them: it goes too (the
    # audit event of the replacement keeps it, append-only).
    PanelMember.objects.filter(volunteer__in=mine).update(drop_reason="")
    mine.update(user=None, name="", contact="", address="")
