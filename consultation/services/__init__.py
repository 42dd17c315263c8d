"""Every write that matters in a consultation. Keyword-only, one transaction each.

Phase and permission checks go through rules.py. Organiser and moderator actions, charter acceptance
and proposals are written to the audit log; answers and votes are not (they are many, and their own
rows, with timestamps, are the record).

One module per sub-domain, all re-exported here, so that `services.cast_vote(...)` and
`from consultation.services import cast_vote` work wherever the function lives:

- base.py: the refusals (ConsultationError and its kinds) and the participant key;
- consultations.py: create, edit, change phase, questionnaire (organisers);
- closing.py: closing the consultations whose closing time has passed (the beat);
- charter.py: the charter's versions and their acceptance;
- answers.py, proposals.py, votes.py: what citizens contribute;
- moderation.py: reports and moderators' decisions;
- imports.py: CSV and Pol.is imports;
- open_data.py: the open-data archive;
- gdpr.py: a person's export and the erasure handlers.
"""

from .answers import required_left_blank, save_answers, withdraw_answers
from .base import CharterRequired, Conflict, ConsultationError, NotAllowed, participant_key_for
from .charter import accept_charter, update_charter
from .closing import close_due_consultations, close_if_due
from .consultations import (
    CONSULTATION_FIELDS,
    SCALE_LABELS,
    add_question,
    check_changed_settings,
    create_consultation,
    delete_question,
    set_question_required,
    transition,
    update_consultation,
)
from .gdpr import erase_proposals, erase_votes, export_user_data, withdraw_open_data
from .imports import (
    IMPORT_BATCH,
    ImportReport,
    PolisImportReport,
    describe_file_error,
    describe_row_error,
    fail_stale_imports,
    import_contributions,
    import_polis,
    run_import,
    start_import,
)
from .moderation import moderate, report_proposal
from .open_data import build_export, request_open_data_export
from .proposals import clean_proposal_text, submit_proposal
from .votes import VOTE_VALUES, VoteOutcome, cast_vote, recount, try_cast_vote

__all__ = [
    "ConsultationError",
    "NotAllowed",
    "CharterRequired",
    "Conflict",
    "participant_key_for",
    "SCALE_LABELS",
    "CONSULTATION_FIELDS",
    "create_consultation",
    "update_consultation",
    "check_changed_settings",
    "transition",
    "close_due_consultations",
    "close_if_due",
    "add_question",
    "delete_question",
    "set_question_required",
    "update_charter",
    "accept_charter",
    "save_answers",
    "withdraw_answers",
    "required_left_blank",
    "clean_proposal_text",
    "submit_proposal",
    "VOTE_VALUES",
    "VoteOutcome",
    "cast_vote",
    "try_cast_vote",
    "recount",
    "report_proposal",
    "moderate",
    "describe_row_error",
    "describe_file_error",
    "fail_stale_imports",
    "ImportReport",
    "IMPORT_BATCH",
    "import_contributions",
    "start_import",
    "run_import",
    "PolisImportReport",
    "import_polis",
    "request_open_data_export",
    "build_export",
    "export_user_data",
    "erase_votes",
    "erase_proposals",
    "withdraw_open_data",
]
