"""Contributions imported from a CSV file (the command or the organisers' page, through a Celery
worker) and Pol.is conversations."""

from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext

from accounts import outbox
from accounts.audit import record_event
from accounts.models import AuditEvent
from accounts.progress import progress_writer, stale
from textsafety.normalise import normalise_input

from .. import rules
from ..csv_import import CsvImportError
from ..languages import BILINGUAL, language_tag
from ..models import MAX_PROPOSAL_LENGTH, Consultation, ContributionImport, PhaseChange, Proposal, Vote
from .base import Conflict, ConsultationError, NotAllowed
from .consultations import check_slug
from .votes import recount


def describe_row_error(error) -> str:
    """A translated sentence for one csv_import.RowError."""
    from .. import csv_import as ci

    reasons = {
        ci.EMPTY: _("the text is empty"),
        ci.TOO_LONG: _("the text is too long (%(detail)s characters)"),
        ci.BAD_DATE: _("the date “%(detail)s” cannot be read (expected YYYY-MM-DD or DD/MM/YYYY)"),
        ci.BROKEN_QUOTING: _("a quotation mark is not closed"),
        ci.CELL_COUNT: _("wrong number of cells (%(detail)s expected)"),
        ci.DUPLICATE: _("same text and date as line %(detail)s"),
    }
    reason = reasons.get(error.code, error.code) % {"detail": error.detail}
    return _("Line %(line)d: %(reason)s.") % {"line": error.line, "reason": reason}


def describe_file_error(error) -> str:
    """A translated sentence for a csv_import.CsvImportError."""
    from .. import csv_import as ci

    if error.code == ci.MISSING_COLUMNS:
        return _("The file has no column named %(missing)s. Its columns are: %(found)s.") % {
            "missing": ", ".join(f"“{c}”" for c in error.params["missing"]),
            "found": ", ".join(error.params["found"]) or "—",
        }
    if error.code == ci.ENCODING and error.params.get("line"):
        return _(
            "Line %(line)d holds a null character, which no text file has: please save the file as UTF-8 CSV."
        ) % {"line": error.params["line"]}
    if error.code == ci.ENCODING:
        return _("The file's character encoding cannot be read: please save it as UTF-8 CSV.")
    return _("The file is empty or its first line (the column names) cannot be read.")


@dataclass
class ImportReport:
    created: int
    skipped_existing: int
    errors: list[str]
    warnings: list[str]


IMPORT_BATCH = 1000


@transaction.atomic
def import_contributions(
    *,
    actor,
    consultation: Consultation,
    data: bytes,
    text_column: str,
    date_column: str | None = None,
    strata_columns: tuple[str, ...] = (),
    progress: Callable[[int, int], None] | None = None,
    language_column: str | None = None,
) -> ImportReport:
    """Import a CSV of contributions as published proposals. Raises csv_import.CsvImportError when the
    whole file is unusable; bad rows are reported and every other row is kept. Re-importing the same
    file creates nothing new. The rows are saved in one transaction, by batches of IMPORT_BATCH, and
    `progress(saved, to_save)` is called after each batch (the command's progress bar).

    A row's language is the file's ``language_column`` cell when there is one (a tag such as "fr" or
    "en"), and otherwise unknown: it is never guessed from the text. Importing the file again with a
    language column gives the rows imported before it the language they lacked."""
    from .. import csv_import

    if actor is not None and not rules.can_manage(actor):
        raise NotAllowed(_("Only organisers can import contributions."))
    parsed = csv_import.read_contributions(
        data,
        text_column=text_column,
        date_column=date_column,
        strata_columns=tuple(strata_columns),
        max_length=MAX_PROPOSAL_LENGTH,
        language_column=language_column,
    )
    existing = set(
        Proposal.objects.filter(consultation=consultation, source=Proposal.Source.IMPORT).values_list(
            "external_id", flat=True
        )
    )
    now = timezone.now()
    new = [
        Proposal(
            consultation=consultation,
            author_key=f"import:{row.external_id[:12]}",
            text=row.text,
            source=Proposal.Source.IMPORT,
            external_id=row.external_id,
            strata=row.strata,
            created_at=row.when or now,
            status=Proposal.Status.VISIBLE,
            language=row.language,
        )
        for row in parsed.rows
        if row.external_id not in existing
    ]
    _record_languages(consultation, [row for row in parsed.rows if row.external_id in existing])
    for start in range(0, len(new), IMPORT_BATCH):
        Proposal.objects.bulk_create(new[start : start + IMPORT_BATCH])
        if progress is not None:
            progress(min(start + IMPORT_BATCH, len(new)), len(new))
    warnings = []
    if parsed.unknown_languages:
        warnings.append(
            ngettext(
                "%(n)d row gives a language that is not a code such as fr or en: it was imported with no "
                "language.",
                "%(n)d rows give a language that is not a code such as fr or en: they were imported with no "
                "language.",
                parsed.unknown_languages,
            )
            % {"n": parsed.unknown_languages}
        )
    if "cp1252_fallback" in parsed.warnings:
        warnings.append(
            _("The file was not UTF-8: it was read as Windows-1252. Check that accents look right.")
        )
    report = ImportReport(
        created=len(new),
        skipped_existing=len(parsed.rows) - len(new),
        errors=[describe_row_error(e) for e in parsed.errors],
        warnings=warnings,
    )
    record_event(
        actor=actor,
        action="consultation.imported_csv",
        obj=consultation,
        details={
            "created": report.created,
            "skipped": report.skipped_existing,
            "bad_rows": len(parsed.errors),
        },
    )
    return report


