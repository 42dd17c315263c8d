"""What the citizen panels hold about a person, for the GDPR export and erasure hooks of `accounts`.

Ballots are sealed counts with no identity (`ballot_box`): they are neither exported nor erasable per
person; the receipts say only that a seat voted."""

from datetime import UTC

from django.db.models.functions import TruncDay

from accounts.personal_data import Fate, Stage, register, register_staff_records

from .models import Amendment, Attendance, ErasedSeatStrata, PanelFacilitator, PanelMember, Quota, Volunteer


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


def _erase_amendments(user, keep_pseudonymous: bool) -> None:
    """Amendments still proposed are the person's own text: deleted unless kept under the pseudonym.
    Decided ones are part of the panel's record (an accepted one is in the recommendation's text)."""
    if not keep_pseudonymous:
        Amendment.objects.filter(proposed_by__volunteer__user=user, status=Amendment.Status.PROPOSED).delete()


def _erase_volunteerings(user, keep_pseudonymous: bool) -> None:
    """Contact details go; a seat already taken stays (the panel's composition and the selection report
    are public records) but no longer points at the person, nor holds anything about them.

    The audit log names the seat for the pseudonym (events written before it stopped doing so, and an
    amendment points at it), so the seat's pool entry keeps nothing that would tell who they are: its
    strata, consent time and notice language go, and the times that line up with the person's own audit
    events (the entry's creation, their check-ins) are kept to the day (UTC). What the reserve rule needs of a
    seat still held goes to the panel's anonymous counts (`ErasedSeatStrata`), tied to no seat."""
    mine = Volunteer.objects.filter(user=user)
    mine.filter(memberships__isnull=True).delete()
    for entry in mine.select_related("panel"):
        if entry.memberships.filter(status=PanelMember.Status.ACTIVE).exists() and entry.strata:
            _count_erased_seat(entry)
    # Why they left a seat, as the panel's team wrote it, may say something about them: it goes too (the
    # audit event of the replacement keeps it, append-only).
    PanelMember.objects.filter(volunteer__in=mine).update(drop_reason="")
    Attendance.objects.filter(member__volunteer__in=mine).update(
        checked_in_at=TruncDay("checked_in_at", tzinfo=UTC)
    )
    mine.update(
        user=None, name="", contact="", address="", external_id="", strata={}, consent_at=None,
        language="", created_at=TruncDay("created_at", tzinfo=UTC),
    )  # fmt: skip


def _count_erased_seat(entry: Volunteer) -> None:
    """Add the seat's answers for the panel's quota categories (all the reserve rule reads) to the
    panel's anonymous counts."""
    categories = set(Quota.objects.filter(panel_id=entry.panel_id).values_list("category", flat=True))
    record, _created = ErasedSeatStrata.objects.select_for_update().get_or_create(panel_id=entry.panel_id)
    record.seats += 1
    for category in sorted(categories):
        value = str(entry.strata.get(category, ""))
        by_value = record.counts.setdefault(category, {})
        by_value[value] = by_value.get(value, 0) + 1
    record.save()


_SEAT = "The seat of a drawn member (public composition): it points at a volunteer row whose link to the "
_SEAT += "person is cut."


def register_entries() -> None:
    register(
        "deliberation.Amendment",
        person="proposed_by__volunteer__user",
        handler=_erase_amendments,
        stage=Stage.FIRST,  # before the volunteer row stops pointing at the person
        erase=Fate.DELETE,
        pseudonymise=Fate.KEEP,
        why="Proposed amendments are deleted, or kept under the pseudonym; decided ones are the panel's "
        "record.",
    )
    register(
        "deliberation.Volunteer",
        person="user",
        handler=_erase_volunteerings,
        erase=Fate.BLANK,
        why="Pool entries without a seat go; a seat's entry stays for the public composition without the "
        "person, contact, address, import id, strata, consent time or notice language, its creation kept to "
        "the day; a seat still held gives its quota answers to the panel's anonymous counts "
        "(ErasedSeatStrata), for the reserve rule.",
    )
    register(
        "deliberation.PanelFacilitator",
        person="user",
        erase=Fate.DELETE,
        why="An erased account runs no panel.",
    )
    register(
        "deliberation.Panel.facilitators",
        by="deliberation.PanelFacilitator",
        erase=Fate.DELETE,
        why="The facilitators of a panel, through PanelFacilitator.",
    )
    for name in ("deliberation.PanelMember", "deliberation.BallotReceipt"):
        register(name, erase=Fate.KEEP, why=_SEAT)
    register(
        "deliberation.Attendance",
        erase=Fate.KEEP,
        why=_SEAT + " Its check-in time is kept to the day (deliberation.gdpr._erase_volunteerings).",
    )
    register(
        "deliberation.ErasedSeatStrata",
        erase=Fate.KEEP,
        why="Counts per panel of the quota answers of seats whose member was erased, tied to no seat.",
    )
    register(
        "deliberation.BallotBox",
        erase=Fate.KEEP,
        why="Sealed counts of an open vote: nothing about any person (docs/security.md, Secret ballots).",
    )
    register_staff_records(
        "deliberation.Panel.created_by",
        "deliberation.PanelFacilitator.assigned_by",
        "deliberation.Selection.created_by",
        "deliberation.Document.uploaded_by",
        "deliberation.RecommendationVersion.author",
        "deliberation.Amendment.decided_by",
        "deliberation.DecisionMakerResponse.recorded_by",
        work="the panel's work",
    )
