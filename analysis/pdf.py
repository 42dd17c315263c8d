"""The synthesis as a PDF: drawn by WeasyPrint once per content, then read from storage.

Drawing takes seconds (6-9 s for the demo synthesis); the HTML it is drawn from takes a fraction of
that. So the HTML is rendered on each request and its sha256 names the stored file: the same content is
read back, and anything that changes what the PDF shows (a quote hidden by moderators or erased with its
author's account, new opinion groups, the reader's language) changes the HTML, hence the name, and the
PDF is drawn again once. Publishing a version draws its French and English PDFs in a Celery task
(``tasks.build_report_pdfs``), so the first reader waits for nothing.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils.translation import get_language, override


def report_html(context: dict) -> str:
    """The HTML the PDF is drawn from; the same for every reader of a version in one language."""
    # On paper the maps' skip links lead nowhere: the PDF leaves them out (the page keeps them).
    context = {**context, "for_print": True, "LANGUAGE_CODE": get_language()}
    return render_to_string("analysis/report_pdf.html", context)


def storage_name(context: dict, html: str) -> str:
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32]
    return f"syntheses/{context['consultation'].slug}/v{context['version'].pk}-{get_language()}-{digest}.pdf"


def draw(html: str) -> bytes:
    from weasyprint import HTML

    return HTML(string=html, base_url=settings.PACTE_SITE_URL + "/").write_pdf()


def report_pdf(context: dict, *, store: bool) -> bytes:
    """The PDF of the synthesis page's ``context``: from storage when this content was drawn before,
    otherwise drawn now (and stored when ``store``)."""
    html = report_html(context)
    if not store:
        return draw(html)
    name = storage_name(context, html)
    if default_storage.exists(name):
        with default_storage.open(name, "rb") as handle:
            return handle.read()
    pdf = draw(html)
    default_storage.save(name, ContentFile(pdf))
    return pdf


def build_published(consultation, version) -> list[str]:
    """Draw and store the PDF of a published version in every language of the site; the names."""
    from . import selectors
    from .views import report_context

    names = []
    for language, _name in settings.LANGUAGES:
        with override(language):
            context = report_context(consultation, version, selectors.published_version(consultation))
            report_pdf(context, store=True)
            names.append(storage_name(context, report_html(context)))
    return names
