"""A person's consultation data: their export, and the erasure handlers of the personal-data
registry (consultation/personal_data.py)."""

from django.db import transaction

from ..models import Answer, Consultation, OpenDataExport, PhaseChange, Proposal, Report, Vote
from .open_data import request_open_data_export
from .votes import recount


def export_user_data(user) -> dict:
    return {
        "proposals": [
            {
                "consultation": p.consultation.slug,
                "text": p.text,
                "status": p.status,
                "hide_reason": p.hide_reason,
                "at": p.created_at.isoformat(),
            }
            for p in Proposal.objects.filter(author=user).select_related("consultation")
        ],
        "votes": [
            {
                "proposal": v.proposal_id,
                "value": Vote.Value(v.value).name.lower(),
                "at": v.updated_at.isoformat(),
            }
            for v in Vote.objects.filter(user=user)
        ],
        "answers": [
            {
                "question": a.question.text_fr or a.question.text_en,  # either may be the only one
                "choices": [c.label_fr or c.label_en for c in a.choices.all()],
                "text": a.text,
            }
            for a in Answer.objects.filter(user=user).select_related("question").prefetch_related("choices")
        ],
        "reports": [
            {"proposal": r.proposal_id, "reason": r.reason} for r in Report.objects.filter(reporter=user)
        ],
    }


def erase_votes(user, keep_pseudonymous: bool) -> None:
    """Personal-data registry handler: votes are public contributions, kept under the pseudonym or
    deleted with the counters they fed recomputed."""
    if keep_pseudonymous:
        return
    touched = set(Vote.objects.filter(user=user).values_list("proposal_id", flat=True))
    Vote.objects.filter(user=user).delete()
    recount(touched)


def erase_proposals(user, keep_pseudonymous: bool) -> None:
    """Personal-data registry handler: proposals are deleted, or kept under the pseudonym without the
    profile answers copied on them; one still awaiting moderation was never public and goes either way."""
    mine = Proposal.objects.filter(author=user)
    if keep_pseudonymous:
        mine.filter(status=Proposal.Status.PENDING).delete()
        mine.update(strata={})
    else:
        mine.delete()


def withdraw_open_data(user, keep_pseudonymous: bool) -> None:
    """Personal-data registry handler: the open-data archives of every consultation the person
    contributed to hold their answers, proposals and votes. When these go, the archives go (rows now,
    files once the erasure is committed) and a fresh one is built for each consultation that had one
    ready. Under the pseudonym the contributions stay public, and so do the archives."""
    if keep_pseudonymous:
        return
    consultations = (
        set(Answer.objects.filter(user=user).values_list("question__consultation_id", flat=True))
        | set(Proposal.objects.filter(author=user).values_list("consultation_id", flat=True))
        | set(Vote.objects.filter(user=user).values_list("proposal__consultation_id", flat=True))
    )
    withdraw_archives(OpenDataExport.objects.filter(consultation_id__in=consultations))


def withdraw_archives(exports) -> None:
    """Withdraw the open-data archives `exports` (a queryset): their rows now, their files once the
    transaction is committed, and a fresh archive requested for each consultation that had one ready."""
    exports = list(exports)
    if not exports:
        return
    rebuild = {e.consultation_id for e in exports if e.state == OpenDataExport.State.DONE}
    files = [e.file for e in exports if e.file]
    OpenDataExport.objects.filter(pk__in=[e.pk for e in exports]).delete()

    def remove_files() -> None:
        for file in files:
            file.storage.delete(file.name)

    transaction.on_commit(remove_files)
    for consultation in Consultation.objects.filter(pk__in=rebuild):
        request_open_data_export(actor=None, consultation=consultation)


def withdraw_answers_from_archives(consultation: Consultation) -> None:
    """Answers taken back leave the archives that published them. An archive publishes answers only when
    built while the consultation's results were public (`opendata.build_archive`); answers can be taken
    back only while it is open again, so the archives that may hold them are those requested before it
    was last reopened. Archives built since (no answers) stay, so taking answers back twice rebuilds
    nothing more."""
    reopened = (
        PhaseChange.objects.filter(
            consultation=consultation, from_phase=Consultation.Phase.CLOSED, to_phase=Consultation.Phase.OPEN
        )
        .order_by("-created_at")
        .values_list("created_at", flat=True)
        .first()
    )
    if reopened is not None:
        withdraw_archives(OpenDataExport.objects.filter(consultation=consultation, created_at__lt=reopened))
