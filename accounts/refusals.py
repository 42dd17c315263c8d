"""The one way a view answers a refusal: a form error, a message on the next page, or JSON.

Every JSON refusal in Pacte is `{"detail": message}` (DRF's shape, the API's schema says so), whatever
the endpoint: the API, the vote, the progress polls, the error handlers."""

from collections.abc import Callable

from django.contrib import messages
from django.http import JsonResponse
from django.utils.html import format_html
from django.utils.translation import gettext as _

from . import beside as said_beside
from .errors import ServiceError


def wants_json(request) -> bool:
    """Whether refusals and errors are answered in JSON rather than as a page: the API's clients, and
    scripts asking for JSON (the vote answers JSON to `Accept: application/json`). The one rule for
    every view, error handler and middleware."""
    return request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")


def json_refusal(message, status: int, **headers) -> JsonResponse:
    response = JsonResponse({"detail": str(message)}, status=status)
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def show_refusal(request, error: ServiceError, *, beside: str | None = None) -> None:
    """The refusal as messages; a library's own explanation, if any, follows the last one in an element
    marked with its language (both escaped). `beside`: the anchor of the item they are about, said there
    (accounts/beside.py)."""
    texts = error.messages
    for i, message in enumerate(texts):
        if error.explanation and i == len(texts) - 1:
            message = format_html(
                '{} <span lang="{}">{}</span>', message, error.explanation_lang, error.explanation
            )
        messages.error(request, message, extra_tags=_tags(beside))


def _tags(beside: str | None) -> str:
    return said_beside.tag(beside) if beside else ""


def show_form_errors(request, form) -> None:
    """A form's errors as messages, each prefixed with its field's label (for a page that redirects)."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        for error in errors:
            messages.error(
                request, _("%(field)s: %(error)s") % {"field": label, "error": error} if label else error
            )


def attempt(request, action: Callable, success, *, beside: str | None = None) -> bool:
    """Call the service in `action()`; show its refusal, or the success message, as a message.
    `success` is the message, or a function of what the service returned that gives it (None: no
    message). `beside`: the anchor of the item the messages are about, said there (accounts/beside.py)."""
    try:
        result = action()
    except ServiceError as error:
        show_refusal(request, error, beside=beside)
        return False
    _succeeded(request, success, result, beside)
    return True


def _succeeded(request, success, result, beside: str | None = None) -> None:
    message = success(result) if callable(success) else success
    if message is not None:  # None: the caller says it itself (another level, or nothing)
        messages.success(request, message, extra_tags=_tags(beside))


def post_form(request, form, action: Callable, success) -> bool:
    """Validate `form` and call `action(cleaned_data)`. True once done, with the success message for the
    page redirected to. False otherwise, with the field errors and the service's refusal on `form` itself:
    the caller shows its page again with this bound form (what was typed kept, each error under its field,
    DSFR error styling), never a redirect that would empty it."""
    if not form.is_valid():
        return False
    try:
        result = action(form.cleaned_data)
    except ServiceError as error:
        add_refusal(form, error)
        form.refusal_status = error.status
        return False
    _succeeded(request, success, result)
    return True


def add_refusal(form, error: ServiceError) -> None:
    """The service's refusal on `form`: under the field it names when the form has that field (the input
    is then marked aria-invalid and described by the error, as the DSFR asks), otherwise at the top."""
    field = error.field if error.field in form.fields and not form.fields[error.field].disabled else None
    form.add_error(field, error)


def form_status(form) -> int:
    """The status of a page shown again with `form`: the service's refusal status when post_form was
    refused, 400 for fields that did not validate, 200 for a form not sent."""
    if not form.is_bound:
        return 200
    return getattr(form, "refusal_status", 400)