def _record_languages(consultation: Consultation, rows) -> None:
    """Rows already imported that had no language get the one the file now gives them (never changing
    a language already recorded)."""
    by_language: dict[str, list[str]] = {}
    for row in rows:
        if row.language:
            by_language.setdefault(row.language, []).append(row.external_id)
    imported = Proposal.objects.filter(consultation=consultation, source=Proposal.Source.IMPORT, language="")
    for language, ids in by_language.items():
        imported.filter(external_id__in=ids).update(language=language)


def start_import(
    *, actor, consultation: Consultation, data: bytes, file_name: str, text_column: str,
    date_column: str | None, strata_columns: tuple[str, ...], language: str,
    language_column: str | None = None,
):  # fmt: skip
    """Record an import from the organisers' page and hand it to a Celery worker once committed; the
    page shows its progress and, when it ends, the same report as the command."""
    from ..tasks import run_contribution_import

    if not rules.can_manage(actor):
        raise NotAllowed(_("Only organisers can import contributions."))
    job = ContributionImport.objects.create(
        consultation=consultation, created_by=actor, file_name=file_name[:200], data=data,
        text_column=text_column, date_column=date_column or "", strata_columns=list(strata_columns),
        language=language, language_column=language_column or "",
    )  # fmt: skip
    record_event(actor=actor, action="consultation.import_requested", obj=consultation,
                 details={"import": job.pk, "bytes": len(data)})  # fmt: skip
    outbox.enqueue(run_contribution_import, job.pk)
    return job


#: What the organiser reads of an import whose worker stopped answering (accounts.progress.stale).
INTERRUPTED = _lazy(
    "The import did not go through (its processing was interrupted). Nothing was imported; you can start "
    "again."
)
ACTIVE = Q(state__in=(ContributionImport.State.PENDING, ContributionImport.State.RUNNING))


class _Ended(Conflict):
    """The job was ended (failed as stale) while this delivery imported it: its rows are rolled back."""


def fail_stale_imports(*, consultation: Consultation | None = None) -> int:
    """End as failed the imports whose worker stopped answering (accounts.progress.stale): nothing of them
    was committed (the import commits its rows and its result together), the file is erased, and the
    organiser may start again. Applied by the import page when it is read and by the beat
    (`consultation.fail_stale_jobs`). Returns how many it ended."""
    jobs = ContributionImport.objects.all()
    if consultation is not None:
        jobs = jobs.filter(consultation=consultation)
    ended = 0
    for pk, language in stale(jobs, ACTIVE).values_list("pk", "language"):
        with translation.override(language):
            # Guarded: a job that showed a sign of life or ended meanwhile is left alone; one whose import
            # is committing waits for it here and is then found done.
            ended += stale(ContributionImport.objects.filter(pk=pk), ACTIVE).update(
                state=ContributionImport.State.FAILED, failure=str(INTERRUPTED), finished_at=timezone.now(),
                data=b"",
            )  # fmt: skip
    return ended


