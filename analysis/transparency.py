"""How a consultation was run, in one public page (issue 21): its dates and phases, its moderation rules
and what moderation hid (counted by reason), its citizen panels with their selection reports, the
parameters and model of each published synthesis, the open-data archives with their SHA-256 checksums,
and the result of the audit-chain check (``accounts.audit.verify_chain``, as ``manage.py verify_audit``).

Nothing personal: who moved a phase is the platform (and why) or the organisers' role, never the person;
no actor of a moderation decision, no contribution text; the moderators' reasons for hiding are public
already (shown in place of each hidden proposal) and are scrubbed once more here. The audit check walks
the whole log: its result is cached for ``AUDIT_CHECK_SECONDS``; an archive's checksum is cached for as
long as the file exists (it never changes)."""

import hashlib
from collections import Counter

from django.core.cache import cache
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.audit import verify_chain
from accounts.models import AuditEvent
from consultation.models import Consultation, OpenDataExport, Proposal
from consultation.presenters import PhaseRow, closing_of, phase_history, shown_phase
from consultation.publish import scrub_text
from deliberation import selectors as deliberation_selectors
from textsafety.disclosure import MIN_CELL

from .models import Contribution, PublishedSynthesis, SynthesisVersion

AUDIT_CHECK_SECONDS = 300
_AUDIT_KEY = "pacte:transparency:audit-check"


def phases(consultation: Consultation) -> list[PhaseRow]:
    """Every phase change, oldest first: when, from, to, and who moved it as the public reads it (the
    platform and why, or the organisers' role: ``consultation.presenters.moved_by``)."""
    return phase_history(consultation)


def moderation(consultation: Consultation) -> dict:
    """The moderation mode and what it held back: hidden proposals counted by their public reason,
    proposals awaiting a moderator, contributions a published synthesis does not quote because they
    reveal a personal health condition, and the themes the organisers hid from the current synthesis."""
    proposals = consultation.proposals.order_by()
    by_status = dict(proposals.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    reasons: Counter = Counter()
    hidden = (
        proposals.filter(status=Proposal.Status.HIDDEN).values_list("hide_reason").annotate(n=Count("id"))
    )
    for reason, n in hidden.values_list("hide_reason", "n"):
        reasons[scrub_text(reason).strip() or _("No reason recorded")] += n
    published = SynthesisVersion.objects.filter(run__consultation=consultation, published_at__isnull=False)
    health = Contribution.objects.filter(
        run_id__in=published.values("run_id").distinct(), health_flag=True
    ).count()
    current = PublishedSynthesis.objects.filter(consultation=consultation).select_related("version").first()
    hidden_themes = (
        sum(1 for e in current.version.data["themes"] if e["parent"] is None and e["hidden"])
        if current
        else 0
    )
    return {
        "mode": consultation.get_moderation_display(),
        "hidden_themes": hidden_themes,
        "proposals": sum(by_status.values()),
        "hidden": by_status.get(Proposal.Status.HIDDEN, 0),
        "pending": by_status.get(Proposal.Status.PENDING, 0),
        "reasons": [
            {"reason": r, "count": n} for r, n in sorted(reasons.items(), key=lambda i: (-i[1], i[0]))
        ],
        "health_withheld": health,
    }


def panels(consultation: Consultation) -> list[dict]:
    """The consultation's panels the public may see, each with its published draw (if any)."""
    rows = []
    for panel in deliberation_selectors.public_panels().filter(consultation=consultation).order_by("id"):
        selection = deliberation_selectors.published_selection(panel)
        rows.append(
            {
                "panel": panel,
                "status": panel.get_status_display(),
                "drawn_at": selection.created_at if selection else None,
                "algorithm": selection.algorithm if selection else "",
                "has_report": selection is not None,
            }
        )
    return rows


def syntheses(consultation: Consultation) -> list[dict]:
    """Every version of the synthesis that was published, newest first, with the run that computed it:
    the embedding model, the parameters, the number of themes and how it was chosen, the labelling."""
    versions = (
        SynthesisVersion.objects.filter(run__consultation=consultation, published_at__isnull=False)
        .select_related("run")
        .order_by("-published_at", "-id")
    )
    rows = []
    for version in versions:
        run = version.run
        params = run.params or {}
        labelling = run.labelling or {}
        rows.append(
            {
                "version": version.number,
                "published_at": version.published_at,
                "action": version.get_action_display(),
                "run": run.pk,
                "computed_at": run.finished_at or run.created_at,
                "backend": params.get("backend", ""),
                "model": run.model_id,
                "seed": params.get("seed"),
                "k_requested": params.get("k"),
                "k": (run.k_selection or {}).get("k"),
                "k_explanation": run.k_explanation,
                "reweighted": bool(params.get("reference_margins")),
                "labelling": labelling.get("source", ""),
                "labelling_model": labelling.get("model", ""),
                "contributions": run.n_contributions,
                "distinct": run.n_distinct,
                "input_hash": run.input_hash,
                "min_cell": MIN_CELL,
            }
        )
    return rows


def file_sha256(export: OpenDataExport) -> str | None:
    """The archive's SHA-256 (hex), computed once per file and cached; None when the file is missing."""
    key = f"pacte:opendata-sha256:{export.pk}:{export.file.name}"
    digest = cache.get(key)
    if digest is None:
        try:
            with export.file.open("rb") as handle:
                hasher = hashlib.sha256()
                for chunk in iter(lambda: handle.read(1 << 20), b""):
                    hasher.update(chunk)
        except (OSError, ValueError):
            return None
        digest = hasher.hexdigest()
        cache.set(key, digest, None)
    return digest


def archives(consultation: Consultation) -> list[dict]:
    done = consultation.exports.filter(state=OpenDataExport.State.DONE).exclude(file="")
    rows = []
    for export in done.order_by("-finished_at", "-id"):
        digest = file_sha256(export)
        if digest is not None:
            rows.append({"export": export, "finished_at": export.finished_at, "sha256": digest})
    return rows


def audit_check() -> dict:
    """The audit chain's check, at most ``AUDIT_CHECK_SECONDS`` old: intact or not, events verified,
    when it ran, and the latest event's id and hash (so anyone may note it and compare later)."""
    result = cache.get(_AUDIT_KEY)
    if result is None:
        report = verify_chain()
        latest = AuditEvent.objects.order_by("-id").values_list("id", "hash").first()
        result = {
            "ok": report.ok,
            "checked": report.checked,
            "broken_at": report.broken_at,
            "checked_at": timezone.now(),
            "latest_id": latest[0] if latest else None,
            "latest_hash": latest[1] if latest else "",
        }
        cache.set(_AUDIT_KEY, result, AUDIT_CHECK_SECONDS)
    return result


def transparency(consultation: Consultation) -> dict:
    return {
        "consultation": consultation,
        # Planned while open (or a draft), when it closed once closed: the consultation pages' wording.
        "closing": closing_of(consultation),
        # Closed from its closing time on, as on the consultation pages (before the beat moves its phase).
        "shown_phase": shown_phase(consultation),
        "phases": phases(consultation),
        "moderation": moderation(consultation),
        "panels": panels(consultation),
        "syntheses": syntheses(consultation),
        "archives": archives(consultation),
        "audit": audit_check(),
        "audit_cache_minutes": AUDIT_CHECK_SECONDS // 60,
    }
