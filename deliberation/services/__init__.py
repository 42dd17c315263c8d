"""Writes that matter for citizen panels. Keyword-only, one transaction each, permission checked through
`rules.py`, audited with `record_event`. Bad input raises `DeliberationError` (a `ServiceError` with a
translated message): views show it, nothing already saved is lost.

One module per sub-domain, every public name re-exported here (`from deliberation import services;
services.create_panel(...)`):

- `panels`: creation, consultation link, status, facilitators;
- `pool`: volunteering, leaving the pool, the purge of expired pools;
- `pool_import`: the organisers' CSV file of volunteers;
- `quotas`: quotas set by hand or proposed from the population shares;
- `selection`: the draw, its progress, failure and result, the lottery, replacing a member;
- `sessions`: sessions, agenda, documents, attendance, minutes;
- `recommendations`: recommendations, amendments, ballots;
- `responses`: decision-makers' answers and their milestones;
- `_common`: the refusal types and the helpers the modules share."""

from ..draw_messages import public_value_refusal_message
from ._common import DeliberationError, SortitionRefusal, load_sortition
from .panels import (
    assign_facilitator,
    create_panel,
    link_consultation,
    set_panel_status,
    unassign_facilitator,
)
from .pool import (
    PoolPurge,
    purge_expired_pools,
    seated_member_leaves_message,
    volunteer,
    withdraw_volunteering,
)
from .pool_import import RESERVED_COLUMNS, ImportProblem, ImportReport, import_volunteers
from .quotas import QuotaInput, propose_quotas, replace_quotas
from .recommendations import (
    accept_amendment,
    cast_ballot,
    close_vote,
    create_recommendation,
    open_vote,
    propose_amendment,
    reject_amendment,
    vote_session_too_early_message,
    vote_suspended_message,
)
from .responses import change_milestone, complete_milestone, record_response, response_date_problems
from .selection import (
    LotteryChanged,
    abandon_selection,
    await_public_value,
    enter_public_value,
    lottery_file,
    publish_lottery,
    record_selection_failure,
    record_selection_result,
    redraw,
    refuse_second_draw,
    replace_member,
    replacement_reason_required_message,
    selection_inputs,
    set_selection_progress,
    start_selection,
    taken_over_lottery,
)
from .sessions import (
    add_agenda_item,
    check_in,
    check_in_with_code,
    edit_agenda_item,
    end_session,
    move_agenda,
    move_agenda_item,
    remove_agenda_item,
    reopen_refusal,
    reopen_session,
    save_minutes,
    schedule_session,
    undo_check_in,
    upload_document,
)

__all__ = [
    "DeliberationError",
    "LotteryChanged",
    "SortitionRefusal",
    "load_sortition",
    "create_panel",
    "link_consultation",
    "set_panel_status",
    "assign_facilitator",
    "unassign_facilitator",
    "seated_member_leaves_message",
    "volunteer",
    "withdraw_volunteering",
    "PoolPurge",
    "purge_expired_pools",
    "ImportProblem",
    "ImportReport",
    "RESERVED_COLUMNS",
    "import_volunteers",
    "QuotaInput",
    "replace_quotas",
    "propose_quotas",
    "start_selection",
    "taken_over_lottery",
    "selection_inputs",
    "set_selection_progress",
    "record_selection_failure",
    "abandon_selection",
    "await_public_value",
    "enter_public_value",
    "public_value_refusal_message",
    "refuse_second_draw",
    "record_selection_result",
    "publish_lottery",
    "lottery_file",
    "redraw",
    "replacement_reason_required_message",
    "replace_member",
    "schedule_session",
    "add_agenda_item",
    "edit_agenda_item",
    "move_agenda_item",
    "remove_agenda_item",
    "move_agenda",
    "end_session",
    "reopen_refusal",
    "reopen_session",
    "upload_document",
    "check_in",
    "undo_check_in",
    "check_in_with_code",
    "save_minutes",
    "create_recommendation",
    "propose_amendment",
    "accept_amendment",
    "reject_amendment",
    "vote_session_too_early_message",
    "vote_suspended_message",
    "open_vote",
    "cast_ballot",
    "close_vote",
    "response_date_problems",
    "record_response",
    "complete_milestone",
    "change_milestone",
]
