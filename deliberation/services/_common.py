"""What the service modules of the panels share: the refusal types, the permission check, the audit
record of the panel's team, the lock taken while a draw reads the pool, the lazy import of the sortition
core and the e-mail to the panel's members."""

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts import outbox
from accounts.audit import record_event
from accounts.errors import ServiceError

from .. import rules
from ..draw_messages import LIBRARY_LANGUAGE
from ..models import Panel


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


def _tell_panel(kind: str, object_id: int) -> None:
    """Once committed, e-mail the panel's members (deliberation.notifications.PANEL_NOTICES)."""
    from ..tasks import notify_panel

    outbox.enqueue(notify_panel, kind, object_id)
