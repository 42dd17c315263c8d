"""The digest: each citizen hears what became of their contributions, by e-mail, weekly (default),
immediately or never, as they chose (accounts.notification_preferences). See docs/notifications.md.

Two kinds of news, both public facts joined up by the trace (analysis/trace.py):

- a decision-maker answered a panel recommendation confirmed as linked to a published theme where the
  person's proposal or open answer landed (``DigestItem.Kind.ANSWER``, one per answer);
- the synthesis of a consultation citing their contribution was published (``SYNTHESIS``, once per
  consultation: publishing a corrected version does not tell them again);
- a decision-maker answered their own published proposal (``PROPOSAL``, one per answer);
- a decision-maker answered a published theme where their proposal or open answer landed (``THEME``, one
  per answer; a publication also brings the answers already given to its themes).

The periodic task ``analysis.send_digests`` (Celery beat, every PACTE_DIGEST_SWEEP_SECONDS) does both
steps, each safe to run twice or at the same time as another:

1. ``collect``: the answers recorded, links confirmed and syntheses published in the last
   PACTE_DIGEST_LOOKBACK_DAYS that were not collected yet (a "collected" key in ``accounts.SentNotice``,
   claimed in the same transaction as the rows) become ``DigestItem`` rows, one per person and thing.
2. ``due_user_ids`` / ``send_digest``: the people with news due (immediate: any; weekly: news older than
   the latest weekly slot, PACTE_DIGEST_WEEKDAY at PACTE_DIGEST_HOUR) get one e-mail each, in their
   language. Each piece of news claims its notice key (``digest:<kind>:<id>:user:<id>``) in the
   transaction that sends: it goes out once, and a send that fails (mail server down) is retried.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from accounts.models import SentNotice, User
from accounts.notices import notice, site_url, wants_notices, wants_notices_q
from accounts.notification_preferences import (
    Digest,
    chosen_language,
    digest_frequency,
    digest_q,
    unsubscribe_headers,
    unsubscribe_url,
)
from consultation.answers import proposal_label, public_justification
from consultation.models import Proposal, ProposalAnswer
from deliberation.models import DecisionMakerResponse
from deliberation.presenters import public_title

from .models import DigestItem, PublishedSynthesis, ThemeAnswer, ThemeRecommendationLink
from .report import theme_label
from .trace import (
    PUBLIC_RECOMMENDATION_STATUSES,
    citizens_by_entry,
    entries_of_themes,
    entry_theme_id,
    public_entries,
)

CHUNK = 1000


# --- 1. Collect the news -----------------------------------------------------------------------------


def collect(now: dt.datetime | None = None) -> int:
    """Turn the events of the last PACTE_DIGEST_LOOKBACK_DAYS not collected yet into news for each person
    concerned; returns how many pieces of news were added."""
    now = now or timezone.now()
    since = now - dt.timedelta(days=settings.PACTE_DIGEST_LOOKBACK_DAYS)
    memo: dict = {}  # who is in which theme, per published version: read once per collection
    added = 0
    published = PublishedSynthesis.objects.filter(published_at__gte=since).select_related("version")
    for synthesis in published.order_by("published_at"):
        added += _once(f"digest.collected:synthesis:{synthesis.version_id}", _synthesis_news, synthesis, memo)
    answers = DecisionMakerResponse.objects.filter(
        created_at__gte=since, recommendation__status__in=PUBLIC_RECOMMENDATION_STATUSES
    )
    for response in answers.select_related("recommendation").order_by("created_at", "id"):
        added += _once(f"digest.collected:answer:{response.pk}", _answer_news, [response], memo)
    # A link confirmed after the answer: the people of that theme hear of the answers given before.
    links = ThemeRecommendationLink.objects.filter(confirmed_at__gte=since)
    for link in links.order_by("confirmed_at", "id"):
        key = f"digest.collected:link:{link.pk}:{link.confirmed_at.timestamp():.0f}"
        responses = list(DecisionMakerResponse.objects.filter(recommendation_id=link.recommendation_id))
        added += _once(key, _answer_news, responses, memo, only_theme_ids={link.theme_id})
    # Answers to a citizen's own proposal, and to the published themes their contributions landed in.
    proposal_answers = ProposalAnswer.objects.filter(created_at__gte=since).select_related("proposal")
    for answer in proposal_answers.order_by("created_at", "id"):
        added += _once(f"digest.collected:proposal_answer:{answer.pk}", _proposal_answer_news, answer)
    theme_answers = ThemeAnswer.objects.filter(created_at__gte=since).select_related("theme__run")
    for answer in theme_answers.order_by("created_at", "id"):
        added += _once(f"digest.collected:theme_answer:{answer.pk}", _theme_answer_news, [answer], memo)
    return added


def _once(key: str, make_news, *args, **kwargs) -> int:
    """Collect one event, unless it was: the collected key and its news are written together."""
    with transaction.atomic():
        _row, created = SentNotice.objects.get_or_create(key=key)
        if not created:
            return 0
        items = _wanted(make_news(*args, **kwargs))
        return len(DigestItem.objects.bulk_create(items, ignore_conflicts=True))


def _wanted(items: list[DigestItem]) -> list[DigestItem]:
    """The news for people who take it: an active account with an address, e-mails about their
    contributions on, and a digest other than "none"."""
    user_ids = sorted({item.user_id for item in items})
    keep: set[int] = set()
    for start in range(0, len(user_ids), CHUNK):
        keep.update(
            User.objects.filter(pk__in=user_ids[start : start + CHUNK], is_active=True, email_notices=True)
            .exclude(email="")
            .exclude(notice_preference__digest=Digest.NONE)
            .values_list("pk", flat=True)
        )
    return [item for item in items if item.user_id in keep]


def _citizens(synthesis: PublishedSynthesis, memo: dict) -> dict[str, set[int]]:
    """``trace.citizens_by_entry``, read once per published version during one collection."""
    if synthesis.version_id not in memo:
        memo[synthesis.version_id] = citizens_by_entry(synthesis)
    return memo[synthesis.version_id]


def _synthesis_news(synthesis: PublishedSynthesis, memo: dict) -> list[DigestItem]:
    """The publication, for everyone it cites; and, for the people of each theme, the answers already
    given to recommendations linked to it (they could not know their contribution led there)."""
    entries = public_entries(synthesis.version.data)
    theme_ids = {entry_theme_id(e) for e in entries} | {t for e in entries for t in e["theme_ids"]}
    answered = DecisionMakerResponse.objects.filter(
        recommendation__theme_links__theme_id__in=theme_ids,
        recommendation__theme_links__confirmed_at__isnull=False,
    ).distinct()
    theme_answered = ThemeAnswer.objects.filter(
        theme_id__in=theme_ids, theme__run_id=synthesis.version.run_id
    ).select_related("theme__run")
    return (
        _publication_news(synthesis, memo)
        + _answer_news(list(answered), memo, only_theme_ids=theme_ids)
        + _theme_answer_news(list(theme_answered), memo)
    )


def _proposal_answer_news(answer: ProposalAnswer) -> list[DigestItem]:
    """An answer to a proposal, for its author (a published proposal written on the site: an imported
    one has no account to tell)."""
    proposal = answer.proposal
    if proposal.author_id is None or proposal.status != Proposal.Status.VISIBLE:
        return []
    return [
        DigestItem(
            user_id=proposal.author_id,
            kind=DigestItem.Kind.PROPOSAL,
            object_id=answer.pk,
            consultation_id=proposal.consultation_id,
        )
    ]


def _theme_answer_news(answers, memo: dict) -> list[DigestItem]:
    """Answers to themes of a published synthesis (its public entries only), for the people whose
    contributions landed in the answered theme."""
    items = []
    for answer in answers:
        consultation_id = answer.theme.run.consultation_id
        synthesis = (
            PublishedSynthesis.objects.filter(consultation_id=consultation_id)
            .select_related("version")
            .first()
        )
        if synthesis is None or synthesis.version.run_id != answer.theme.run_id:
            continue  # not published (or another run): nobody can read the theme yet
        citizens = _citizens(synthesis, memo)
        themes_of: dict[int, list[str]] = defaultdict(list)
        for entry in entries_of_themes(synthesis, {answer.theme_id}):
            for user_id in citizens.get(entry["key"], ()):
                themes_of[user_id].append(theme_label(entry))
        items.extend(
            DigestItem(
                user_id=user_id,
                kind=DigestItem.Kind.THEME,
                object_id=answer.pk,
                consultation_id=consultation_id,
                themes=sorted(labels),
            )
            for user_id, labels in themes_of.items()
        )
    return items


def _publication_news(synthesis: PublishedSynthesis, memo: dict) -> list[DigestItem]:
    labels = {e["key"]: theme_label(e) for e in public_entries(synthesis.version.data)}
    themes_of: dict[int, list[str]] = defaultdict(list)
    for key, user_ids in _citizens(synthesis, memo).items():
        for user_id in user_ids:
            themes_of[user_id].append(labels[key])
    return [
        DigestItem(
            user_id=user_id,
            kind=DigestItem.Kind.SYNTHESIS,
            object_id=synthesis.consultation_id,
            consultation_id=synthesis.consultation_id,
            themes=sorted(themes),
        )
        for user_id, themes in themes_of.items()
    ]


def _answer_news(responses, memo: dict, only_theme_ids: set[int] | None = None) -> list[DigestItem]:
    """News of these answers for the people whose contributions landed in a published theme confirmed as
    linked to the answered recommendation (a public one: decided by the panel)."""
    by_recommendation: dict[int, list] = defaultdict(list)
    for response in responses:
        by_recommendation[response.recommendation_id].append(response)
    links = ThemeRecommendationLink.objects.filter(
        recommendation_id__in=list(by_recommendation),
        confirmed_at__isnull=False,
        recommendation__status__in=PUBLIC_RECOMMENDATION_STATUSES,
    )
    if only_theme_ids is not None:
        links = links.filter(theme_id__in=only_theme_ids)
    themes: dict[int, dict[int, set[int]]] = defaultdict(lambda: defaultdict(set))  # consultation, rec
    for theme_id, recommendation_id, consultation_id in links.values_list(
        "theme_id", "recommendation_id", "theme__run__consultation_id"
    ):
        themes[consultation_id][recommendation_id].add(theme_id)
    items = []
    for consultation_id, linked in themes.items():
        synthesis = (
            PublishedSynthesis.objects.filter(consultation_id=consultation_id)
            .select_related("version")
            .first()
        )
        if synthesis is None:
            continue
        citizens = _citizens(synthesis, memo)
        for recommendation_id, theme_ids in linked.items():
            themes_of: dict[int, list[str]] = defaultdict(list)
            for entry in entries_of_themes(synthesis, theme_ids):
                for user_id in citizens.get(entry["key"], ()):
                    themes_of[user_id].append(theme_label(entry))
            for response in by_recommendation[recommendation_id]:
                items.extend(
                    DigestItem(
                        user_id=user_id,
                        kind=DigestItem.Kind.ANSWER,
                        object_id=response.pk,
                        consultation_id=consultation_id,
                        themes=sorted(labels),
                    )
                    for user_id, labels in themes_of.items()
                )
    return items


# --- 2. Send the digests -------------------------------------------------------------------------------


def weekly_slot(now: dt.datetime | None = None) -> dt.datetime:
    """The latest weekly sending time at or before `now` (PACTE_DIGEST_WEEKDAY, 0 = Monday, at
    PACTE_DIGEST_HOUR, in the site's time zone): weekly news collected before it is due."""
    local = timezone.localtime(now or timezone.now())
    days_back = (local.weekday() - settings.PACTE_DIGEST_WEEKDAY) % 7
    slot = (local - dt.timedelta(days=days_back)).replace(
        hour=settings.PACTE_DIGEST_HOUR, minute=0, second=0, microsecond=0
    )
    if slot > local:
        slot -= dt.timedelta(days=7)
    return slot


def _due(items, frequency: str, now: dt.datetime):
    if frequency == Digest.IMMEDIATE:
        return items
    if frequency == Digest.WEEKLY:
        return items.filter(created_at__lt=weekly_slot(now))
    return items.none()


def drop_unwanted() -> int:
    """News waiting for people who no longer take it (digest set to "none", e-mails about their
    contributions turned off, account closed) goes: turning it on again does not bring back old news."""
    deleted, _detail = (
        DigestItem.objects.filter(sent_at__isnull=True)
        .filter(Q(user__notice_preference__digest=Digest.NONE) | ~wants_notices_q("user"))
        .delete()
    )
    return deleted


def due_user_ids(now: dt.datetime | None = None) -> list[int]:
    now = now or timezone.now()
    pending = DigestItem.objects.filter(wants_notices_q("user"), sent_at__isnull=True)
    user_ids = set()
    for frequency in (Digest.IMMEDIATE, Digest.WEEKLY):
        due = _due(pending.filter(digest_q(frequency, "user")), frequency, now)
        user_ids.update(due.values_list("user_id", flat=True).distinct())
    return sorted(user_ids)


def notice_key(item: DigestItem) -> str:
    return f"digest:{item.kind}:{item.object_id}:user:{item.user_id}"


def send_digest(user_id: int, now: dt.datetime | None = None) -> bool:
    """E-mail one person the news due to them; False when there was none to send (already sent by another
    run, not due yet, or they no longer take it)."""
    now = now or timezone.now()
    user = User.objects.filter(pk=user_id).first()
    if user is None or not wants_notices(user):
        return False
    frequency = digest_frequency(user)
    with transaction.atomic():
        due = list(_due(DigestItem.objects.filter(user=user, sent_at__isnull=True), frequency, now))
        fresh = [item for item in due if SentNotice.objects.get_or_create(key=notice_key(item))[1]]
        DigestItem.objects.filter(pk__in=[item.pk for item in due]).update(sent_at=now)
        message = digest_message(user, fresh) if fresh else None
        if message is None:  # nothing fresh, or only news of things deleted since
            return False
        message.send()
    return True


def language_of(user) -> str:
    """The language the person chose for their e-mails, else the one of their latest proposal, else the
    site's."""
    latest = Proposal.objects.filter(author=user).exclude(language="").order_by("-created_at", "-id").first()
    fallback = latest.language if latest else settings.LANGUAGE_CODE
    return chosen_language(user) or fallback


def digest_message(user, items: list[DigestItem]):
    """The digest e-mail of `items` to `user`, in their language, with the unsubscribe link and the
    RFC 8058 headers."""
    language = language_of(user)
    with translation.override(language):
        context = _context(items)
    if not any(context[key] for key in ("answers", "syntheses", "proposal_answers", "theme_answers")):
        return None
    context["unsubscribe_url"] = unsubscribe_url(user)
    message = notice(user, "analysis/email/digest", context, language)
    message.extra_headers.update(unsubscribe_headers(user))
    return message


def _context(items: list[DigestItem]) -> dict:
    responses = DecisionMakerResponse.objects.select_related("recommendation__panel").in_bulk(
        [i.object_id for i in items if i.kind == DigestItem.Kind.ANSWER]
    )
    syntheses = {
        p.consultation_id: p
        for p in PublishedSynthesis.objects.filter(
            consultation_id__in=[i.object_id for i in items if i.kind == DigestItem.Kind.SYNTHESIS]
        ).select_related("consultation")
    }
    proposal_answers = ProposalAnswer.objects.select_related("proposal__consultation").in_bulk(
        [i.object_id for i in items if i.kind == DigestItem.Kind.PROPOSAL]
    )
    theme_answers = ThemeAnswer.objects.select_related("theme__run__consultation").in_bulk(
        [i.object_id for i in items if i.kind == DigestItem.Kind.THEME]
    )
    answers, published, to_proposals, to_themes = [], [], [], []
    for item in sorted(items, key=lambda i: (i.created_at, i.pk)):
        if item.kind == DigestItem.Kind.PROPOSAL and item.object_id in proposal_answers:
            answer = proposal_answers[item.object_id]
            proposal = answer.proposal
            slug = proposal.consultation.slug
            to_proposals.append(
                {
                    **_told(answer),
                    "proposal": proposal_label(proposal),
                    "consultation": proposal.consultation.title,
                    "url": site_url(reverse("consultation:proposal", args=[slug, proposal.pk])),
                }
            )
            continue
        if item.kind == DigestItem.Kind.THEME and item.object_id in theme_answers:
            answer = theme_answers[item.object_id]
            consultation = answer.theme.run.consultation
            to_themes.append(
                {
                    **_told(answer),
                    "themes": ", ".join(_("“%(theme)s”") % {"theme": t} for t in item.themes),
                    "consultation": consultation.title,
                    "url": site_url(reverse("consultation:followup", args=[consultation.slug])),
                }
            )
            continue
        if item.kind == DigestItem.Kind.ANSWER and item.object_id in responses:
            response = responses[item.object_id]
            recommendation = response.recommendation
            answers.append(
                {
                    "recommendation": public_title(recommendation),  # the one exit, as published
                    "panel": recommendation.panel.title,
                    "response": response,
                    "justification": public_justification(response),  # the one exit, as published
                    "status": response.get_status_display(),
                    "answered_on": formats.date_format(response.answered_on, "DATE_FORMAT"),
                    "grouped": _grouped(item.themes, item.kind),
                    "url": site_url(reverse("deliberation:recommendation", args=[recommendation.pk])),
                }
            )
        elif item.kind == DigestItem.Kind.SYNTHESIS and item.object_id in syntheses:
            synthesis = syntheses[item.object_id]
            published_on = timezone.localtime(synthesis.published_at)
            published.append(
                {
                    "consultation": synthesis.consultation.title,
                    "published": formats.date_format(published_on, "DATE_FORMAT"),
                    "grouped": _grouped(item.themes, item.kind),
                    "url": site_url(reverse("analysis:report", args=[synthesis.consultation.slug])),
                }
            )
    return {
        "answers": answers,
        "syntheses": published,
        "proposal_answers": to_proposals,
        "theme_answers": to_themes,
        "mine_url": site_url(reverse("consultation:mine")),
    }


def _told(answer) -> dict:
    """An answer to a proposal or a theme as the digest tells it (the published justification)."""
    return {
        "response": answer,
        "status": answer.get_status_display(),
        "answered_on": formats.date_format(answer.answered_on, "DATE_FORMAT"),
        "justification": public_justification(answer),
    }


def _grouped(themes: list[str], kind: str) -> list[str]:
    """The line saying where the person's contributions landed (one line, whatever the number of themes)."""
    if not themes:
        return []
    if len(themes) == 1:
        if kind == DigestItem.Kind.ANSWER:
            line = _("Linked to the theme “%(theme)s”, where your contribution was grouped.")
        else:
            line = _("Your contribution was grouped in the theme “%(theme)s”.")
        return [line % {"theme": themes[0]}]
    named = ", ".join(_("“%(theme)s”") % {"theme": theme} for theme in themes)
    if kind == DigestItem.Kind.ANSWER:
        line = _("Linked to the themes %(themes)s, where your contributions were grouped.")
    else:
        line = _("Your contributions were grouped in the themes %(themes)s.")
    return [line % {"themes": named}]


def pending_for_export(user) -> list[dict]:
    """The person's news, for the export of their data."""
    return [
        {"kind": i.kind, "id": i.object_id, "themes": i.themes, "collected": i.created_at.isoformat(),
         "sent": i.sent_at.isoformat() if i.sent_at else None}
        for i in DigestItem.objects.filter(user=user).order_by("created_at", "id")
    ]  # fmt: skip


def register_personal_data() -> None:
    """The digest's part of the personal-data registry and of the export (analysis.apps)."""
    from accounts import gdpr
    from accounts.personal_data import Fate, register

    register(
        "analysis.DigestItem",
        person="user",
        erase=Fate.DELETE,
        why="The news of their contributions collected for their digest, sent or waiting.",
    )
    gdpr.register_exporter("news_of_my_contributions", pending_for_export)
