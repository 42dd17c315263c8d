"""The pool of volunteers: a citizen joins or leaves it; the pools of closed panels are purged after the
retention time (GDPR storage limitation)."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.roles import Role
from accounts.services import get_profile

from .. import rules, selectors
from ..models import Panel, PanelMember, Volunteer
from ._common import DeliberationError, _require


def seated_member_leaves_message() -> str:
    """What a seated member who wants to leave is told (`withdraw_volunteering`, the withdrawal page)."""
    return _(
        "You have a seat on this panel: to leave it, tell the panel's facilitators, who will give your seat "
        "to a person from the reserve list."
    )


@transaction.atomic
def volunteer(
    *, user, panel: Panel, consent: bool, language: str = "", name: str = "", contact: str = ""
) -> Volunteer:
    """A citizen joins the pool; their profile strata are copied now, with their consent. `name` and
    `contact`, if given, are shown to those who run the panel only (the consent text says so)."""
    _require(rules.can_volunteer(user, panel))
    Panel.objects.select_for_update().get(pk=panel.pk)
    if rules.draw_running(panel):
        raise DeliberationError(_("The panel is being drawn right now: volunteering is closed."))
    if not consent:
        raise DeliberationError(
            _("Please confirm that your profile answers may be used to draw a representative panel.")
        )
    if Volunteer.objects.filter(panel=panel, user=user).exists():
        raise DeliberationError(_("You have already volunteered for this panel."))
    strata = get_profile(user).strata()
    person = Volunteer.objects.create(
        panel=panel, user=user, strata=strata, source=Volunteer.Source.ACCOUNT, consent_at=timezone.now(),
        language=language[:8], name=name.strip()[:200], contact=contact.strip()[:200],
    )  # fmt: skip
    # Which answers were copied, not their values: the log must not become a second profile store. Logged
    # against the panel, not the pool entry: the published lottery lists pool entries by id, and the log
    # outlives the pool (`purge_expired_pools`), so an entry's id here would tie an account to its draw.
    record_event(
        actor=user,
        as_role=Role.CITIZEN,
        action="panel.volunteered",
        obj=panel,
        details={
            "strata": sorted(strata),
            "name_given": bool(person.name),
            "contact_given": bool(person.contact),
        },
    )
    return person


@transaction.atomic
def withdraw_volunteering(*, user, panel: Panel) -> None:
    """A volunteer without a seat leaves the pool and withdraws their consent, at any time (GDPR): their
    answers and contact are deleted. After the draw, a reserve who left is passed over when a seat is
    filled (`replace_member`); the published draw record (seed, lottery, ranked reserves) is not edited.
    A seated member leaves through the facilitators, who give the seat to a reserve."""
    Panel.objects.select_for_update().get(pk=panel.pk)  # not while the draw seats the panel
    person = Volunteer.objects.filter(panel=panel, user=user).first()
    if person is None:
        raise DeliberationError(_("You are not in the pool of volunteers for this panel."))
    seat = person.memberships.first()
    if seat is not None and seat.status == PanelMember.Status.ACTIVE:
        raise DeliberationError(seated_member_leaves_message())
    if seat is not None:
        raise DeliberationError(
            _("You have already left this panel; your former seat stays in its public record.")
        )
    record_event(
        actor=user, as_role=Role.CITIZEN,
        action="panel.volunteering_withdrawn", obj=panel,  # not the entry: see `volunteer`
        details={"after_draw": rules.draw_is_final(panel)},
    )  # fmt: skip
    person.delete()


@dataclass(frozen=True)
class PoolPurge:
    panel_id: int
    title: str
    deleted: int  # volunteers who never had a seat, deleted with their profile answers
    members_cleared: int = 0  # seated members' rows whose contact details, address and import id were blanked


def purge_expired_pools(*, now=None, progress=None) -> list[PoolPurge]:
    """PACTE_POOL_RETENTION_DAYS after a panel is closed, delete the volunteers of its pool who never had
    a seat (not drawn, reserves never called, left out of the draw), with the profile answers, contact
    and address copied for that panel. Seated members, also those who left their seat, stay: the panel's
    composition is a public record. The public selection report and the re-run of the draw
    (`redraw`) read only the Selection row (seed, lottery over volunteer numbers, figures), never the
    Volunteer rows, so they are unchanged.

    At the same time the seated members' rows lose what the public record does not use
    (`selectors.MEMBER_FIELDS_CLEARED`: contact details, postal address, identifier in the organisers'
    file); their seat, strata, account link and notice language stay, so members with an account still
    hear what decision-makers answer (at the account's e-mail).

    One transaction and one audit event (`panel.pool_purged`, with the counts) per panel; a panel with
    nobody left to delete and no member's row left to clear is skipped without an event, so running it
    again changes nothing. `progress(done, total)` is called after each panel. Returns what was done, per
    panel."""
    now = now or timezone.now()
    panel_ids = list(selectors.expired_pools(now=now).values_list("pk", flat=True))
    purged = []
    for done, panel_id in enumerate(panel_ids, start=1):
        outcome = _purge_pool(panel_id=panel_id, now=now)
        if outcome is not None:
            purged.append(outcome)
        if progress is not None:
            progress(done, len(panel_ids))
    return purged


@transaction.atomic
def _purge_pool(*, panel_id: int, now) -> PoolPurge | None:
    panel = Panel.objects.select_for_update().filter(pk=panel_id).first()
    # Checked again under the lock: the panel may have been reopened (or deleted) meanwhile.
    closed_at = panel.closed_at if panel is not None and panel.status == Panel.Status.CLOSED else None
    if closed_at is None or closed_at > selectors.pool_retention_cutoff(now):
        return None
    deleted = 0
    doomed = selectors.unseated_volunteers(panel.pk)
    ids = list(doomed.select_for_update(of=("self",)).values_list("pk", flat=True))
    if ids:
        # Membership checked again in the DELETE itself, after the rows are locked: a volunteer given a
        # seat meanwhile is kept (and their seat with them).
        _total, by_model = doomed.filter(pk__in=ids).delete()
        deleted = by_model.get(Volunteer._meta.label, 0)
    members = selectors.members_to_clear(panel.pk)
    member_ids = list(members.select_for_update(of=("self",)).values_list("pk", flat=True))
    cleared = 0
    if member_ids:
        blank = dict.fromkeys(selectors.MEMBER_FIELDS_CLEARED, "")
        cleared = members.filter(pk__in=member_ids).update(**blank)
    # Why members left their seat, as the panel's team wrote it: not part of the public record either.
    reasons = PanelMember.objects.filter(panel=panel).exclude(drop_reason="").update(drop_reason="")
    if not deleted and not cleared and not reasons:
        return None
    record_event(
        actor=None, action="panel.pool_purged", obj=panel,
        details={"deleted": deleted, "members_cleared": cleared, "closed_at": panel.closed_at,
                 "retention_days": settings.PACTE_POOL_RETENTION_DAYS, "reasons_cleared": reasons},
    )  # fmt: skip
    return PoolPurge(panel_id=panel.pk, title=panel.title, deleted=deleted, members_cleared=cleared)
