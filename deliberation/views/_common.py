"""What the panel pages share: each page's object, loaded from its address before its rule is decided
(`accounts.permissions.require_rule(..., object_from=...)`), and the upload limit."""

from django.conf import settings
from django.shortcuts import get_object_or_404

from .. import selectors
from ..models import Amendment, Document, Milestone, Panel, PanelMember, Recommendation, Selection, Session


def _public_panel(pk: int | None = None) -> Panel | None:
    return get_object_or_404(selectors.public_panels(), pk=pk) if pk is not None else None


def _panel(pk: int, **_kwargs) -> Panel:
    return get_object_or_404(Panel, pk=pk)


def _session(pk: int) -> Session:
    return get_object_or_404(Session.objects.select_related("panel"), pk=pk)


def _recommendation(pk: int) -> Recommendation:
    return get_object_or_404(Recommendation.objects.select_related("panel", "session"), pk=pk)


def _document(pk: int) -> Document:
    return get_object_or_404(Document.objects.select_related("panel"), pk=pk)


def _amendment(pk: int) -> Amendment:
    return get_object_or_404(Amendment.objects.select_related("recommendation__panel"), pk=pk)


def _selection(pk: int) -> Selection:
    return get_object_or_404(Selection.objects.select_related("panel"), pk=pk)


def _member(pk: int) -> PanelMember:
    return get_object_or_404(PanelMember.objects.select_related("panel"), pk=pk)


def _milestone(pk: int) -> Milestone:
    return get_object_or_404(Milestone.objects.select_related("response__recommendation__panel"), pk=pk)


def _upload_limit_mb() -> float:
    return settings.PACTE_IMPORT_PAGE_MAX_MB
