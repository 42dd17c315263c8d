"""The refusals of every consultation service (accounts.errors.ServiceError subclasses) and the
participant key a citizen's votes and proposals are stored under."""

from django.utils.translation import gettext as _

from accounts.errors import ServiceError


class ConsultationError(ServiceError):
    """A refused action of a consultation: a translated `message` and a `status` (accounts.errors)."""


class NotAllowed(ConsultationError):
    status = 403


class CharterRequired(ConsultationError):
    status = 403

    def __init__(self, changed: bool = False):
        super().__init__(
            _("The consultation's charter has changed: please read and accept the new version to go on.")
            if changed
            else _("Please accept the consultation's charter before your first contribution.")
        )


class Conflict(ConsultationError):
    status = 409


def participant_key_for(user) -> str:
    return f"u{user.pk}"