def run_import(import_id: int) -> dict:
    """Import the CSV of one ContributionImport (the Celery task's work). Safe to run again (a worker
    lost mid-way): the import and its result are one transaction, which skips rows already imported.
    Progress is kept on the row, written beside that transaction (accounts.progress) so that the page sees
    it move while the rows appear only at the end, all of them or none; a run taken over after a worker was
    lost starts again from 0 %. A job ended meanwhile as stale (`fail_stale_imports`) commits nothing. The
    file is erased at the end. Messages are written in the language of the organiser who sent the file."""

    job = ContributionImport.objects.select_related("consultation", "created_by").filter(pk=import_id).first()
    if job is None or not job.is_active:  # deleted with its consultation, or already ended
        return {"import": import_id, "state": job.state if job else "deleted"}
    rows = ContributionImport.objects.filter(ACTIVE, pk=import_id)
    if not rows.update(state=ContributionImport.State.RUNNING, progress=0, heartbeat_at=timezone.now()):
        return {"import": import_id, "state": "ended"}

    def ended() -> dict:  # the file is erased once the import ends, whatever the outcome
        return {"finished_at": timezone.now(), "data": b""}

    with (
        translation.override(job.language),
        progress_writer(ContributionImport, import_id, heartbeat="heartbeat_at") as write,
    ):

        def report_progress(saved: int, to_save: int) -> None:
            write(int(100 * saved / max(to_save, 1)))

        try:
            with transaction.atomic():
                report = import_contributions(
                    actor=job.created_by, consultation=job.consultation, data=bytes(job.data),
                    text_column=job.text_column, date_column=job.date_column or None,
                    strata_columns=tuple(job.strata_columns), progress=report_progress,
                    language_column=job.language_column or None,
                )  # fmt: skip
                # The result in the rows' transaction: both committed, or neither.
                if not rows.select_for_update().exists():
                    raise _Ended(INTERRUPTED)
                rows.update(
                    state=ContributionImport.State.DONE, progress=100, created=report.created,
                    skipped_existing=report.skipped_existing, errors=[str(e) for e in report.errors],
                    warnings=[str(w) for w in report.warnings], **ended(),
                )  # fmt: skip
        except _Ended:
            return {"import": import_id, "state": ContributionImport.State.FAILED}
        except CsvImportError as exc:
            failure = describe_file_error(exc)
        except ConsultationError as exc:
            failure = exc.message
        except Exception:
            rows.update(
                state=ContributionImport.State.FAILED, failure=_("The import failed; nothing was imported."),
                **ended(),
            )  # fmt: skip
            raise
        else:
            return {"import": import_id, "created": report.created}
    rows.update(state=ContributionImport.State.FAILED, failure=str(failure)[:500], **ended())
    return {"import": import_id, "failure": str(failure)}


@dataclass
class PolisImportReport:
    consultation: Consultation
    created_consultation: bool
    proposals_created: int
    votes_stored: int


def _polis_texts(title: str, description: str, language: str) -> dict[str, str]:
    """A conversation's topic and description as a new consultation's bilingual fields: in the field of
    the conversation's language, French or English (the pages show it in the other language too, marked
    with its ``lang``: consultation.languages.shown); in both when it is not known, as the pages cannot
    say which (read in the page's language). Another language is refused before (``_check_bilingual``)."""
    base = language.split("-")[0]
    languages = [base] if base in BILINGUAL else list(BILINGUAL)
    return {
        **{f"title_{lang}": title for lang in languages},
        **{f"context_{lang}": description for lang in languages},
    }


def _check_bilingual(tag: str, slug: str) -> None:
    """A consultation's own texts (title, context) are French or English: the interface offers only
    those two and its pages mark a fallback with the field's language. A conversation in another language
    would put its topic in a field whose language the pages would then announce wrongly (a German title
    read as French), so it does not create a consultation; its statements may join one created first,
    marked with their own language (``Proposal.language``)."""
    if tag and tag.split("-")[0] not in BILINGUAL:
        raise ConsultationError(
            _(
                "A consultation's title and context are written in French (fr) or English (en); this "
                "conversation is in “%(language)s”. Create the consultation “%(slug)s” first with a French "
                "or English title, then import the conversation into it: its statements keep their "
                "language (%(language)s)."
            )
            % {"language": tag, "slug": slug}
        )


