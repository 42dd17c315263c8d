"""The one way a service refuses: `ServiceError`, raised by every app's services and tasks.

It is a `ValidationError` (so a form can carry it under its fields) with an HTTP `status` (so an API or a
script gets the right code) and a translated `message` fit to show the person. Each app names its own
subclasses (`ConsultationError`, `DeliberationError`, ...) for readers of its code; views never catch an
app's type, they hand any `ServiceError` to `accounts.refusals`. A refusal about one value the person
typed names its form field (`field="closes_at"`): a page's form then shows it under that field, marked
invalid (`accounts.refusals.post_form`), instead of at the top of the form."""

from django.core.exceptions import ValidationError


class ServiceError(ValidationError):
    status = 400
    # A library's own explanation (for example the sortition core's, in English), shown after the message
    # in an element marked with its language; empty for most refusals.
    explanation = ""
    explanation_lang = ""
    # The name of the form field whose value is refused ("" when the refusal is about the whole action).
    field = ""

    def __init__(
        self, message, code: str | None = None, params=None, status: int | None = None, field: str = ""
    ) -> None:
        super().__init__(message, code=code, params=params)
        if status is not None:
            self.status = status
        if field:
            self.field = field

    @property
    def text(self) -> str:
        """The refusal as one sentence (several messages joined)."""
        return " ".join(str(message) for message in self.messages)

    def __str__(self) -> str:  # the sentence, not ValidationError's list repr (logs, str(error))
        return self.text


class NotAllowed(ServiceError):
    status = 403


class NotFound(ServiceError):
    status = 404


class Conflict(ServiceError):
    status = 409
