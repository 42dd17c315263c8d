"""Writes that matter for citizen panels. Keyword-only, one transaction each, permission checked through
`rules.py`, audited with `record_event`. Bad input raises `DeliberationError` (a ValidationError with a
translated message): views show it, nothing already saved is lost."""

import csv
import io
import secrets
from dataclasses import dataclass, field
from datetime import date

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts import outbox
from accounts.audit import record_event
from accounts.errors import ServiceError
from accounts.roles import Role
from accounts.services import get_profile
from textsafety.normalise import normalises_text

from .. import ballot_box, rules, selectors
from ..draw_messages import LIBRARY_LANGUAGE, draw_is_final_message
from ..models import (
    AgendaItem,
    Amendment,
    Attendance,
    BallotBox,
    BallotChoice,
    BallotReceipt,
    DecisionMakerResponse,
    Document,
    Milestone,
    Panel,
    PanelFacilitator,
    PanelMember,
    Quota,
    Recommendation,
    RecommendationVersion,
    Selection,
    Session,
    Volunteer,
)
from ..strata import (
    PROFILE_VALUES,
    REFERENCE_TO_PROFILE,
    category_label,
    population_margins,
    profile_value,
    stratum_label,
)


class DeliberationError(ServiceError):
    """Bad input or a step taken at the wrong time; the message is translated and meant for the page."""


class SortitionRefusal(DeliberationError):
    """A refusal the sortition core explains: `message` in the reader's language, `explanation` the core's
    own text as it is (English, `draw_messages.LIBRARY_LANGUAGE`), kept apart so a page can mark it."""

    def __init__(self, message: str, explanation: str) -> None:
        super().__init__(message)
        self.explanation = explanation
        self.explanation_lang = LIBRARY_LANGUAGE


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


def _record_by_panel_team(*, actor, action: str, obj=None, details: dict | None = None) -> None:
    """Record a step taken by someone who runs the panel, under the role they act in (organiser or
    facilitator: `rules.acting_role`), which is how public pages name them."""
    record_event(actor=actor, as_role=rules.acting_role(actor), action=action, obj=obj, details=details)


def seated_member_leaves_message() -> str:
    """What a seated member who wants to leave is told (`withdraw_volunteering`, the withdrawal page)."""
    return _(
        "You have a seat on this panel: to leave it, tell the panel's facilitators, who will give your seat "
        "to a person from the reserve list."
    )


def _refuse_pool_changes_while_drawing(panel: Panel) -> None:
    """Lock the panel (start_selection locks it too) and refuse while a draw reads the pool and quotas."""
    Panel.objects.select_for_update().get(pk=panel.pk)
    if rules.draw_running(panel):
        raise DeliberationError(
            _("A draw is running for this panel: the pool and the quotas cannot change until it has ended.")
        )


def load_sortition():
    """The pure sortition core, imported lazily so the rest of the app works while it is absent."""
    try:
        from .. import sortition
    except ImportError as error:
        raise DeliberationError(_("The sortition module is not installed on this server.")) from error
    return sortition


# --------------------------------------------------------------------------------------------------
# Panels, volunteers, quotas
# --------------------------------------------------------------------------------------------------


@normalises_text
@transaction.atomic
def create_panel(
    *, actor, title: str, description: str = "", topic: str = "", size: int = 30,
    threshold: str = Panel.Threshold.MAJORITY, household_rule: bool = True, consultation=None,
) -> Panel:  # fmt: skip
    _require(rules.can_organise(actor))
    panel = Panel.objects.create(
        title=title, description=description, topic=topic, size=size, threshold=threshold,
        household_rule=household_rule, consultation=consultation, created_by=actor,
    )  # fmt: skip
    details = {"size": size, "threshold": threshold, "consultation": getattr(consultation, "pk", None)}
    record_event(actor=actor, as_role=Role.ORGANISER, action="panel.created", obj=panel, details=details)
    return panel


@transaction.atomic
def link_consultation(*, actor, panel: Panel, consultation) -> Panel:
    """Attach the panel to the consultation it deliberates for (or detach it with None). The panel's
    page links to the consultation and the consultation's page lists its panels."""
    _require(rules.can_organise(actor))
    before = panel.consultation_id
    panel.consultation = consultation
    panel.save(update_fields=["consultation"])
    record_event(
        actor=actor, as_role=Role.ORGANISER, action="panel.consultation_linked", obj=panel,
        details={"from": before, "to": consultation.pk if consultation else None},
    )  # fmt: skip
    return panel


@transaction.atomic
def set_panel_status(*, actor, panel: Panel, status: str) -> Panel:
    """Move the panel along. Not while a draw runs (the draw sets the status when it ends). Once its draw
    is committed it never goes back to preparation or recruiting: a committed draw is final (no second
    draw), seats are filled from the reserve list."""
    _require(rules.can_organise(actor))
    locked = Panel.objects.select_for_update().get(pk=panel.pk)
    status = Panel.Status(status)
    if rules.draw_running(panel):
        raise DeliberationError(
            _("A draw is running: the panel's status changes when it ends (to “Panel drawn” when it seats "
              "the panel).")
        )  # fmt: skip
    if status not in rules.settable_statuses(panel) and not rules.draw_is_final(panel):
        raise DeliberationError(
            _("This panel has not been drawn: it becomes “%(status)s” once its draw seats the panel. Run "
              "the draw from the panel's management page.") % {"status": status.label}
        )  # fmt: skip
    if status not in rules.settable_statuses(panel):
        raise DeliberationError(
            _("This panel has been drawn and a committed draw is final: it cannot go back to “%(status)s”. "
              "A seat left empty is filled from the reserve list.") % {"status": status.label}
        )  # fmt: skip
    before = panel.status
    panel.status = status
    # The pool's retention time runs from the closing (`purge_expired_pools`); closing again an already
    # closed panel does not restart it, reopening the panel stops it.
    if status == Panel.Status.CLOSED:
        already_closed = locked.status == Panel.Status.CLOSED and locked.closed_at is not None
        panel.closed_at = locked.closed_at if already_closed else timezone.now()
    else:
        panel.closed_at = None
    panel.save(update_fields=["status", "closed_at"])
    record_event(
        actor=actor,
        as_role=Role.ORGANISER,
        action="panel.status",
        obj=panel,
        details={"from": before, "to": status.value},
    )
    return panel


@transaction.atomic
def assign_facilitator(*, actor, panel: Panel, user) -> PanelFacilitator:
    """From now on `user` runs this panel with the organisers (see `rules.can_run_panel`)."""
    _require(rules.can_organise(actor))
    if not rules.can_be_assigned(user):
        raise DeliberationError(
            _("%(person)s does not have the facilitator role: grant it first.") % {"person": user.email}
        )
    assignment, created = PanelFacilitator.objects.get_or_create(
        panel=panel, user=user, defaults={"assigned_by": actor}
    )
    if not created:
        raise DeliberationError(_("%(person)s already runs this panel.") % {"person": user.email})
    record_event(
        actor=actor,
        as_role=Role.ORGANISER,
        action="panel.facilitator_assigned",
        obj=panel,
        details={"facilitator": user.pk},
    )
    return assignment