@transaction.atomic
def import_polis(*, actor, export, slug: str, language: str = "") -> PolisImportReport:
    """Load a read polis_export.PolisExport into a consultation (created, closed, when the slug is new):
    comments become proposals (moderated-out ones hidden, meta ones marked ``is_meta``: left out of the
    opinion groups, as Pol.is does), voters pseudonymous participants
    "polis:<voter-id>", each voter's last vote per comment a vote. Idempotent.

    A consultation the import creates closed when the conversation ended (``export.ended_ms``, its last
    vote): ``closes_at`` and the phase history's close say that time, not the import's
    (``_date_the_close``).

    ``language``: the conversation's, which a Pol.is export does not say (a tag such as "en"; another
    value is refused): every statement is recorded in it, and importing again with it gives it to the
    statements imported before without one; a consultation the import creates has its topic and
    description in that language's fields (``_polis_texts``), and is refused when that language is neither
    French nor English (``_check_bilingual``). Empty: nothing is recorded (never guessed)."""
    from datetime import UTC, datetime

    tag = language_tag(language)
    if language and not tag:
        raise ConsultationError(
            _("“%(value)s” is not a language code such as fr or en.") % {"value": str(language)[:40]}
        )

    if actor is not None and not rules.can_manage(actor):
        raise NotAllowed(_("Only organisers can import contributions."))

    def stamp(ms):
        return datetime.fromtimestamp(ms / 1000, tz=UTC) if ms is not None else timezone.now()

    consultation = Consultation.objects.filter(slug=slug).first()
    created = consultation is None
    if created:
        _check_bilingual(tag, slug)
        check_slug(slug)
        consultation = Consultation.objects.create(
            slug=slug,
            **_polis_texts((export.topic or export.folder.name)[:200], export.description, tag),
            phase=Consultation.Phase.CLOSED,
            created_by=actor,
        )
        record_event(actor=actor, action="consultation.created", obj=consultation, details={"from": "polis"})
    ended = stamp(export.ended_ms) if export.ended_ms is not None else None
    dated = _date_the_close(consultation, ended, created=created)
    known = dict(
        Proposal.objects.filter(consultation=consultation, source=Proposal.Source.POLIS).values_list(
            "external_id", "pk"
        )
    )
    new = []
    meta = {str(c.comment_id) for c in export.comments if c.is_meta}
    for comment in export.comments:
        if str(comment.comment_id) in known:
            continue
        hidden = comment.is_moderated_out
        new.append(
            Proposal(
                consultation=consultation,
                source=Proposal.Source.POLIS,
                external_id=str(comment.comment_id),
                author_key=f"polis:{comment.author_id}" if comment.author_id is not None else "polis:",
                text=normalise_input(comment.body).strip()[:MAX_PROPOSAL_LENGTH] or "—",
                created_at=stamp(comment.timestamp_ms),
                status=Proposal.Status.HIDDEN if hidden else Proposal.Status.VISIBLE,
                hide_reason=_("Moderated out in the original Pol.is conversation.") if hidden else "",
                is_meta=comment.is_meta,
                language=tag,
            )
        )
    Proposal.objects.bulk_create(new, batch_size=1000)
    if tag:  # statements imported before the conversation's language was given
        Proposal.objects.filter(consultation=consultation, source=Proposal.Source.POLIS, language="").update(
            language=tag
        )
    # A later export may mark (or unmark) a statement as meta: the import follows it.
    imported = Proposal.objects.filter(consultation=consultation, source=Proposal.Source.POLIS)
    imported.filter(external_id__in=meta, is_meta=False).update(is_meta=True)
    imported.exclude(external_id__in=meta).filter(is_meta=True).update(is_meta=False)
    ids = dict(
        Proposal.objects.filter(consultation=consultation, source=Proposal.Source.POLIS).values_list(
            "external_id", "pk"
        )
    )
    votes = [
        Vote(
            proposal_id=ids[str(v.comment_id)],
            participant_key=f"polis:{v.voter_id}",
            value=v.value,
            created_at=stamp(v.timestamp_ms),
            updated_at=stamp(v.timestamp_ms),
        )
        for v in export.votes
    ]
    Vote.objects.bulk_create(
        votes,
        batch_size=2000,
        update_conflicts=True,
        unique_fields=["proposal", "participant_key"],
        update_fields=["value", "updated_at"],
    )
    recount(consultation=consultation)
    record_event(
        actor=actor,
        action="consultation.imported_polis",
        obj=consultation,
        details={"proposals": len(new), "votes": len(votes), "source": export.votes_source,
                 **({"closed_at": ended} if dated else {})},
    )  # fmt: skip
    return PolisImportReport(consultation, created, len(new), len(votes))


def _date_the_close(consultation: Consultation, ended, *, created: bool) -> bool:
    """Say that an imported conversation closed when it ended: ``closes_at`` (what its page and cards say,
    "Closed on …") and the one phase change of its history (open → closed, by the platform: the Pol.is
    conversation ended) both at ``ended``.
    For a consultation this import creates, and again on a later import of it (a longer export moves the
    date; one imported before this rule gets it) as long as nobody has moved its phase since; never for
    a consultation the organisers made or moved. Returns whether it dated it."""
    if ended is None or consultation.phase != Consultation.Phase.CLOSED:
        return False
    changes = list(consultation.phase_changes.all()[:2])
    own = [c for c in changes if c.platform == PhaseChange.Platform.POLIS]
    if not created and (len(changes) > 1 or own != changes or not _created_by_polis_import(consultation)):
        return False
    Consultation.objects.filter(pk=consultation.pk).update(closes_at=ended)
    consultation.closes_at = ended
    if own:
        PhaseChange.objects.filter(pk=own[0].pk).update(created_at=ended)
    else:
        PhaseChange.objects.create(
            consultation=consultation,
            from_phase=Consultation.Phase.OPEN,
            to_phase=Consultation.Phase.CLOSED,
            actor=None,
            platform=PhaseChange.Platform.POLIS,
            created_at=ended,
        )
    return True


def _created_by_polis_import(consultation: Consultation) -> bool:
    return AuditEvent.objects.filter(
        action="consultation.created",
        object_type=consultation._meta.label_lower,
        object_id=str(consultation.pk),
        details__from="polis",
    ).exists()
