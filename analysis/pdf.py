"""The synthesis as a PDF: drawn by WeasyPrint once per content, then read from storage.

Drawing takes seconds (6-9 s for the demo synthesis); the HTML it is drawn from takes a fraction of
that. So the HTML is rendered on each request and its sha256 names the stored file: the same content is
read back, and anything that changes what the PDF shows (a quote hidden by moderators or erased with its
author's account, new opinion groups, the reader's language) changes the HTML, hence the name, and the
PDF is drawn again once. Publishing a version draws its French and English PDFs in a Celery task
(``tasks.build_report_pdfs``), so the first reader waits for nothing, and removes the PDFs of the
versions it replaced (``remove_superseded``): only the published version's are ever read again.
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


def folder(consultation) -> str:
    return f"syntheses/{consultation.slug}"


def storage_name(context: dict, html: str) -> str:
    digest = hashlib.sha256(html.encode("utf-8")).hexdigest()[:32]
    return f"{folder(context['consultation'])}/v{context['version'].pk}-{get_language()}-{digest}.pdf"


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
    remove_superseded(consultation, version, keep=names)
    return names


def remove_superseded(consultation, version, keep: list[str] = ()) -> list[str]:
    """Delete the consultation's stored PDFs that no reader will get again: those of other versions
    (a version replaced by a newer publication), and those of ``version`` drawn from an earlier content
    (e.g. before a quote was hidden) when ``keep`` names the current ones. The names removed."""
    base = folder(consultation)
    try:
        _dirs, files = default_storage.listdir(base)
    except FileNotFoundError:
        return []
    current = f"v{version.pk}-"
    kept = {name.rsplit("/", 1)[-1] for name in keep}
    removed = []
    for name in files:
        if not name.endswith(".pdf") or (name.startswith(current) and (not kept or name in kept)):
            continue
        default_storage.delete(f"{base}/{name}")
        removed.append(f"{base}/{name}")
    return removed
