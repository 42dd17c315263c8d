"""What the consultation pages share: the object a page is about, the next address, the progress
answer polled by pages with long work."""

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from ..models import Consultation

PAGE_SIZE = 20


def consultation_from(slug, **_kwargs) -> Consultation:
    """The consultation a page is about, loaded before its rule is decided (accounts/permissions.py)."""
    return get_object_or_404(Consultation, slug=slug)


def upload_limit_mb() -> float:
    return settings.PACTE_IMPORT_PAGE_MAX_MB


def oldest_active(jobs):
    """Of recent jobs (newest first), the oldest still waiting or running: the one a worker most likely
    has in hand. None when all have ended."""
    return next((job for job in reversed(jobs) if job.is_active), None)


def progress_answer(job, **details) -> JsonResponse:
    """What the pages with long work poll (static/pacte/live-progress.js)."""
    if job is None:
        return JsonResponse({"active": False})
    return JsonResponse(
        {
            "active": True,
            "status_label": str(job.get_state_display()),
            "percent": job.progress,
            # Translators: a percentage; French puts a no-break space before the sign.
            "percent_label": _("%(percent)s%%") % {"percent": job.progress},
            **details,
        }
    )


def next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next")
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return target
    return default


def consultation_url(consultation) -> str:
    return reverse("consultation:detail", args=[consultation.slug])
