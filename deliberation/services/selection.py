"""The draw (selection) of a panel: started by an organiser, run by the task, which records its progress,
its failure or its result (the seated panel); the published lottery and its re-run; a member's seat given
to a reserve."""

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts import outbox
from accounts.audit import record_event
from accounts.roles import Role
from accounts.states import transition
from textsafety.normalise import normalises_text

from .. import rules
from ..draw_messages import draw_is_final_message, public_value_refusal_message
from ..models import ErasedSeatStrata, Panel, PanelMember, Selection, Volunteer
from ..states import SELECTION
from ._common import DeliberationError, SortitionRefusal, _record_by_panel_team, _require, load_sortition


@transaction.atomic
def start_selection(
    *, actor, panel: Panel, seed: str = "", algorithm: str = "", public_value_source: str | None = None
) -> Selection:
    """Record the seed and enqueue the selection task (after commit: the task reads the committed rows).
    Refused once a draw is committed (it is final); allowed again after a run that failed.

    With `public_value_source` (the two-step draw: what public value will pick the panel, and when), the
    task publishes the lottery naming it and stops, awaiting that value (`enter_public_value`); None is
    the draw from Pacte's seed alone, and an empty or blank source is refused."""
    _require(rules.can_organise(actor))
    if public_value_source is not None:
        public_value_source = " ".join(public_value_source.split())
        if not public_value_source:
            raise DeliberationError(public_value_refusal_message("source_required"))
        if len(public_value_source) > Selection._meta.get_field("public_value_source").max_length:
            raise DeliberationError(_("Say it in at most 300 characters."))
    panel = Panel.objects.select_for_update().get(pk=panel.pk)
    if rules.draw_is_final(panel):
        raise DeliberationError(draw_is_final_message())
    _require(rules.can_run_selection(actor, panel))
    sortition = load_sortition()
    if rules.draw_running(panel):
        if panel.selections.filter(status=Selection.Status.AWAITING).exists():
            raise DeliberationError(
                _("The lottery of this panel is published and awaits its public value: enter it to draw "
                  "the panel.")
            )  # fmt: skip
        raise DeliberationError(_("A selection is already running for this panel."))
    pool = panel.volunteers.count()
    if pool < panel.size:
        raise DeliberationError(
            _("The pool has %(pool)s volunteers, fewer than the panel size %(size)s: recruit more volunteers "
              "or reduce the panel.") % {"pool": pool, "size": panel.size}
        )  # fmt: skip
    if not panel.quotas.exists():
        raise DeliberationError(_("Set the quotas before drawing the panel."))
    from .. import selectors
    from ..draw_messages import unanswered_sentences

    drawable = selectors.drawable_pool(panel)
    if drawable < panel.size:
        # Volunteers without an answer for a quota category cannot be drawn: say which category, how many.
        raise DeliberationError(
            [_("No volunteer has an answer for every quota category: remove the quotas of a category the "
               "volunteers did not answer, or import their answers.") if not drawable else ngettext(
                "Only %(n)s volunteer has an answer for every quota category, fewer than the panel size "
                "%(size)s: remove the quotas of a category the volunteers did not answer, or import their "
                "answers.",
                "Only %(n)s volunteers have an answer for every quota category, fewer than the panel size "
                "%(size)s: remove the quotas of a category the volunteers did not answer, or import their "
                "answers.",
                drawable,
            ) % {"n": drawable, "size": panel.size},
             *unanswered_sentences(selectors.unanswered_categories(panel))]
        )  # fmt: skip
    algorithm = algorithm or sortition.default_algorithm()
    if algorithm not in sortition.ALGORITHMS:
        raise DeliberationError(_("Unknown algorithm."))
    # The page never passes a seed (it refuses one typed in: an organiser could try seeds until the panel
    # suits them, the lottery following from the pool and the quotas); commands and tests may, and the
    # report then says the seed was typed.
    origin = Selection.SeedOrigin.TYPED if seed.strip() else Selection.SeedOrigin.RANDOM
    seed = seed.strip() or sortition.new_seed()
    selection = Selection.objects.create(
        panel=panel, seed=seed, seed_commitment=sortition.commitment(seed), algorithm=algorithm,
        created_by=actor, seed_origin=origin, public_value_source=public_value_source or "",
    )  # fmt: skip
    # Only the commitment (SHA-256 of the seed) is recorded before the draw; the seed is revealed with
    # the drawn panel (`selection.drawn`), so anyone can check it is the seed committed to.
    record_event(
        actor=actor, as_role=Role.ORGANISER, action="selection.started", obj=selection,
        details={"seed_commitment": selection.seed_commitment, "algorithm": algorithm, "panel": panel.pk,
                 "seed_origin": origin.value, "public_value_source": selection.public_value_source},
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
    running = Selection.Status.RUNNING
    Selection.objects.filter(pk=selection_id, status__in=SELECTION.sources(running)).update(
        status=running, progress=progress
    )


@transaction.atomic
def record_selection_failure(*, selection_id: int, reasons: list[dict]) -> None:
    """The run ends as failed with `reasons`: codes with values (`deliberation.draw_messages`), worded in
    the reader's language when shown, whatever the language of the worker recording them. A selection that
    has already ended (e.g. abandoned by an organiser while its worker was still alive) keeps its outcome
    and its reason."""
    selection = Selection.objects.select_for_update().get(pk=selection_id)
    if selection.status in (Selection.Status.DONE, Selection.Status.FAILED):
        return
    transition(
        selection, Selection.Status.FAILED, action="selection.failed", details={"reasons": reasons},
        changes={"reasons": reasons, "progress": {}, "finished_at": timezone.now()},
    )  # fmt: skip


@transaction.atomic
def abandon_selection(*, actor, selection: Selection) -> Selection:
    """An organiser gives up a draw left "queued" or "running" for longer than
    `PACTE_SELECTION_STALE_MINUTES` (its worker died, or the broker lost its message): it ends as failed
    with the reason, nobody is seated, and the panel can be drawn again. Should the task come back, its
    result is refused (`record_selection_result`, `set_selection_progress`)."""
    _require(rules.can_organise(actor))
    Panel.objects.select_for_update().get(pk=selection.panel_id)  # the order record_selection_result locks
    selection = Selection.objects.select_for_update().get(pk=selection.pk)
    if selection.status == Selection.Status.AWAITING:
        # Dropping it once the public value is known would be a way to try again for another panel.
        raise DeliberationError(
            _("The lottery of this draw is published and awaits its public value: it cannot be abandoned, so "
              "that nobody can draw again once the value is known.")
        )  # fmt: skip
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
    # Worded when shown, in the reader's language (not the organiser's who abandons it); the public report
    # names the role, only the console the person.
    reasons = [
        {"code": "abandoned", "role": Role.ORGANISER.value, "person": actor.pseudonym,
         "minutes": int((now - selection.created_at).total_seconds() // 60)}
    ]  # fmt: skip
    transition(
        selection, Selection.Status.FAILED, actor=actor, as_role=Role.ORGANISER, action="selection.abandoned",
        details={"status": selection.status, "started_at": selection.created_at,
                 "stale_minutes": settings.PACTE_SELECTION_STALE_MINUTES},
        changes={"reasons": reasons, "progress": {}, "finished_at": now},
    )  # fmt: skip
    return selection


@transaction.atomic
def await_public_value(*, selection_id: int) -> Selection:
    """For the task of a two-step draw, once its lottery is published: the draw stops there, awaiting the
    public value announced (`enter_public_value`). Nobody is seated. A draw that ended meanwhile keeps its
    outcome."""
    selection = Selection.objects.select_for_update().get(pk=selection_id)
    if selection.status not in (Selection.Status.QUEUED, Selection.Status.RUNNING):
        return selection
    return transition(
        selection, Selection.Status.AWAITING, action="selection.awaiting_public_value",
        details={"lottery_sha256": selection.lottery_sha256,
                 "public_value_source": selection.public_value_source},
        changes={"progress": {}},
    )  # fmt: skip


@transaction.atomic
def enter_public_value(*, actor, selection: Selection, public_value: str) -> Selection:
    """Step 2 of a two-step draw: the organiser enters the public value announced when the draw started,
    once its lottery is published. Entered once; audited with the value and how long after the lottery's
    publication; the task then draws the panel from the published lottery with the seed and this value
    (`lottery.draw`), as `scripts/verify_draw.py --public-value` does."""
    selection = Selection.objects.select_for_update().get(pk=selection.pk)
    refusal = rules.public_value_refusal(actor, selection)
    if refusal:
        raise DeliberationError(refusal, status=403 if not rules.can_organise(actor) else 409)
    from .. import lottery

    value = lottery.normalise_public_value(public_value)
    if not value:
        raise DeliberationError(public_value_refusal_message("format"))
    now = timezone.now()
    transition(
        selection, Selection.Status.QUEUED, actor=actor, as_role=Role.ORGANISER,
        action="selection.public_value_entered",
        details={"public_value": value, "public_value_source": selection.public_value_source,
                 "lottery_sha256": selection.lottery_sha256,
                 "seconds_after_publication": int((now - selection.lottery_published_at).total_seconds())},
        changes={"public_value": value, "public_value_at": now},
    )  # fmt: skip
    from ..tasks import run_selection

    outbox.enqueue(run_selection, selection.pk)
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
    seated = PanelMember.objects.bulk_create(
        PanelMember(panel=panel, volunteer=volunteers[vid], selection=selection) for vid in result.panel
    )
    _tell_seated([member.pk for member in seated])
    not_drawn = _tell_not_drawn(selection)
    transition(
        selection, Selection.Status.DONE, action="selection.drawn",
        details={"seed": selection.seed, "public_value": selection.public_value,
                 "panel": list(result.panel), "reserves": len(result.reserves),
                 "min_probability": result.min_probability, "median_probability": result.median_probability,
                 "told_not_drawn": not_drawn},
        changes={
            "probabilities": dict(result.probabilities), "drawn": list(result.panel),
            "reserves": list(result.reserves),
            "composition": [
                {"category": o.category, "value": o.value, "min": o.min, "max": o.max, "achieved": o.achieved,
                 "in_pool": o.in_pool}
                for o in result.composition
            ],
            "quotas_used": [[o.category, o.value, o.min, o.max] for o in result.composition],
            "excluded": excluded, "min_probability": result.min_probability,
            "median_probability": result.median_probability, "pool_size": len(result.probabilities),
            "progress": {}, "finished_at": timezone.now(),
        },
    )  # fmt: skip
    # Seated: the panel is drawn (the system's step, once the draw is committed).
    transition(panel, Panel.Status.SELECTED, action="panel.status")
    return selection


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


class LotteryChanged(DeliberationError):
    """A draw taken over after its worker was lost found that what its published lottery was computed for
    changed meanwhile (a volunteer added, withdrawn or edited, the quotas or the panel's size changed): the
    published lottery is the commitment, and may no longer fit, so this run ends as failed
    (`draw_messages`, code "lottery_changed") rather than publish a second one or draw from a stale one."""


def _published_problem(selection: Selection, inputs_sha256: str) -> str:
    """Why the lottery `selection` published cannot be drawn from for these inputs; "" when it can."""
    from .. import lottery

    if lottery.document_sha256(selection.lottery) != selection.lottery_sha256:
        return _("The stored lottery does not match its published SHA-256.")
    if lottery.commitment(selection.seed) != selection.lottery.get("seed_commitment"):
        return _("The seed does not match the commitment published before the draw.")
    if selection.lottery_inputs_sha256 != inputs_sha256:
        return _("The pool, the quotas or the panel size changed since the lottery was published.")
    return ""


def taken_over_lottery(*, selection_id: int, inputs_sha256: str) -> dict | None:
    """For the task, before it runs the solver: the lottery this draw already published (its first worker
    was lost after publishing, the task was delivered again), to draw from as it is, or None when none is
    published yet (or it was published before its inputs were recorded: then the task finds the lottery
    again and `publish_lottery` compares). `inputs_sha256` (`sortition.inputs_sha256`) is what the lottery
    would be computed for now; raises `LotteryChanged` when it is not what the published one was computed
    for. Display fields (the panel's title) and the solver's digits play no part: the lottery is not
    computed again."""
    selection = Selection.objects.get(pk=selection_id)
    if not selection.lottery_sha256 or not selection.lottery_inputs_sha256:
        return None
    problem = _published_problem(selection, inputs_sha256)
    if problem:
        raise LotteryChanged(problem)
    return selection.lottery


@transaction.atomic
def publish_lottery(*, selection_id: int, document: dict, inputs_sha256: str = "") -> Selection | None:
    """Before the draw: store the lottery document (`deliberation.lottery.document`) and its SHA-256, and
    record both in the audit log (hash-chained), so that the lottery is fixed before the seed is revealed.
    `inputs_sha256` (`sortition.inputs_sha256`, what it was computed for) is stored beside it, unpublished.
    None when the run has ended meanwhile (abandoned): nothing is published then.

    Published once per draw: the state it records (`lottery_sha256` set) and its audit event are written
    in one transaction, on the locked row, and a run that finds a lottery already published (another run
    published first) writes nothing, keeping the first publication's date and its one event; the caller
    draws from the lottery stored on the returned row, never from the one it found. Raises
    `LotteryChanged` when the published lottery was computed for other inputs, or, for one published
    before inputs were recorded, when the lottery found differs in what it commits to
    (`sortition.same_commitment`: the title and the solver's last digits aside)."""
    from .. import lottery, sortition

    selection = Selection.objects.select_for_update().get(pk=selection_id)
    if selection.status in (Selection.Status.DONE, Selection.Status.FAILED):
        return None
    if selection.lottery_sha256:
        if selection.lottery_inputs_sha256:
            problem = _published_problem(selection, inputs_sha256)
        elif not sortition.same_commitment(selection.lottery, document):
            problem = _("The lottery found again after its worker was lost differs from the one published.")
        else:
            problem = ""
        if problem:
            raise LotteryChanged(problem)
        return selection
    selection.lottery = document
    selection.lottery_sha256 = lottery.document_sha256(document)
    selection.lottery_inputs_sha256 = inputs_sha256
    selection.lottery_published_at = timezone.now()
    selection.save(
        update_fields=["lottery", "lottery_sha256", "lottery_inputs_sha256", "lottery_published_at"]
    )
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
        return lottery.draw(lottery.from_document(selection.lottery), selection.seed, selection.public_value)
    except lottery.LotteryError as error:
        message = _("The stored lottery cannot be read: %(error)s") % {"error": error}
        raise DeliberationError(message) from error


def _erased_seats(panel: Panel, seated: list[str], people: list, quotas: list) -> list:
    """The seats still held whose member erased their account: their pool entry keeps no strata
    (`deliberation.gdpr`), so the draw's inputs leave them out. They come back here with the answers of
    the panel's anonymous counts (`ErasedSeatStrata`), which the reserve rule reads as counts per value:
    the panel's counts are those of before the erasure, so is every replacement. With one such seat its
    answers are the counts; with several, which seat held which answer is no longer known: the seats take
    the values in order, so the counts stay exact and a seat among them that leaves is taken to hold the
    first values left."""
    sortition = load_sortition()
    known = {person.id for person in people}
    missing = sorted((vid for vid in seated if vid not in known), key=int)
    if not missing:
        return []
    record = ErasedSeatStrata.objects.select_for_update().filter(panel=panel).first()
    categories = sorted({q.category for q in quotas})
    values = {
        c: sorted(v for v, n in ((record.counts if record else {}).get(c) or {}).items() for _ in range(n))
        for c in categories
    }
    if record is None or record.seats != len(missing) or any(len(values[c]) != len(missing) for c in values):
        raise DeliberationError(
            _("The answers of %(n)s seated members are missing: the reserve rule cannot count the panel. "
              "Ask the site's administrator.") % {"n": len(missing)}
        )  # fmt: skip
    return [
        sortition.Volunteer(id=vid, strata={c: values[c][i] for c in categories}, household=None)
        for i, vid in enumerate(missing)
    ]


def _uncount_erased_seat(panel: Panel, strata: dict) -> None:
    record = ErasedSeatStrata.objects.select_for_update().get(panel=panel)
    record.seats -= 1
    for category, value in strata.items():
        record.counts[category][value] -= 1
        if not record.counts[category][value]:
            del record.counts[category][value]
    record.save()


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
    erased = _erased_seats(panel, seated, people, quotas)
    people += erased
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
    transition(
        member, PanelMember.Status.DROPPED, actor=actor, action=None,  # audited below, on the draw
        changes={"dropped_at": timezone.now(), "replaced_by": newcomer, "drop_reason": reason[:300]},
    )  # fmt: skip
    selection.reserves = list(replacement.reserves)
    selection.save(update_fields=["reserves"])
    leaving = next((seat for seat in erased if seat.id == str(member.volunteer_id)), None)
    if leaving is not None:
        _uncount_erased_seat(panel, leaving.strata)
    _record_by_panel_team(
        actor=actor, action="selection.replaced", obj=selection,
        details={"dropped": member.volunteer_id, "replacement": newcomer.volunteer_id,
                 "reason": reason[:300]},
    )  # fmt: skip
    return newcomer
