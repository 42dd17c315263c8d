"""The open-data archive of a consultation: CSV files and a README, under Licence Ouverte 2.0.

Participants appear under a pseudonymous id: an HMAC of their participant key keyed by the pseudonym key
(PACTE_PSEUDONYM_KEY, never Django's SECRET_KEY) and the consultation, so ids cannot be reversed to
accounts without that key nor linked across consultations.
"""

import datetime as dt
import hashlib
import hmac
import io
import zipfile
from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.utils import timezone, translation

from textsafety.spreadsheet import safe_writer

from . import rules, selectors
from .languages import language_of, shown
from .models import Answer, Consultation, Vote
from .publish import public_text

LICENCE = "Licence Ouverte 2.0 (Etalab)"
LICENCE_URL = "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"


def _title_in_french_first(consultation) -> str:
    """The README's title: the French one, else the English one (an import may give only that)."""
    with translation.override("fr"):
        return shown(consultation, "title").text


README = """# Open data: {title}

Consultation `{slug}` on Pacte, phase "{phase}", exported on {date}.
Closing time: {closes_at} (open: when it closes; closed: when it closed).
Licence: {licence}, {licence_url}
Attribution: "Pacte — consultation {slug}".

Participants are identified by a pseudonymous id (`participant`): a salted hash that is the same
for one person across the files of this archive, and cannot be traced back to an account nor linked
to another consultation. Dates are in UTC (ISO 8601).

## questions.csv
question_id, position, kind (single | multiple | scale | open), text_fr, text_en, choice_id, choice_fr,
choice_en, required (true | false: the participants had to answer it to save their answers, which
weighs on how its response rate reads) — one row per choice (open questions: one row, choice columns
empty).

## answers.csv
participant, question_id, choice_id (closed questions: one row per choice ticked), text (open
questions), answered_at. Answers are published once the consultation closes, as its results are: an
archive built while it is open has this file with its header only.

Texts written by participants (answers and proposals) are published as the synthesis shows them:
personal data (e-mail addresses, phone numbers, social-security numbers, IBANs, street addresses) is
replaced by a placeholder such as [phone], and a text that reveals a person's health is left empty.
A cell that a spreadsheet would read as a formula begins with a single quote.

## proposals.csv
proposal_id, created_at, source (platform | import | polis), author (pseudonymous id), status (visible |
hidden), text (empty when hidden, or withheld as revealing a person's health),
hide_reason (public reason given by moderators), agree, disagree,
pass (vote counts), language (the language the text is written in, as a lower-case language tag: fr,
en, en-gb; empty when unknown, or when text is empty). Proposals awaiting moderation are not included.

## votes.csv
participant, proposal_id, vote (agree | disagree | pass), voted_at — each participant's current vote.
"""

VOTE_NAMES = {Vote.Value.AGREE: "agree", Vote.Value.DISAGREE: "disagree", Vote.Value.PASS: "pass"}


def pseudonym(consultation: Consultation, participant_key: str) -> str:
    key = f"{settings.PACTE_PSEUDONYM_KEY}:open-data:{consultation.slug}".encode()
    return hmac.new(key, participant_key.encode(), hashlib.sha256).hexdigest()[:16]


def _csv(header: list[str], rows) -> bytes:
    buffer = io.StringIO()
    writer = safe_writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def build_archive(
    consultation: Consultation, progress: Callable[[int], None] = lambda percent: None
) -> bytes:
    def questions():
        for q in consultation.questions.prefetch_related("choices"):
            choices = list(q.choices.all()) or [None]
            for c in choices:
                yield [q.pk, q.position, q.kind, q.text_fr, q.text_en,
                       c.pk if c else "", c.label_fr if c else "", c.label_en if c else "",
                       "true" if q.required else "false"]  # fmt: skip

    def answers():
        # No live results (rules.can_view_results, as the results page and the API's answer counts): an
        # archive of an open consultation, which anyone may download, would publish every answer so far,
        # and keep those the participants take back afterwards.
        if not rules.can_view_results(AnonymousUser(), consultation):
            return
        rows = (
            Answer.objects.filter(question__consultation=consultation)
            .prefetch_related("choices")
            .order_by("id")
        )
        for a in rows.iterator(chunk_size=2000):
            who, when = pseudonym(consultation, f"u{a.user_id}"), a.updated_at.isoformat()
            if a.text:
                yield [who, a.question_id, "", public_text(a) or "", when]
            for c in a.choices.all():
                yield [who, a.question_id, c.pk, "", when]

    def proposals():
        rows = selectors.public_proposals(consultation).order_by("id")
        for p in rows.iterator(chunk_size=2000):
            author = pseudonym(consultation, p.author_key) if p.author_key else ""
            text = public_text(p) or ""
            yield [p.pk, p.created_at.isoformat(), p.source, author, p.status, text, p.hide_reason,
                   p.agree_count, p.disagree_count, p.pass_count, language_of(p) if text else ""]  # fmt: skip

    def votes():
        for v in (
            selectors.public_votes(consultation)
            .order_by("id")
            .values_list("participant_key", "proposal_id", "value", "updated_at")
            .iterator(chunk_size=5000)
        ):
            yield [pseudonym(consultation, v[0]), v[1], VOTE_NAMES[v[2]], v[3].isoformat()]

    files = [
        ("questions.csv", ["question_id", "position", "kind", "text_fr", "text_en", "choice_id", "choice_fr",
                           "choice_en", "required"], questions),  # new columns at the end only
        ("answers.csv", ["participant", "question_id", "choice_id", "text", "answered_at"], answers),
        ("proposals.csv", ["proposal_id", "created_at", "source", "author", "status", "text", "hide_reason",
                           "agree", "disagree", "pass", "language"], proposals),
        ("votes.csv", ["participant", "proposal_id", "vote", "voted_at"], votes),
    ]  # fmt: skip
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for done, (name, header, rows) in enumerate(files):
            archive.writestr(name, _csv(header, rows()))
            progress(round(100 * (done + 1) / (len(files) + 1)))
        archive.writestr(
            "README.md",
            README.format(
                title=_title_in_french_first(consultation),
                slug=consultation.slug,
                phase=consultation.phase,
                closes_at=consultation.closes_at.astimezone(dt.UTC).isoformat()
                if consultation.closes_at
                else "none set",
                date=timezone.now().date().isoformat(),
                licence=LICENCE,
                licence_url=LICENCE_URL,
            ),
        )
    progress(100)
    return buffer.getvalue()
