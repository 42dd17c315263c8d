"""Pages of the citizen panels. Thin: read through selectors, write through services. Every action is a
plain form POST: done, it redirects with a success message; refused (bad input, or the service's
`DeliberationError`), it shows its page again with the form as sent and the errors under the fields.

One module per sub-domain, as the services (`panels`, `pool`, `selection`, `sessions`, `recommendations`,
`responses`); `_common` loads each page's object from its address. `urls.py` routes to the names
re-exported here."""

from .panels import (
    assign_facilitator,
    facilitate,
    link_consultation,
    manage,
    panel_create,
    panel_detail,
    panel_list,
    set_status,
    unassign_facilitator,
)
from .pool import IMPORT_PROBLEMS_SHOWN, import_volunteers, propose_quotas, save_quotas, volunteer, withdraw
from .recommendations import (
    cast_ballot,
    close_vote,
    create_recommendation,
    decide_amendment,
    open_vote,
    propose_amendment,
    recommendation_detail,
)
from .responses import accountability, change_milestone, complete_milestone, record_response
from .selection import (
    abandon_selection,
    replace_member,
    run_selection,
    selection_lottery,
    selection_report,
    selection_status,
)
from .sessions import (
    add_agenda_item,
    check_in,
    check_in_code,
    console,
    document_download,
    edit_agenda_item,
    member_space,
    move_agenda,
    move_agenda_item,
    remove_agenda_item,
    save_minutes,
    schedule_session,
    undo_check_in,
    upload_document,
)

__all__ = [
    "panel_list",
    "panel_detail",
    "facilitate",
    "panel_create",
    "manage",
    "set_status",
    "assign_facilitator",
    "unassign_facilitator",
    "link_consultation",
    "volunteer",
    "withdraw",
    "IMPORT_PROBLEMS_SHOWN",
    "import_volunteers",
    "save_quotas",
    "propose_quotas",
    "selection_report",
    "selection_lottery",
    "selection_status",
    "run_selection",
    "abandon_selection",
    "replace_member",
    "member_space",
    "document_download",
    "check_in_code",
    "schedule_session",
    "upload_document",
    "console",
    "move_agenda",
    "add_agenda_item",
    "check_in",
    "undo_check_in",
    "edit_agenda_item",
    "move_agenda_item",
    "remove_agenda_item",
    "save_minutes",
    "recommendation_detail",
    "propose_amendment",
    "cast_ballot",
    "create_recommendation",
    "decide_amendment",
    "open_vote",
    "close_vote",
    "accountability",
    "complete_milestone",
    "change_milestone",
    "record_response",
]