@transaction.atomic
def unassign_facilitator(*, actor, panel: Panel, user) -> None:
    """The facilitator no longer runs this panel; what they did on it stays (and in the audit log)."""
    _require(rules.can_organise(actor))
    deleted, _by_model = PanelFacilitator.objects.filter(panel=panel, user=user).delete()
    if not deleted:
        raise DeliberationError(_("%(person)s does not run this panel.") % {"person": user.email})
    record_event(
        actor=actor,
        as_role=Role.ORGANISER,
        action="panel.facilitator_unassigned",
        obj=panel,
        details={"facilitator": user.pk},
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


# --------------------------------------------------------------------------------------------------
# Retention of the volunteer pools (GDPR storage limitation)
# --------------------------------------------------------------------------------------------------


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


@dataclass(frozen=True)
class ImportProblem:
    """A line of the file not imported: its number in the file, the column and the value at fault (empty when
    the whole line is), and what is wrong, in the reader's language."""

    line: int
    problem: str
    column: str = ""
    value: str = ""


@dataclass
class ImportReport:
    created: int = 0
    errors: list[ImportProblem] = field(default_factory=list)
    # Lines whose id was already in the pool with the same values: a corrected file sent again leaves them.
    already_in_pool: int = 0


RESERVED_COLUMNS = {"id", "name", "contact", "address"}


def _read_csv(text: str) -> csv.DictReader:
    text = text.lstrip("\ufeff")
    first_line = text.split("\n", 1)[0]
    # French spreadsheets save with ";"; the header tells which separator the file uses.
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return csv.DictReader(io.StringIO(text), delimiter=delimiter)


def _unknown_profile_value(cells: dict[str, str], columns: list[str]) -> tuple[str, str]:
    """The column and the message when a profile stratum column (age_band, gender, region, education,
    socio_professional) holds no value of that question: quotas and citizens' profiles use these values,
    so a value they never match would leave the person out of every quota. Other columns stay free."""
    for name in columns:
        if name in PROFILE_VALUES and profile_value(name, cells[name]) is None:
            accepted = ", ".join(slug for slug, _label in PROFILE_VALUES[name])
            return name, _("not a value of this question; accepted values: %(accepted)s") % {
                "accepted": accepted
            }
    return "", ""


def _line_problem(cells: dict[str, str], strata_columns: list[str], seen: set[str]) -> ImportProblem | None:
    """What is wrong with one line (its number is set by the caller), or None."""
    ext_id = cells["id"]
    missing = [name for name in strata_columns if not cells[name]]
    if not ext_id:
        return ImportProblem(0, _("the id is empty"), "id")
    if ext_id in seen:
        return ImportProblem(0, _("id %(id)s appears twice") % {"id": ext_id}, "id", ext_id)
    if len(ext_id) > 64:
        return ImportProblem(0, _("the id is longer than 64 characters"), "id", ext_id)
    if missing:
        return ImportProblem(
            0, _("no value for %(columns)s") % {"columns": ", ".join(missing)}, ", ".join(missing)
        )
    column, unknown = _unknown_profile_value(cells, strata_columns)
    if unknown:
        return ImportProblem(0, unknown, column, cells[column])
    return None


@normalises_text
@transaction.atomic
def import_volunteers(*, actor, panel: Panel, text: str) -> ImportReport:
    """Import `id, contact, <strata columns...>, [address]`. Good rows are kept, bad ones reported with
    their line number in the file, column and value. A line whose id is already in the pool with the same
    values is left as it is (counted), so the file can be sent again once its refused lines are corrected;
    with other values it is refused."""
    _require(rules.can_edit_selection_inputs(actor, panel))
    _refuse_pool_changes_while_drawing(panel)
    reader = _read_csv(text)
    header = [(name or "").strip() for name in (reader.fieldnames or [])]
    if "id" not in header:
        raise DeliberationError(_("The file must have a header line with an 'id' column."))
    reader.fieldnames = header
    strata_columns = [name for name in header if name and name not in RESERVED_COLUMNS]
    if not strata_columns:
        raise DeliberationError(_("The file has no strata column (e.g. gender, age_band, region)."))
    report = ImportReport()
    in_pool = {v.external_id: v for v in Volunteer.objects.filter(panel=panel).exclude(external_id="")}
    seen: set[str] = set()  # ids of this file's lines imported or found in the pool
    for row in reader:
        line = reader.line_num
        if None in row:  # more cells than header columns
            report.errors.append(
                ImportProblem(line, _("more values than columns"), value=";".join(row[None]))
            )
            continue
        if any(value is None for value in row.values()):
            report.errors.append(ImportProblem(line, _("fewer values than columns")))
            continue
        cells = {key: value.strip() for key, value in row.items()}
        if not any(cells.values()):
            continue  # blank line
        ext_id = cells["id"]
        problem = _line_problem(cells, strata_columns, seen)
        if problem is None:
            strata = {
                name: profile_value(name, cells[name]) if name in PROFILE_VALUES else cells[name]
                for name in strata_columns
            }
            contact, address = cells.get("contact", "")[:200], cells.get("address", "")[:300]
            name = cells.get("name", "")[:200]
            earlier = in_pool.get(ext_id)
            if earlier is not None and (earlier.strata, earlier.name, earlier.contact, earlier.address) == (
                strata, name, contact, address
            ):  # fmt: skip
                seen.add(ext_id)
                report.already_in_pool += 1
                continue
            if earlier is not None:
                problem = ImportProblem(
                    0, _("id %(id)s is already in the pool with other values") % {"id": ext_id}, "id", ext_id
                )
        if problem is not None:
            report.errors.append(ImportProblem(line, problem.problem, problem.column, problem.value))
            continue
        seen.add(ext_id)
        Volunteer.objects.create(
            panel=panel, external_id=ext_id, name=name, contact=contact, strata=strata, address=address,
            source=Volunteer.Source.IMPORT,
        )  # fmt: skip
        report.created += 1
    record_event(
        actor=actor, as_role=Role.ORGANISER, action="panel.volunteers_imported", obj=panel,
        details={"created": report.created, "already_in_pool": report.already_in_pool,
                 "rejected_lines": [problem.line for problem in report.errors]},
    )  # fmt: skip
    return report


@dataclass(frozen=True)
class QuotaInput:
    category: str
    value: str
    min: int
    max: int


def _quota_problems(panel: Panel, quotas: list[QuotaInput]) -> list[str]:
    """Each problem names the stratum in words (`strata.stratum_label`), as the quotas table shows it."""
    problems = []
    seen = set()
    for quota in quotas:
        named = stratum_label(quota.category, quota.value)
        if (quota.category, quota.value) in seen:
            problems.append(_("%(stratum)s is given twice.") % {"stratum": named})
        seen.add((quota.category, quota.value))
        if quota.min < 0 or quota.max < quota.min:
            problems.append(
                _("%(stratum)s: the minimum must be between 0 and the maximum.") % {"stratum": named}
            )
    for category in sorted({q.category for q in quotas}):
        total_min = sum(q.min for q in quotas if q.category == category)
        if total_min > panel.size:
            problems.append(
                _("%(c)s: the minimums add up to %(n)s, more than the panel size %(size)s.")
                % {"c": category_label(category).capitalize(), "n": total_min, "size": panel.size}
            )
    return problems


@transaction.atomic
def replace_quotas(*, actor, panel: Panel, quotas: list[QuotaInput]) -> list[Quota]:
    """Replace the panel's quotas as a whole (the edit form shows them all); refused with every problem
    listed when they cannot be right whatever the pool."""
    _require(rules.can_edit_selection_inputs(actor, panel))
    _refuse_pool_changes_while_drawing(panel)
    problems = _quota_problems(panel, quotas)
    if problems:
        raise DeliberationError(problems)
    panel.quotas.all().delete()
    created = Quota.objects.bulk_create(
        Quota(panel=panel, category=q.category, value=q.value, min=q.min, max=q.max) for q in quotas
    )
    record_event(
        actor=actor, as_role=Role.ORGANISER, action="panel.quotas_set", obj=panel,
        details={"quotas": [[q.category, q.value, q.min, q.max] for q in quotas]},
    )  # fmt: skip
    return created


def propose_quotas(*, actor, panel: Panel, categories: list[str] | None = None) -> list[Quota]:
    """Quotas bracketing the French reference population shares for this panel size, in the profile's
    values; values the reference does not count (e.g. gender "other") get 0 to panel size."""
    sortition = load_sortition()
    margins = population_margins()  # the reference shares, already in profile values
    proposed = []
    for category, _mapping in REFERENCE_TO_PROFILE.values():
        if categories is not None and category not in categories:
            continue
        by_value = {}
        for quota in sortition.propose_quotas({category: margins.get(category, {})}, panel.size):
            value = str(quota.value)
            by_value[value] = QuotaInput(category, value, quota.min, quota.max)
        for value, _label in PROFILE_VALUES[category]:
            by_value.setdefault(str(value), QuotaInput(category, str(value), 0, panel.size))
        proposed.extend(by_value.values())
    return replace_quotas(actor=actor, panel=panel, quotas=proposed)


# --------------------------------------------------------------------------------------------------
# Selection
# --------------------------------------------------------------------------------------------------


@transaction.atomic
def start_selection(*, actor, panel: Panel, seed: str = "", algorithm: str = "") -> Selection:
    """Record the seed and enqueue the selection task (after commit: the task reads the committed rows).
    Refused once a draw is committed (it is final); allowed again after a run that failed."""
    _require(rules.can_organise(actor))
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    if rules.draw_is_final(panel):
        raise DeliberationError(draw_is_final_message())
    _require(rules.can_run_selection(actor, panel))
    sortition = load_sortition()
    if rules.draw_running(panel):
        raise DeliberationError(_("A selection is already running for this panel."))
    pool = panel.volunteers.count()
    if pool < panel.size:
        raise DeliberationError(
            _("The pool has %(pool)s volunteers, fewer than the panel size %(size)s: recruit more volunteers "
              "or reduce the panel.") % {"pool": pool, "size": panel.size}
        )  # fmt: skip
    if not panel.quotas.exists():
        raise DeliberationError(_("Set the quotas before drawing the panel."))
    algorithm = algorithm or sortition.default_algorithm()
    if algorithm not in sortition.ALGORITHMS:
        raise DeliberationError(_("Unknown algorithm."))
    seed = seed.strip() or sortition.new_seed()
    selection = Selection.objects.create(
        panel=panel, seed=seed, seed_commitment=sortition.commitment(seed), algorithm=algorithm,
        created_by=actor,
    )  # fmt: skip
    # Only the commitment (SHA-256 of the seed) is recorded before the draw; the seed is revealed with
    # the drawn panel (`selection.drawn`), so anyone can check it is the seed committed to.
    record_event(
        actor=actor, as_role=Role.ORGANISER, action="selection.started", obj=selection,
        details={"seed_commitment": selection.seed_commitment, "algorithm": algorithm, "panel": panel.pk},
    )  # fmt: skip
    from ..tasks import run_selection

    outbox.enqueue(run_selection, selection.pk)
    return selection


def selection_inputs(selection: Selection):
    """The volunteers and quotas handed to the sortition core, and the volunteers left out (no answer
    for a quota category) with the reason."""
    sortition = load_sortition()
    quotas = [sortition.Quota(q.category, q.value, q.min, q.max) for q in selection.panel.quotas.all()]
    categories = sorted({q.category for q in quotas})
    people, excluded = [], []
    for person in selection.panel.volunteers.order_by("id"):
        missing = [c for c in categories if not person.strata.get(c)]
        if missing:
            excluded.append({"volunteer": person.pk, "missing": missing})
            continue
        people.append(
            sortition.Volunteer(
                id=str(person.pk),
                strata={c: str(person.strata[c]) for c in categories},
                household=person.address or None,
            )
        )
    return people, quotas, excluded


def set_selection_progress(*, selection_id: int, progress: dict) -> None:
    """Not audited: progress notes are transient and written from inside the running task. `progress` is a
    code with values (`deliberation.draw_messages`), worded in the reader's language when shown, whatever the
    language of the worker. A selection that has ended meanwhile (abandoned by an organiser,
    `abandon_selection`) is left as it is: a worker that comes back never makes it "running" again."""
    Selection.objects.filter(
        pk=selection_id, status__in=[Selection.Status.QUEUED, Selection.Status.RUNNING]
    ).update(status=Selection.Status.RUNNING, progress=progress, progress_message="")


@transaction.atomic
def record_selection_failure(*, selection_id: int, reasons: list[dict]) -> None:
    """The run ends as failed with `reasons`: codes with values (`deliberation.draw_messages`), worded in
    the reader's language when shown, whatever the language of the worker recording them. A selection that
    has already ended (e.g. abandoned by an organiser while its worker was still alive) keeps its outcome
    and its reason."""
    selection = Selection.objects.select_for_update().get(pk=selection_id)
    if selection.status in (Selection.Status.DONE, Selection.Status.FAILED):
        return
    selection.status = Selection.Status.FAILED
    selection.reasons = reasons
    selection.progress, selection.progress_message = {}, ""
    selection.finished_at = timezone.now()
    selection.save(update_fields=["status", "reasons", "progress", "progress_message", "finished_at"])
    record_event(actor=None, action="selection.failed", obj=selection, details={"reasons": reasons})


@transaction.atomic
def abandon_selection(*, actor, selection: Selection) -> Selection:
    """An organiser gives up a draw left "queued" or "running" for longer than
    `PACTE_SELECTION_STALE_MINUTES` (its worker died, or the broker lost its message): it ends as failed
    with the reason, nobody is seated, and the panel can be drawn again. Should the task come back, its
    result is refused (`record_selection_result`, `set_selection_progress`)."""
    _require(rules.can_organise(actor))
    Panel.objects.select_for_update().get(pk=selection.panel_id)  # the order record_selection_result locks
    selection = Selection.objects.select_for_update().get(pk=selection.pk)
    if selection.status not in (Selection.Status.QUEUED, Selection.Status.RUNNING):
        raise DeliberationError(_("This draw has already ended: there is nothing to abandon."))
    now = timezone.now()
    if not rules.can_abandon_selection(actor, selection, now=now):
        raise DeliberationError(
            _("This draw may still be running: it can be abandoned from %(when)s on, when it has given no "
              "result for %(minutes)s minutes.")
            % {"when": date_format(timezone.localtime(rules.selection_stale_since(selection)),
                                   "SHORT_DATETIME_FORMAT"),
               "minutes": settings.PACTE_SELECTION_STALE_MINUTES}
        )  # fmt: skip
    before = selection.status
    selection.status = Selection.Status.FAILED
    # Worded when shown, in the reader's language (not the organiser's who abandons it); the public report
    # names the role, only the console the person.
    selection.reasons = [
        {"code": "abandoned", "role": Role.ORGANISER.value, "person": actor.pseudonym,
         "minutes": int((now - selection.created_at).total_seconds() // 60)}
    ]  # fmt: skip
    selection.progress, selection.progress_message = {}, ""
    selection.finished_at = now
    selection.save(update_fields=["status", "reasons", "progress", "progress_message", "finished_at"])
    record_event(
        actor=actor, as_role=Role.ORGANISER, action="selection.abandoned", obj=selection,
        details={"status": before, "started_at": selection.created_at,
                 "stale_minutes": settings.PACTE_SELECTION_STALE_MINUTES},
    )  # fmt: skip
    return selection


def refuse_second_draw(*, selection_id: int) -> bool:
    """For the task, before it runs the solver: a selection of a panel whose draw is already committed
    (a redelivered or stray run) ends as failed, with the reason on the page. True when refused."""
    selection = Selection.objects.select_related("panel").get(pk=selection_id)
    if not rules.draw_is_final(selection.panel):
        return False
    record_selection_failure(selection_id=selection_id, reasons=[{"code": "draw_is_final"}])
    return True


@transaction.atomic
def record_selection_result(*, selection_id: int, result, excluded: list[dict]) -> Selection:
    """Store what the sortition core returned (a `SelectionResult`) and seat the drawn panel. Refused (the
    run ends as failed, nothing seated) when the panel already has a committed draw, or when someone drawn
    left the pool while the run was going on."""
    panel_id = Selection.objects.values_list("panel_id", flat=True).get(pk=selection_id)
    Panel.objects.select_for_update().get(pk=panel_id)  # one draw committed at a time
    selection = Selection.objects.select_for_update().select_related("panel").get(pk=selection_id)
    panel = selection.panel
    if selection.status in (Selection.Status.DONE, Selection.Status.FAILED):
        # Already recorded, or abandoned by an organiser (`abandon_selection`): a late result seats nobody.
        if selection.status == Selection.Status.FAILED:
            record_event(actor=None, action="selection.late_result_refused", obj=selection)
        return selection
    if rules.draw_is_final(panel):
        record_selection_failure(selection_id=selection_id, reasons=[{"code": "draw_is_final"}])
        selection.refresh_from_db()
        return selection
    volunteers = {str(v.pk): v for v in panel.volunteers.filter(pk__in=[int(i) for i in result.panel])}
    gone = [vid for vid in result.panel if vid not in volunteers]
    if gone:
        reasons = [{"code": "pool_changed", "n": len(gone)}]
        record_selection_failure(selection_id=selection_id, reasons=reasons)
        selection.refresh_from_db()
        return selection
    selection.probabilities = dict(result.probabilities)
    selection.drawn = list(result.panel)
    selection.reserves = list(result.reserves)
    selection.composition = [
        {"category": o.category, "value": o.value, "min": o.min, "max": o.max, "achieved": o.achieved,
         "in_pool": o.in_pool}
        for o in result.composition
    ]  # fmt: skip
    selection.quotas_used = [[o.category, o.value, o.min, o.max] for o in result.composition]
    selection.excluded = excluded
    selection.min_probability = result.min_probability
    selection.median_probability = result.median_probability
    selection.pool_size = len(result.probabilities)
    selection.status = Selection.Status.DONE
    selection.progress, selection.progress_message = {}, ""
    selection.finished_at = timezone.now()
    selection.save()
    seated = PanelMember.objects.bulk_create(
        PanelMember(panel=panel, volunteer=volunteers[vid], selection=selection) for vid in result.panel
    )
    _tell_seated([member.pk for member in seated])
    not_drawn = _tell_not_drawn(selection)
    panel.status = Panel.Status.SELECTED
    panel.save(update_fields=["status"])
    record_event(
        actor=None, action="selection.drawn", obj=selection,
        details={"seed": selection.seed, "panel": selection.drawn, "reserves": len(selection.reserves),
                 "min_probability": result.min_probability, "median_probability": result.median_probability,
                 "told_not_drawn": not_drawn},
    )  # fmt: skip
    return selection


def _tell_panel(kind: str, object_id: int) -> None:
    """Once committed, e-mail the panel's members (deliberation.notifications.PANEL_NOTICES)."""
    from ..tasks import notify_panel

    outbox.enqueue(notify_panel, kind, object_id)


def _tell_seated(member_ids: list[int]) -> None:
    """Once the seats are committed, e-mail each person drawn (deliberation.notifications)."""
    from ..tasks import send_seat_notice

    for member_id in member_ids:
        outbox.enqueue(send_seat_notice, member_id)


def _tell_not_drawn(selection: Selection) -> int:
    """Every volunteer of the pool left without a seat, and not told after an earlier draw, is marked as
    told after this one (one UPDATE, whatever the pool's size); once committed, one task tells each of
    them (deliberation.notifications.send_not_drawn_notice). Returns how many were marked."""
    from ..tasks import notify_not_drawn

    marked = Volunteer.objects.filter(
        panel_id=selection.panel_id, memberships__isnull=True, told_not_drawn_in__isnull=True
    ).update(told_not_drawn_in=selection)
    if marked:
        outbox.enqueue(notify_not_drawn, selection.pk)
    return marked


@transaction.atomic
def publish_lottery(*, selection_id: int, document: dict) -> Selection | None:
    """Before the draw: store the lottery document (`deliberation.lottery.document`) and its SHA-256, and
    record both in the audit log (hash-chained), so that the lottery is fixed before the seed is revealed.
    None when the run has ended meanwhile (abandoned): nothing is published then."""
    from .. import lottery

    selection = Selection.objects.select_for_update().get(pk=selection_id)
    if selection.status in (Selection.Status.DONE, Selection.Status.FAILED):
        return None
    selection.lottery = document
    selection.lottery_sha256 = lottery.document_sha256(document)
    selection.lottery_published_at = timezone.now()
    selection.save(update_fields=["lottery", "lottery_sha256", "lottery_published_at"])
    record_event(
        actor=None, action="selection.lottery_published", obj=selection,
        details={"lottery_sha256": selection.lottery_sha256, "seed_commitment": selection.seed_commitment,
                 "compositions": len(document["compositions"]), "groups": len(document["groups"])},
    )  # fmt: skip
    return selection


def lottery_file(selection: Selection) -> bytes:
    """The published lottery, byte for byte as hashed (`lottery_sha256`)."""
    from .. import lottery

    return lottery.canonical_bytes(selection.lottery)


def redraw(selection: Selection) -> tuple[str, ...]:
    """Re-run the public draw from the stored seed and lottery (or, for draws recorded before lotteries
    had groups, the stored portfolio); anyone gets the same panel. Refuses a lottery whose bytes no
    longer match the published SHA-256, or a seed that does not match its commitment."""
    sortition = load_sortition()
    if not selection.lottery:
        return tuple(sortition.draw([(members, p) for members, p in selection.portfolio], selection.seed))
    from .. import lottery

    if lottery.document_sha256(selection.lottery) != selection.lottery_sha256:
        raise DeliberationError(_("The stored lottery does not match its published SHA-256."))
    if lottery.commitment(selection.seed) != selection.lottery.get("seed_commitment"):
        raise DeliberationError(_("The seed does not match the commitment published before the draw."))
    try:
        return lottery.draw(lottery.from_document(selection.lottery), selection.seed)
    except lottery.LotteryError as error:
        message = _("The stored lottery cannot be read: %(error)s") % {"error": error}
        raise DeliberationError(message) from error


def replacement_reason_required_message() -> str:
    return _("Say why this member leaves the panel: the reason is recorded with the replacement.")


@normalises_text
@transaction.atomic
def replace_member(*, actor, member: PanelMember, reason: str) -> PanelMember:
    """A member withdraws: the first reserve whose arrival keeps every quota takes the seat. The only way a
    seat is filled after the draw (a committed draw is final). A reserve who has since left the pool
    (`withdraw_volunteering`, or an erased account) is no longer among the volunteers handed to the
    sortition core, which passes over their id: they are never called, and the recorded ranking is left
    as drawn."""
    _require(rules.can_run_panel(actor, member.panel))
    reason = reason.strip()
    if not reason:
        raise DeliberationError(replacement_reason_required_message())
    sortition = load_sortition()
    # The panel first, as the draw and the pool purge lock it: a reserve is not deleted while seated.
    panel = Panel.objects.select_for_update().get(pk=member.panel_id)
    if panel.status == Panel.Status.CLOSED:
        raise DeliberationError(_("This panel is closed: its seats no longer change."))
    member = PanelMember.objects.select_for_update().select_related("selection", "panel").get(pk=member.pk)
    if member.status != PanelMember.Status.ACTIVE:
        raise DeliberationError(_("This member has already withdrawn."))
    selection = Selection.objects.select_for_update().get(pk=member.selection_id)
    people, quotas, _excluded = selection_inputs(selection)
    seated = [str(v) for v in member.panel.members.filter(status=PanelMember.Status.ACTIVE).values_list(
        "volunteer_id", flat=True)]  # fmt: skip
    try:
        replacement = sortition.replace_dropout(
            seated,
            str(member.volunteer_id),
            list(selection.reserves),
            people,
            quotas,
            member.panel.household_rule,
        )
    except sortition.SortitionError as error:
        # The core explains in English (it names the strata and the volunteer): kept apart from our
        # translated sentence, so the page shows it marked as English.
        raise SortitionRefusal(
            _("No reserve can take this seat while keeping every quota. The sortition library explains why:"),
            str(error),
        ) from error
    newcomer = PanelMember.objects.create(
        panel=member.panel, volunteer_id=int(replacement.replacement_id), selection=selection
    )
    _tell_seated([newcomer.pk])
    member.status = PanelMember.Status.DROPPED
    member.dropped_at = timezone.now()
    member.replaced_by = newcomer
    member.drop_reason = reason[:300]
    member.save(update_fields=["status", "dropped_at", "replaced_by", "drop_reason"])
    selection.reserves = list(replacement.reserves)
    selection.save(update_fields=["reserves"])
    _record_by_panel_team(
        actor=actor, action="selection.replaced", obj=selection,
        details={"dropped": member.volunteer_id, "replacement": newcomer.volunteer_id,
                 "reason": reason[:300]},
    )  # fmt: skip
    return newcomer


# --------------------------------------------------------------------------------------------------
# Sessions
# --------------------------------------------------------------------------------------------------


@normalises_text
@transaction.atomic
def schedule_session(
    *, actor, panel: Panel, title: str, starts_at, place: str = "", video_link: str = ""
) -> Session:
    _require(rules.can_run_panel(actor, panel))
    if not place and not video_link:
        raise DeliberationError(_("Give a place or a video link."))
    session = Session.objects.create(
        panel=panel, title=title, starts_at=starts_at, place=place, video_link=video_link
    )
    _record_by_panel_team(
        actor=actor,
        action="session.scheduled",
        obj=session,
        details={"panel": panel.pk},
    )
    _tell_panel("session", session.pk)
    return session


@normalises_text
@transaction.atomic
def add_agenda_item(*, actor, session: Session, title: str, kind: str, duration_minutes: int) -> AgendaItem:
    _require(rules.can_run_panel(actor, session.panel))
    last = session.agenda.aggregate(last=Max("order"))["last"] or 0
    item = AgendaItem.objects.create(
        session=session,
        order=last + 1,
        title=title,
        kind=AgendaItem.Kind(kind),
        duration_minutes=duration_minutes,
    )
    _record_by_panel_team(actor=actor, action="session.agenda_item_added", obj=item)
    return item


def _locked_item(session: Session, item: AgendaItem) -> AgendaItem:
    item = AgendaItem.objects.select_for_update().filter(pk=item.pk, session_id=session.pk).first()
    if item is None:
        raise DeliberationError(_("This agenda item is no longer on the agenda (it may have been removed)."))
    return item


@normalises_text
@transaction.atomic
def edit_agenda_item(
    *, actor, session: Session, item: AgendaItem, title: str, kind: str, duration_minutes: int
) -> AgendaItem:
    """Correct an item's title, kind or duration (also of the running item: its countdown follows)."""
    _require(rules.can_edit_agenda(actor, session))
    item = _locked_item(session, item)
    before = {"title": item.title, "kind": item.kind, "duration_minutes": item.duration_minutes}
    item.title, item.kind, item.duration_minutes = title.strip(), AgendaItem.Kind(kind), duration_minutes
    if not item.title:
        raise DeliberationError(_("An agenda item needs a title."))
    item.save(update_fields=["title", "kind", "duration_minutes"])
    after = {"title": item.title, "kind": item.kind, "duration_minutes": item.duration_minutes}
    _record_by_panel_team(
        actor=actor, action="session.agenda_item_edited", obj=session,
        details={"item": item.pk, "before": before, "after": after},
    )  # fmt: skip
    return item


@transaction.atomic
def move_agenda_item(*, actor, session: Session, item: AgendaItem, up: bool) -> AgendaItem:
    """Swap the item with the one before it (`up`) or after it. The ranks are unique per session: the
    two rows swap through a free rank (0, never used: ranks start at 1)."""
    _require(rules.can_edit_agenda(actor, session))
    items = list(session.agenda.select_for_update().order_by("order", "id"))
    item = next((i for i in items if i.pk == item.pk), None)
    if item is None:
        raise DeliberationError(_("This agenda item is no longer on the agenda (it may have been removed)."))
    index = items.index(item)
    other_index = index - 1 if up else index + 1
    if not 0 <= other_index < len(items):
        raise DeliberationError(
            _("This item is already the first of the agenda.") if up
            else _("This item is already the last of the agenda.")
        )  # fmt: skip
    other = items[other_index]
    mine, theirs = item.order, other.order
    AgendaItem.objects.filter(pk=item.pk).update(order=0)
    AgendaItem.objects.filter(pk=other.pk).update(order=mine)
    AgendaItem.objects.filter(pk=item.pk).update(order=theirs)
    item.order = theirs
    _record_by_panel_team(
        actor=actor, action="session.agenda_item_moved", obj=session,
        details={"item": item.pk, "up": up, "from": mine, "to": theirs},
    )  # fmt: skip
    return item


@transaction.atomic
def remove_agenda_item(*, actor, session: Session, item: AgendaItem) -> None:
    """Take an item off the agenda (a duplicate, an item dropped). Not the running one: move to the next
    item first. The audit event keeps what the item was."""
    _require(rules.can_edit_agenda(actor, session))
    item = _locked_item(session, item)
    if item.started_at and not item.ended_at:
        raise DeliberationError(
            _("“%(title)s” is running: move to another item before removing it.") % {"title": item.title}
        )
    details = {"item": item.pk, "title": item.title, "kind": item.kind, "order": item.order,
               "duration_minutes": item.duration_minutes,
               "started_at": item.started_at.isoformat() if item.started_at else None}  # fmt: skip
    item.delete()
    _record_by_panel_team(actor=actor, action="session.agenda_item_removed", obj=session, details=details)


@transaction.atomic
def move_agenda(*, actor, session: Session, forward: bool) -> AgendaItem | None:
    """End the current item and start the next (or go back to the previous one). Returns the item now
    running, or None when the agenda is finished."""
    _require(rules.can_run_panel(actor, session.panel))
    items = list(session.agenda.select_for_update().order_by("order"))
    now = timezone.now()
    current = selectors.current_agenda_item(items)
    if current is None:
        started = [item for item in items if item.started_at]
        index = (len(started) if forward else len(started) - 1) if started else (0 if forward else -1)
    else:
        index = items.index(current) + (1 if forward else -1)
        current.ended_at = now
        if not forward:  # going back un-starts the item we leave, so the console shows it as upcoming
            current.started_at = current.ended_at = None
        current.save(update_fields=["started_at", "ended_at"])
    if not 0 <= index < len(items):
        _record_by_panel_team(
            actor=actor,
            action="session.agenda_moved",
            obj=session,
            details={"item": None},
        )
        return None
    target = items[index]
    target.started_at, target.ended_at = now, None
    target.save(update_fields=["started_at", "ended_at"])
    _record_by_panel_team(
        actor=actor,
        action="session.agenda_moved",
        obj=session,
        details={"item": target.pk},
    )
    return target


@normalises_text
@transaction.atomic
def upload_document(
    *, actor, panel: Panel, title: str, file, description: str = "", session=None
) -> Document:
    _require(rules.can_run_panel(actor, panel))
    document = Document.objects.create(
        panel=panel, session=session, title=title, description=description, file=file, uploaded_by=actor
    )
    _record_by_panel_team(actor=actor, action="panel.document_added", obj=document)
    return document


def _check_in(session: Session, member: PanelMember, method: str) -> Attendance:
    if member.panel_id != session.panel_id or member.status != PanelMember.Status.ACTIVE:
        raise DeliberationError(_("This person is not an active member of the panel."))
    attendance, _created = Attendance.objects.get_or_create(
        session=session, member=member, defaults={"method": method}
    )
    return attendance


@transaction.atomic
def check_in(*, actor, session: Session, member: PanelMember) -> Attendance:
    _require(rules.can_run_panel(actor, session.panel))
    attendance = _check_in(session, member, Attendance.Method.FACILITATOR)
    _record_by_panel_team(
        actor=actor,
        action="session.check_in",
        obj=session,
        details={"member": member.pk},
    )
    return attendance


@transaction.atomic
def undo_check_in(*, actor, session: Session, member: PanelMember) -> None:
    """A check-in made by mistake (the wrong person's line, a member who left at once) is taken back,
    audited. Not once the member has voted at this session: their ballot stays, so does their presence."""
    _require(rules.can_run_panel(actor, session.panel))
    attendance = Attendance.objects.select_for_update().filter(session=session, member=member).first()
    if attendance is None:
        raise DeliberationError(_("This member is not checked in at this session."))
    if BallotReceipt.objects.filter(member=member, recommendation__vote_session=session).exists():
        raise DeliberationError(
            _("This member has already voted at this session: their check-in stays, as their ballot does.")
        )
    method = attendance.method
    attendance.delete()
    _record_by_panel_team(
        actor=actor, action="session.check_in_undone", obj=session,
        details={"member": member.pk, "method": method},
    )  # fmt: skip


@transaction.atomic
def check_in_with_code(*, user, session: Session, code: str) -> Attendance:
    seat = rules.active_seat(user, session.panel)
    if seat is None:
        raise PermissionDenied
    if not rules.checkin_open(session):
        opens, closes = rules.checkin_window(session)
        raise DeliberationError(
            _("The check-in code works only from %(opens)s to %(closes)s. Ask the facilitator to check you "
              "in.")
            % {"opens": date_format(timezone.localtime(opens), "DATETIME_FORMAT"),
               "closes": date_format(timezone.localtime(closes), "DATETIME_FORMAT")}
        )  # fmt: skip
    if not secrets.compare_digest(code.strip().upper(), session.checkin_code):
        raise DeliberationError(_("This code is not the code of this session."))
    attendance = _check_in(session, seat, Attendance.Method.CODE)
    record_event(
        actor=user, as_role=Role.CITIZEN, action="session.check_in", obj=session, details={"member": seat.pk}
    )
    return attendance


@normalises_text
@transaction.atomic
def save_minutes(*, actor, session: Session, minutes: str) -> Session:
    _require(rules.can_run_panel(actor, session.panel))
    session.minutes = minutes
    session.save(update_fields=["minutes"])
    _record_by_panel_team(actor=actor, action="session.minutes_saved", obj=session)
    return session


# --------------------------------------------------------------------------------------------------
# Recommendations, amendments, ballots
# --------------------------------------------------------------------------------------------------


@normalises_text
@transaction.atomic
def create_recommendation(
    *, actor, panel: Panel, session: Session, title: str, text: str, rationale: str = ""
) -> Recommendation:
    _require(rules.can_run_panel(actor, panel))
    if session.panel_id != panel.pk:
        raise DeliberationError(_("This session belongs to another panel."))
    recommendation = Recommendation.objects.create(
        panel=panel, session=session, title=title, text=text, rationale=rationale
    )
    RecommendationVersion.objects.create(
        recommendation=recommendation, number=1, title=title, text=text, rationale=rationale, author=actor
    )
    _record_by_panel_team(actor=actor, action="recommendation.created", obj=recommendation)
    return recommendation


@normalises_text
@transaction.atomic
def propose_amendment(*, user, recommendation: Recommendation, text: str, explanation: str = "") -> Amendment:
    recommendation = (
        Recommendation.objects.select_for_update().select_related("panel").get(pk=recommendation.pk)
    )
    if recommendation.status != Recommendation.Status.DRAFT:
        raise DeliberationError(
            _("Amendments can be proposed only while the recommendation is being drafted.")
        )
    seat = rules.active_seat(user, recommendation.panel)
    _require(seat is not None)
    if not text.strip():
        raise DeliberationError(_("Write the text you propose."))
    amendment = Amendment.objects.create(
        recommendation=recommendation, proposed_by=seat, text=text, explanation=explanation
    )
    record_event(actor=user, as_role=Role.CITIZEN, action="amendment.proposed", obj=amendment)
    return amendment


def _pending_amendment(amendment: Amendment) -> Amendment:
    amendment = Amendment.objects.select_for_update().select_related("recommendation").get(pk=amendment.pk)
    if amendment.status != Amendment.Status.PROPOSED:
        raise DeliberationError(_("This amendment has already been decided."))
    if amendment.recommendation.status != Recommendation.Status.DRAFT:
        raise DeliberationError(_("The recommendation is no longer being drafted."))
    return amendment


@normalises_text
@transaction.atomic
def accept_amendment(*, actor, amendment: Amendment, reason: str = "") -> RecommendationVersion:
    """The amended text becomes a new version of the recommendation; earlier versions stay."""
    _require(rules.can_decide_amendment(actor, amendment.recommendation))
    amendment = _pending_amendment(amendment)
    recommendation = Recommendation.objects.select_for_update().get(pk=amendment.recommendation_id)
    number = (recommendation.versions.aggregate(last=Max("number"))["last"] or 0) + 1
    version = RecommendationVersion.objects.create(
        recommendation=recommendation, number=number, title=recommendation.title, text=amendment.text,
        rationale=recommendation.rationale, author=amendment.proposed_by.volunteer.user,
    )  # fmt: skip
    recommendation.text = amendment.text
    recommendation.save(update_fields=["text"])
    amendment.status = Amendment.Status.ACCEPTED
    amendment.reason, amendment.decided_by, amendment.decided_at = reason, actor, timezone.now()
    amendment.resulting_version = version
    amendment.save()
    _record_by_panel_team(
        actor=actor,
        action="amendment.accepted",
        obj=amendment,
        details={"version": number},
    )
    return version


@normalises_text
@transaction.atomic
def reject_amendment(*, actor, amendment: Amendment, reason: str) -> Amendment:
    _require(rules.can_decide_amendment(actor, amendment.recommendation))
    if not reason.strip():
        raise DeliberationError(_("Give the reason for rejecting the amendment: the member will read it."))
    amendment = _pending_amendment(amendment)
    amendment.status = Amendment.Status.REJECTED
    amendment.reason, amendment.decided_by, amendment.decided_at = reason.strip(), actor, timezone.now()
    amendment.save()
    _record_by_panel_team(actor=actor, action="amendment.rejected", obj=amendment)
    return amendment


def vote_session_too_early_message(recommendation: Recommendation, session: Session) -> str:
    """Why `session` cannot hold the vote: it was held before the text put to the vote was last changed
    (`rules.earliest_vote_day`)."""
    return _(
        "The session “%(session)s” (%(held)s) was held before the text put to the vote was last changed "
        "(%(changed)s): its members would vote on a text they had not read. Choose a session held on "
        "%(earliest)s or later, or schedule one."
    ) % {
        "session": session.title,
        "held": date_format(timezone.localdate(session.starts_at), "DATE_FORMAT"),
        "changed": date_format(timezone.localdate(rules.text_last_changed(recommendation)), "DATE_FORMAT"),
        "earliest": date_format(rules.earliest_vote_day(recommendation), "DATE_FORMAT"),
    }


@transaction.atomic
def open_vote(*, actor, recommendation: Recommendation, session: Session) -> Recommendation:
    _require(rules.can_run_panel(actor, recommendation.panel))
    recommendation = (
        Recommendation.objects.select_for_update().select_related("session").get(pk=recommendation.pk)
    )
    if recommendation.status not in rules.OPENABLE:
        raise DeliberationError(_("The vote can be opened only on a recommendation being drafted."))
    if session.panel_id != recommendation.panel_id:
        raise DeliberationError(_("This session belongs to another panel."))
    if not rules.session_may_hold_vote(recommendation, session):
        raise DeliberationError(vote_session_too_early_message(recommendation, session))
    recommendation.status = Recommendation.Status.VOTING
    recommendation.vote_session = session
    recommendation.voting_opened_at = timezone.now()
    recommendation.decided_at = None
    recommendation.save(update_fields=["status", "vote_session", "voting_opened_at", "decided_at"])
    _ballot_box(recommendation)
    _record_by_panel_team(
        actor=actor,
        action="vote.opened",
        obj=recommendation,
        details={"session": session.pk},
    )
    return recommendation


@transaction.atomic
def cast_ballot(*, user, recommendation: Recommendation, choice: str) -> None:
    """Secret ballot. The receipt says who voted, never how; the ballot only adds one to the sealed
    counts of the recommendation's box, rewritten whole (`ballot_box`): no row per ballot, and the same
    statements whatever the choice. The receipt's unique constraint refuses a second vote."""
    recommendation = Recommendation.objects.select_for_update().get(pk=recommendation.pk)
    if recommendation.status != Recommendation.Status.VOTING:
        raise DeliberationError(_("The vote on this recommendation is not open (it may have been closed)."))
    if choice not in BallotChoice.values:
        raise DeliberationError(_("Choose for, against or abstain."))
    seat = rules.active_seat(user, recommendation.panel)
    if seat is None:
        raise PermissionDenied
    if not rules.can_vote(user, recommendation):
        raise DeliberationError(_("Only members checked in at the session of the vote can vote."))
    try:
        with transaction.atomic():
            BallotReceipt.objects.create(recommendation=recommendation, member=seat)
    except IntegrityError as error:
        raise DeliberationError(_("You have already voted on this recommendation.")) from error
    box = _ballot_box(recommendation)
    counts = _open_box(box)
    counts[choice] += 1
    box.sealed = ballot_box.seal(recommendation.pk, counts)
    box.save(update_fields=["sealed"])
    # The event says that this person voted, never how.
    record_event(actor=user, as_role=Role.CITIZEN, action="vote.ballot_cast", obj=recommendation)


def _open_box(box: BallotBox) -> dict[str, int]:
    try:
        return ballot_box.unseal(box.recommendation_id, box.sealed)
    except ballot_box.BoxUnreadable as error:
        raise DeliberationError(
            _(
                "The ballot box of this vote cannot be opened: the site's secret key changed during the "
                "vote. The site's administrator must add the previous key to DJANGO_SECRET_KEY_FALLBACKS."
            )
        ) from error


def _ballot_box(recommendation: Recommendation) -> BallotBox:
    """The box of a vote being held (the caller holds the recommendation's row lock). Opening the vote
    makes it; a vote opened before boxes existed gets an empty one from its migration."""
    box, _created = BallotBox.objects.get_or_create(
        recommendation=recommendation, defaults={"sealed": ballot_box.empty(recommendation.pk)}
    )
    return box


@transaction.atomic
def close_vote(*, actor, recommendation: Recommendation) -> Recommendation:
    _require(rules.can_run_panel(actor, recommendation.panel))
    recommendation = (
        Recommendation.objects.select_for_update().select_related("panel").get(pk=recommendation.pk)
    )
    if recommendation.status != Recommendation.Status.VOTING:
        raise DeliberationError(_("This vote is not open."))
    box = _ballot_box(recommendation)
    counts = _open_box(box)
    box.delete()  # the counts go on the recommendation; nothing of the vote stays apart from them
    outcome = rules.vote_outcome(
        recommendation.panel.threshold, counts["for"], counts["against"], counts["abstain"]
    )
    recommendation.votes_for, recommendation.votes_against = counts["for"], counts["against"]
    recommendation.votes_abstain = counts["abstain"]
    # No ballot at all decides nothing: "no ballot cast", never "rejected"; the vote can be opened again.
    recommendation.status = rules.status_after_vote(outcome)
    recommendation.decided_at = timezone.now()
    recommendation.save()
    _record_by_panel_team(
        actor=actor, action="vote.closed", obj=recommendation,
        details={"for": counts["for"], "against": counts["against"], "abstain": counts["abstain"],
                 "status": recommendation.status},
    )  # fmt: skip
    return recommendation


# --------------------------------------------------------------------------------------------------
# Decision-makers' answers
# --------------------------------------------------------------------------------------------------


def response_date_problems(
    *, recommendation: Recommendation, answered_on: date | None, implementation_deadline: date | None,
    implemented_on: date | None, today: date | None = None,
) -> list[tuple[str, str]]:  # fmt: skip
    """What is wrong with the dates of a decision-maker's answer, as (field, message): an answer is dated
    today or earlier and not before the panel adopted the recommendation; the deadline and the
    implementation come after the answer; an implementation is not in the future. Used by the form (each
    message under its field) and by `record_response` (any other caller)."""
    today = today or timezone.localdate()
    problems = []
    if answered_on is not None:
        if answered_on > today:
            problems.append(
                ("answered_on", _("The answer cannot be dated in the future: it is recorded once given."))
            )
        elif recommendation.decided_at and answered_on < timezone.localdate(recommendation.decided_at):
            problems.append(
                ("answered_on", _("The answer cannot be dated before the panel adopted the recommendation."))
            )
    if (
        implementation_deadline is not None
        and answered_on is not None
        and implementation_deadline < answered_on
    ):
        problems.append(
            ("implementation_deadline", _("The implementation deadline cannot come before the answer."))
        )
    if implemented_on is not None:
        if answered_on is not None and implemented_on < answered_on:
            problems.append(("implemented_on", _("The measure cannot be implemented before the answer.")))
        elif implemented_on > today:
            problems.append(
                ("implemented_on", _("The implementation date cannot be in the future: record it once done."))
            )
    return problems


@normalises_text
@transaction.atomic
def record_response(
    *, actor, recommendation: Recommendation, decision_maker: str, body: str, status: str,
    justification: str, answered_on: date, implementation_deadline: date | None = None,
    implemented_on: date | None = None, milestones: list[tuple[str, date | None]] = (),
) -> DecisionMakerResponse:  # fmt: skip
    if not rules.can_organise(actor):
        raise PermissionDenied
    if recommendation.status != Recommendation.Status.ADOPTED:
        raise DeliberationError(
            _(
                "Only a recommendation adopted by the panel is handed to a decision-maker; "
                "this one is “%(status)s”."
            )
            % {"status": recommendation.get_status_display()}
        )
    problems = response_date_problems(
        recommendation=recommendation, answered_on=answered_on,
        implementation_deadline=implementation_deadline, implemented_on=implemented_on,
    )  # fmt: skip
    if problems:
        raise DeliberationError([message for _field, message in problems])
    if status not in DecisionMakerResponse.Status.values:
        raise DeliberationError(_("Unknown answer status."))
    response = DecisionMakerResponse.objects.create(
        recommendation=recommendation, decision_maker=decision_maker, body=body, status=status,
        justification=justification, answered_on=answered_on, implementation_deadline=implementation_deadline,
        implemented_on=implemented_on, recorded_by=actor,
    )  # fmt: skip
    Milestone.objects.bulk_create(Milestone(response=response, title=t, due_on=d) for t, d in milestones)
    record_event(actor=actor, as_role=Role.ORGANISER, action="recommendation.answer_recorded", obj=response,
                 details={"recommendation": recommendation.pk, "status": status})  # fmt: skip
    _tell_panel("answer", response.pk)
    return response


@transaction.atomic
def complete_milestone(*, actor, milestone: Milestone, done_on: date) -> Milestone:
    """A step the decision-maker promised is done: shown publicly with its date."""
    _require(rules.can_organise(actor))
    if done_on > timezone.localdate():
        raise DeliberationError(_("A milestone cannot be done on a future date."))
    if done_on < milestone.response.answered_on:
        raise DeliberationError(_("A milestone cannot be done before the answer that promised it."))
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    record_event(actor=actor, as_role=Role.ORGANISER, action="recommendation.milestone_done",
                 obj=milestone.response,
                 details={"milestone": milestone.pk, "done_on": done_on.isoformat()})  # fmt: skip
    return milestone


@normalises_text
@transaction.atomic
def change_milestone(*, actor, milestone: Milestone, title: str, due_on: date | None, note: str) -> Milestone:
    """Correct a milestone's title or move its due date, with a public reason. The date first promised
    is kept and shown next to the new one, so a promise never moves silently."""
    _require(rules.can_organise(actor))
    milestone = (
        Milestone.objects.select_related("response").select_for_update(of=("self",)).get(pk=milestone.pk)
    )
    if milestone.done_on is not None:
        raise DeliberationError(_("A milestone marked as done cannot be changed."))
    title, note = title.strip(), note.strip()
    if not title:
        raise DeliberationError(_("A milestone needs a title."))
    if not note:
        raise DeliberationError(_("Say publicly why the milestone changes."))
    if title == milestone.title and due_on == milestone.due_on:
        raise DeliberationError(_("Nothing changed: give a new title or a new due date."))
    if due_on is not None and due_on < milestone.response.answered_on:
        raise DeliberationError(_("A milestone cannot be due before the answer that promised it."))
    before = {"title": milestone.title, "due_on": milestone.due_on.isoformat() if milestone.due_on else None}
    if due_on != milestone.due_on and milestone.first_due_on is None:
        milestone.first_due_on = milestone.due_on
    milestone.title, milestone.due_on, milestone.change_note = title, due_on, note
    milestone.save(update_fields=["title", "due_on", "first_due_on", "change_note"])
    after = {"title": title, "due_on": due_on.isoformat() if due_on else None}
    record_event(
        actor=actor, as_role=Role.ORGANISER, action="recommendation.milestone_changed",
        obj=milestone.response,
        details={"milestone": milestone.pk, "before": before, "after": after, "note": note},
    )  # fmt: skip
    return milestone
