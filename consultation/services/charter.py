"""The charter: organisers edit it (each change a new version), citizens accept it before they
contribute."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.audit import record_event
from accounts.models import ConsentRecord
from accounts.services import record_consent
from textsafety.normalise import normalises_text

from .. import rules
from ..either_language import NEEDS, missing
from ..models import CharterVersion, Consultation
from ..selectors import accepted_an_earlier_charter, charter_texts, has_accepted_charter
from .base import CharterRequired, Conflict, ConsultationError, NotAllowed


def _clean_charter_text(text: str) -> str:
    return "\n".join(line.rstrip() for line in (text or "").replace("\r\n", "\n").strip().split("\n"))


@normalises_text
@transaction.atomic
def update_charter(*, actor, consultation: Consultation, text_fr: str, text_en: str = "") -> bool:
    """Replace the charter's text. A changed text becomes the next version (audited): everyone must then
    accept it before their next contribution, and what they contributed before stays. Returns False
    when the text is unchanged (no new version)."""
    from ..charter import MAX_CHARTER_LENGTH

    locked = Consultation.objects.select_for_update().get(pk=consultation.pk)
    if actor is not None and not rules.can_manage(actor):
        raise NotAllowed(_("Only organisers can edit the charter."))
    if locked.phase not in rules.CHARTER_EDITABLE_PHASES:
        raise NotAllowed(_("The charter can only be changed while the consultation is a draft or open."))
    text_fr, text_en = _clean_charter_text(text_fr), _clean_charter_text(text_en)
    if missing(text_fr, text_en):
        raise ConsultationError(str(NEEDS["charter"]), field="text_fr")
    if max(len(text_fr), len(text_en)) > MAX_CHARTER_LENGTH:
        raise ConsultationError(
            _("The charter can have at most %(max)d characters per language.") % {"max": MAX_CHARTER_LENGTH}
        )
    if (text_fr, text_en) == charter_texts(locked):
        return False
    previous = locked.charter_version
    locked.charter_version = previous + 1
    locked.save(update_fields=["charter_version"])
    CharterVersion.objects.create(
        consultation=locked,
        version=locked.charter_version,
        text_fr=text_fr,
        text_en=text_en,
        created_by=actor,
    )
    record_event(
        actor=actor,
        action="consultation.charter_changed",
        obj=locked,
        details={"from": previous, "to": locked.charter_version},
    )
    consultation.charter_version = locked.charter_version
    return True


@transaction.atomic
def accept_charter(*, user, consultation: Consultation, version: int | None = None) -> None:
    """Record the acceptance of the current version. `version` is the one the person read (the form
    carries it): if the charter changed meanwhile, nothing is recorded and they are asked to read it."""
    if not rules.can_contribute(user, consultation):
        raise NotAllowed(_("This consultation is not open for contributions."))
    consultation.charter_version = (
        Consultation.objects.filter(pk=consultation.pk).values_list("charter_version", flat=True).get()
    )
    if version is not None and version != consultation.charter_version:
        raise Conflict(_("The charter has just changed: please read the new version before accepting it."))
    if not has_accepted_charter(user, consultation):
        record_consent(
            user=user,
            purpose=ConsentRecord.Purpose.CHARTER,
            version=consultation.charter_consent_version,
            granted=True,
        )


def _check_can_contribute(user, consultation: Consultation) -> None:
    if not getattr(user, "is_authenticated", False):
        raise NotAllowed(_("Please sign in to take part."))
    if not rules.can_contribute(user, consultation):
        raise NotAllowed(_("This consultation is not open: contributions are closed."))
    if not has_accepted_charter(user, consultation):
        raise CharterRequired(changed=accepted_an_earlier_charter(user, consultation))
