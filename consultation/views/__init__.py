"""Citizen, moderator and organiser pages. Thin: forms in, services called, refusals shown through
accounts.refusals. One module per sub-domain, re-exported here for urls.py:

- common.py: what the pages share (the consultation a page is about, next address, progress answer);
- participation.py: list, consultation page, charter acceptance, questionnaire;
- proposals.py: proposals list and page, proposing, reporting, "my contributions";
- vote.py: the vote (the busiest path, alone in its module);
- moderation.py: the moderators' queue;
- results.py: results and open data;
- manage.py: organisers' settings, phase, charter, questions;
- imports.py: organisers' CSV import.
"""

from .imports import import_file, import_progress
from .manage import change_phase, charter, delete_question, manage, question_required, questions
from .moderation import moderate, moderation
from .participation import (
    accept_charter,
    answer,
    consultation_list,
    detail,
    discard_answers_draft,
    withdraw_answers,
)
from .proposals import my_contributions, proposal_detail, proposals, propose, report
from .results import open_data, open_data_download, open_data_progress, results
from .vote import vote

__all__ = [
    "consultation_list",
    "detail",
    "accept_charter",
    "discard_answers_draft",
    "withdraw_answers",
    "answer",
    "proposals",
    "proposal_detail",
    "propose",
    "report",
    "my_contributions",
    "vote",
    "moderation",
    "moderate",
    "results",
    "open_data",
    "open_data_progress",
    "open_data_download",
    "manage",
    "change_phase",
    "charter",
    "questions",
    "delete_question",
    "question_required",
    "import_progress",
    "import_file",
]
