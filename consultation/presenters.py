"""What the consultation pages and cards say about a consultation's phase, closing and participants, and
what the questionnaire says once saved. The pages read these; whether it takes contributions is
consultation/accepting.py's rule, so an open consultation whose closing time has passed is shown closed
("Closed on …", the closed badge, no way to take part) from that time on, before the beat moves its
phase (consultation/services/closing.py)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.roles import Role, acted_by

from . import selectors
from .accepting import accepts_contributions
from .models import Consultation, PhaseChange
from .participants import participant_counts

Phase = Consultation.Phase


@dataclass(frozen=True)
class Closing:
    """``state``: "open_until" (open, closing time ahead), "closed_on" (closed at ``when``: its phase
    is closed, or it is open and its closing time has passed, the beat not having moved it yet),
    "planned" (a draft's closing time)."""

    state: str
    when: dt.datetime

    @property
    def is_open_until(self) -> bool:
        return self.state == "open_until"

    @property
    def is_closed(self) -> bool:
        return self.state == "closed_on"


def closing_of(consultation: Consultation, now: dt.datetime | None = None) -> Closing | None:
    """What the page says of the closing, None when it has nothing to say (no time set; closed with a
    time ahead, which the organisers set to reopen it)."""
    when = consultation.closes_at
    if when is None:
        return None
    now = now or timezone.now()
    if consultation.phase == Phase.OPEN:
        return Closing("open_until" if accepts_contributions(consultation, now) else "closed_on", when)
    if consultation.phase == Phase.DRAFT:
        return Closing("planned", when)
    return Closing("closed_on", when) if when <= now else None


def shown_phase(consultation: Consultation, now: dt.datetime | None = None) -> Phase:
    """The phase the pages show (its ``label``): closed for an open consultation whose closing time has
    passed, which takes no more contributions; the phase itself otherwise."""
    if consultation.phase == Phase.OPEN and not accepts_contributions(consultation, now):
        return Phase.CLOSED
    return Phase(consultation.phase)


@dataclass(frozen=True)
class PhaseRow:
    """One move of a consultation's phase as a page or an export shows it (labels in the reader's
    language)."""

    at: dt.datetime
    from_label: str
    to_label: str
    by: str


def moved_by(change: PhaseChange, *, back_office: bool = False) -> str:
    """Who moved the phase, in the reader's language: the platform and why (``PhaseChange.platform``);
    for a person, the role every move requires (``rules.can_manage``: the organisers), as every page names
    staff (``accounts.roles.acted_by``): never their pseudonym publicly; ``back_office``, the organisers'
    own page, adds it in brackets. "—" when the
    history cannot tell (a move recorded before migration 0018 whose audit event named a person since
    gone)."""
    if change.platform:
        return change.get_platform_display()
    if change.actor_id is None:
        return "—"
    return acted_by(Role.ORGANISER, change.actor.pseudonym, back_office=back_office)


def phase_history(consultation: Consultation, *, back_office: bool = False) -> list[PhaseRow]:
    """Every move of the consultation's phase, oldest first, as the transparency page (public) and the
    organisers' page (``back_office``) show it: the one place that says who moved it."""
    return [
        PhaseRow(
            change.created_at, change.from_label, change.to_label, moved_by(change, back_office=back_office)
        )
        for change in selectors.phase_history(consultation)
    ]


def with_closing_and_participants(consultations: Iterable[Consultation]) -> list[Consultation]:
    """The consultations of a list, each with ``closing`` (closing_of), ``shown_phase`` (its badge),
    ``accepting`` (takes contributions now) and ``participants`` (their count): one query for every
    count, none per consultation."""
    consultations = list(consultations)
    counts = participant_counts(c.pk for c in consultations)
    now = timezone.now()
    for c in consultations:
        c.closing = closing_of(c, now)
        c.accepting = accepts_contributions(c, now)
        c.shown_phase = shown_phase(c, now)
        c.participants = counts.get(c.pk, 0)
    return consultations


def answers_saved_message(result) -> str:
    """What the questionnaire says once saved (`services.save_answers`' result): the answers saved, and
    those taken back when there are some ("0 answers saved" alone when nothing happened at all)."""
    parts = []
    if result.saved or not result.removed:
        parts.append(
            ngettext(
                "%(n)d answer saved. You can change it until the consultation closes.",
                "%(n)d answers saved. You can change them until the consultation closes.",
                result.saved,
            )
            % {"n": result.saved}
        )
    if result.removed:
        parts.append(
            ngettext(
                "Your answer to %(n)d question was taken back: the question is unanswered again.",
                "Your answers to %(n)d questions were taken back: the questions are unanswered again.",
                result.removed,
            )
            % {"n": result.removed}
        )
    return " ".join(parts)


def phase_moves(consultation: Consultation, targets: Iterable[str]) -> list[dict]:
    """The phase changes the organisers' page offers, each with what it will do, said before it is done
    (the page asks to tick "I understand…" first: `views.manage.change_phase`)."""
    Phase = Consultation.Phase
    consequences = {
        (Phase.DRAFT, Phase.OPEN): _(
            "Opening it freezes the questionnaire: the texts of the questions and their choices can no "
            "longer be changed. Citizens can then answer, submit proposals and vote."
        ),
        (Phase.OPEN, Phase.CLOSED): _(
            "Closing it ends contributions now: nobody can answer, submit a proposal or vote any more, and "
            "the results become public. You can reopen it."
        ),
        (Phase.CLOSED, Phase.OPEN): _(
            "Reopening it lets citizens answer, submit proposals and vote again, with no closing time: set "
            "one in its settings if it should close again."
        ),
        (Phase.CLOSED, Phase.SYNTHESIS_PUBLISHED): _(
            "This says publicly that the synthesis is published; the consultation can no longer be reopened."
        ),
    }
    return [
        {
            "phase": target,
            "label": Phase(target).label,
            "consequence": consequences.get((consultation.phase, target), ""),
        }
        for target in targets
    ]


def open_data_page(consultation: Consultation, user) -> dict:
    """What the open-data page says is published: the archive's files, whether its answers are in it
    yet (only once the results are public: the consultation closed), and the other downloads the
    higher layers publish (the synthesis's files, ``hooks.open_data_downloads``)."""
    from django.contrib.auth.models import AnonymousUser

    from . import hooks, rules
    from .opendata import LICENCE_URL

    answers_public = rules.can_view_results(AnonymousUser(), consultation)
    closing = closing_of(consultation)
    if answers_public:
        answers = _("answers.csv: every answer to the questionnaire, under pseudonymous participant ids.")
    elif consultation.closes_at:
        answers = _(
            "answers.csv: the answers are published once the consultation closes (%(date)s); until "
            "then the file holds only its header, as results are not shown while it runs."
        ) % {"date": formats.date_format(timezone.localtime(consultation.closes_at), "DATETIME_FORMAT")}
    else:
        answers = _(
            "answers.csv: the answers are published once the consultation closes; until then the file "
            "holds only its header, as results are not shown while it runs."
        )
    return {
        "files": [
            _("questions.csv: the questions and their choices, in French and English."),
            answers,
            _("proposals.csv: the published proposals with their vote counts."),
            _("votes.csv: each participant's current vote on each proposal, under pseudonymous ids."),
            _("README.md: the columns of every file, the licence and how the ids are made."),
        ],
        "closing": closing,
        "licence_url": LICENCE_URL,
        "downloads": hooks.open_data_downloads(consultation, user),
    }
