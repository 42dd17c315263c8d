"""The follow-up page's lists of items, one per source: filtered by where each item stands, the ones
that need attention first (late, then implementation deadline passed, then waiting, then answered), and
cut into pages. A national consultation hands over hundreds of items: one table of every row was
unreadable."""

from dataclasses import dataclass, replace

from django.core.paginator import Page, Paginator
from django.utils.translation import gettext_lazy as _

from .adoption import AnswerItem, counts_as_answered
from .publish import published

PER_PAGE = 25

# (value of ?status=, label, rank when sorting): the order is the page's order.
STATUS_FILTERS = (
    ("late", _("Late answers")),
    ("deadline", _("Implementation deadlines passed")),
    ("waiting", _("Waiting for an answer")),
    ("answered", _("Answered")),
)
_RANK = {key: rank for rank, (key, _label) in enumerate(STATUS_FILTERS)}


def standing(item: AnswerItem) -> str:
    """Which filter an item falls under (exactly one)."""
    state = item.state
    if state.late:
        return "late"
    if state.overdue_reason == "deadline":
        return "deadline"
    if state.latest is not None and counts_as_answered(state.status):
        return "answered"
    return "waiting"


@dataclass
class SourceList:
    report: object  # the SourceReport: its source and its figures stay the whole source's
    page: Page
    total: int  # items under the filter
    page_param: str
    previous_url: str = ""
    next_url: str = ""


def source_lists(reports, query) -> tuple[str, list[SourceList]]:
    """(the status filter in force, "" for every item; one SourceList per report)."""
    wanted = query.get("status", "")
    if wanted not in _RANK:
        wanted = ""
    lists = []
    for report in reports:
        items = [(standing(item), i, item) for i, item in enumerate(report.items)]
        if wanted:
            items = [row for row in items if row[0] == wanted]
        items.sort(key=lambda row: (_RANK[row[0]], row[1]))
        param = f"page-{report.source.key}"
        page = Paginator([item for _s, _i, item in items], PER_PAGE).get_page(query.get(param))
        # The answers shown go out through the one exit: justification, milestones' titles and reasons.
        page.object_list = [_public(item) for item in page.object_list]
        one = SourceList(report=report, page=page, total=len(items), page_param=param)
        if page.has_previous():
            one.previous_url = _with(query, param, page.previous_page_number(), report.source.key)
        if page.has_next():
            one.next_url = _with(query, param, page.next_page_number(), report.source.key)
        lists.append(one)
    return wanted, lists


def _public(item: AnswerItem) -> AnswerItem:
    if item.state.latest is None:
        return item
    return replace(item, state=replace(item.state, latest=published(item.state.latest)))


def _with(query, param: str, number: int, anchor: str) -> str:
    """The page's query string with `param` set to `number` (the other sources' pages and the filter
    kept), landing on the source's section."""
    copy = query.copy()
    copy[param] = str(number)
    return f"?{copy.urlencode()}#source-{anchor}"
