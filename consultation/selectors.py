"""Reads shared by pages, API, exports and services: the consultations listed, the charter in force and
who accepted it, proposal listings, the moderation queue, results, small-cell suppression, jobs."""

import random
import re
from collections import Counter, defaultdict

from django.db import connection
from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Least, TruncDate

from accounts.models import ConsentRecord
from accounts.selectors import has_granted_consent
from accounts.strata import STRATA_FIELDS
from textsafety.disclosure import hidden_cells

from . import hooks, rules, sql
from .charter import default_text
from .models import Answer, CharterVersion, Consultation, OpenDataExport, Proposal, Question, Vote

_NOT_GIVEN = object()  # the cell of the respondents who did not give a stratum
ORDERS = ("random", "agreed", "divisive", "newest")  # plus those registered in hooks (e.g. "bridging")


def available_orders() -> tuple[str, ...]:
    return ORDERS + tuple(hooks.proposal_orderings())


def public_consultations():
    """Every consultation the public may read: all but drafts (pages, API, open data, adoption figures)."""
    return Consultation.objects.exclude(phase=Consultation.Phase.DRAFT)


def listed_consultations(user):
    """The consultations on the list page: drafts only for those who manage them."""
    return Consultation.objects.all() if rules.can_manage(user) else public_consultations()


def phase_history(consultation: Consultation):
    """Every change of phase, oldest first, with who made it."""
    return consultation.phase_changes.select_related("actor")


def questionnaire(consultation: Consultation):
    """The questions in order, with their choices."""
    return consultation.questions.prefetch_related("choices")


def answers_by_question(user, consultation: Consultation) -> dict:
    """The person's answers to the consultation's questions, by question id."""
    return {a.question_id: a for a in user.answers.filter(question__consultation=consultation)}


def charter_versions(consultation: Consultation):
    """The edited versions of the charter, with who wrote each."""
    return consultation.charter_versions.select_related("created_by")


def has_accepted_charter(user, consultation: Consultation) -> bool:
    """Accepted the charter's current version. The consent (cached per user, purpose and version) is
    looked up under the version number read with the consultation, so a new version is a new key: an
    acceptance of an earlier version, cached or not, never counts for it."""
    if not getattr(user, "is_authenticated", False):
        return False
    return has_granted_consent(user, ConsentRecord.Purpose.CHARTER, consultation.charter_consent_version)


def accepted_an_earlier_charter(user, consultation: Consultation) -> bool:
    """Accepted some earlier version of this consultation's charter (to say that the charter changed)."""
    if not getattr(user, "is_authenticated", False) or consultation.charter_version <= 1:
        return False
    earlier = [consultation.charter_consent_version_for(n) for n in range(1, consultation.charter_version)]
    return ConsentRecord.objects.filter(
        user=user, purpose=ConsentRecord.Purpose.CHARTER, version__in=earlier, granted=True
    ).exists()


def current_charter(consultation: Consultation) -> CharterVersion | None:
    """The edited text in force, or None while the consultation keeps the default principles."""
    return consultation.charter_versions.filter(version=consultation.charter_version).first()


def charter_texts(consultation: Consultation) -> tuple[str, str]:
    """The current charter as (French, English) text: the edited version, or the default principles."""
    current = current_charter(consultation)
    if current is None:
        return default_text("fr"), default_text("en")
    return current.text_fr, current.text_en


# What a vote's checks read (proposal status; the consultation's closing time and phase, which
# consultation/accepting.py reads, and charter version), in model field order as Model.from_db expects.
_VOTE_TARGET_PROPOSAL = ("id", "consultation_id", "status")
_VOTE_TARGET_CONSULTATION = ("id", "slug", "closes_at", "phase", "charter_version")


# Ids are 64-bit (BigAutoField); the address accepts any run of digits.
LARGEST_ID = 2**63 - 1


def vote_target(slug: str, proposal_id: int) -> Proposal | None:
    """The proposal a vote is for, with its consultation, loaded with only what the vote checks read;
    None when no such proposal in that consultation.

    Hand-written SQL because it runs on every vote: building the equivalent ORM query (select_related +
    only) cost about a third of the vote's CPU under load (py-spy on benchmarks/load_votes.py)."""
    if not 0 < proposal_id <= LARGEST_ID:
        return None  # no proposal has it, and SQLite cannot even bind it (OverflowError: a 500)
    p_columns = ", ".join(f"p.{c}" for c in _VOTE_TARGET_PROPOSAL)
    c_columns = ", ".join(f"c.{c}" for c in _VOTE_TARGET_CONSULTATION)
    row = sql.fetch_one(
        f"SELECT {p_columns}, {c_columns} FROM {Proposal._meta.db_table} p "  # noqa: S608 (model names)
        f"JOIN {Consultation._meta.db_table} c ON c.id = p.consultation_id "
        "WHERE p.id = %(proposal)s AND c.slug = %(slug)s",
        {"proposal": proposal_id, "slug": slug},
    )
    if row is None:
        return None
    proposal, proposal.consultation = sql.instances(
        row, (Proposal, _VOTE_TARGET_PROPOSAL), (Consultation, _VOTE_TARGET_CONSULTATION)
    )
    return proposal


def published_proposals(consultation: Consultation):
    """Proposals shown with their text, which people vote on."""
    return consultation.proposals.filter(status=Proposal.Status.VISIBLE)


#: Words shorter than this are left out of the preview's prefilter (articles, "de", "la", ...).
PREVIEW_MIN_WORD = 4
#: At most this many of the draft's words make the prefilter (the longest: the most telling).
PREVIEW_MAX_WORDS = 24


def preview_words(text: str) -> list[str]:
    """The draft's distinct words the prefilter looks for: letters and digits only (so they are safe in a
    text-search query), lower case, the longest first."""
    words = {w.lower() for w in re.findall(r"[^\W_]+", text) if len(w) >= PREVIEW_MIN_WORD}
    return sorted(words, key=lambda w: (-len(w), w))[:PREVIEW_MAX_WORDS]


def preview_candidates(consultation: Consultation, text: str, limit: int) -> list[Proposal]:
    """The published proposals the similar-proposal preview compares a draft with: at most `limit`, found
    by the database, so the cost of a preview does not grow with the number of proposals. On PostgreSQL a
    full-text search (French stemming, through the GIN index of migration 0006) keeps those that share a
    word with the draft, best ranked first; elsewhere (the embedded SQLite runtime, small) those that
    contain one of its words, newest first."""
    words = preview_words(text)
    if not words:
        return []
    published = published_proposals(consultation)
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery, SearchRank

        from .models import PROPOSAL_SEARCH_VECTOR

        query = SearchQuery(" | ".join(words), config="french", search_type="raw")
        found = (
            published.annotate(search=PROPOSAL_SEARCH_VECTOR)
            .filter(search=query)
            .annotate(rank=SearchRank(PROPOSAL_SEARCH_VECTOR, query))
            .order_by("-rank", "-id")
        )
    else:
        match = Q()
        for word in words:
            match |= Q(text__icontains=word)
        found = published.filter(match).order_by("-id")
    return list(found.only("id", "text", "consultation_id")[:limit])


PUBLIC_STATUSES = (Proposal.Status.VISIBLE, Proposal.Status.HIDDEN)


def public_proposals(consultation: Consultation):
    """Every proposal the public knows of: the published ones and those hidden by moderation, which are
    listed as a placeholder with the moderators' public reason (their text is never shown). Proposals
    awaiting moderation are not public."""
    return consultation.proposals.filter(status__in=PUBLIC_STATUSES)


def public_votes(consultation: Consultation):
    """The votes the public may read (API, open data): those on every public proposal, hidden ones
    included, as Pol.is publishes them; never those on a proposal awaiting moderation."""
    return Vote.objects.filter(proposal__consultation=consultation, proposal__status__in=PUBLIC_STATUSES)


SEARCH_MAX_LENGTH = 200  # characters of a search kept (longer is cut, not refused)
SEARCH_MAX_WORDS = 10


def search_filter(query: str) -> Q:
    """Published proposals whose text holds every word of `query`, whatever the case and the accents
    ("donnees" finds "données": ``search.contains_word``). Only published ones: a proposal hidden by
    moderation, or awaiting it, is never found by its text."""
    from .search import contains_word

    condition = Q(status=Proposal.Status.VISIBLE)
    for word in query.split()[:SEARCH_MAX_WORDS]:
        condition &= contains_word("text", word)
    return condition


def search_proposals(consultation: Consultation, query: str):
    return consultation.proposals.filter(search_filter(query))


def matching(consultation: Consultation, ordered: list[int] | QuerySet, query: str) -> list[int] | QuerySet:
    """`ordered` (an order of ``ordered_proposals``) kept to the proposals matching `query`, in its order.
    A queryset is filtered in place (no self-join: an ``id IN (subquery)`` over the same table could be
    planned as a nested loop on a table whose statistics are stale, measured minutes at 100,000 rows)."""
    if isinstance(ordered, list):
        keep = set(search_proposals(consultation, query).values_list("id", flat=True))
        return [i for i in ordered if i in keep]
    return ordered.filter(search_filter(query))


# Orders that rank proposals by their votes: proposals hidden by moderation take no place in them.
RANKINGS = ("agreed", "divisive")


def ranks_by_votes(order: str) -> bool:
    return order in RANKINGS or order in hooks.proposal_orderings()


def proposal_counts(consultation: Consultation) -> dict[str, int]:
    """{"total": public proposals, "hidden": those of them hidden by moderation}."""
    rows = public_proposals(consultation).order_by().values("status").annotate(n=Count("id"))
    counts = dict(rows.values_list("status", "n"))
    hidden = counts.get(Proposal.Status.HIDDEN, 0)
    return {"total": counts.get(Proposal.Status.VISIBLE, 0) + hidden, "hidden": hidden}


def ordered_proposals(consultation: Consultation, order: str, seed: int) -> list[int] | QuerySet:
    """Public proposals in the chosen order. "random" is a per-visitor shuffle with a stable seed, so
    that the same visitor sees a stable list while no proposal wins by its position for everyone.
    Rankings by votes (most agreed, most divisive, registered orders) hold only published proposals;
    "newest" and "random" also hold those hidden by moderation, shown in their place as a placeholder."""
    proposals = published_proposals(consultation) if ranks_by_votes(order) else public_proposals(consultation)
    if order == "agreed":
        return proposals.order_by("-agree_count", "disagree_count", "-id")
    if order == "divisive":
        # Divisive = many people on both sides: the smaller side is large, then the total is.
        return proposals.annotate(minority=Least("agree_count", "disagree_count")).order_by(
            "-minority", -(F("agree_count") + F("disagree_count")), "-id"
        )
    if order == "newest":
        return proposals.order_by("-created_at", "-id")
    ids = list(proposals.order_by("id").values_list("id", flat=True))
    registered = hooks.proposal_orderings().get(order)
    if registered is not None:
        visible = set(ids)
        ranked = [i for i in registered[1](consultation) if i in visible]
        seen = set(ranked)
        return ranked + [i for i in ids if i not in seen]
    random.Random(seed).shuffle(ids)
    return ids


def participation_over_time(consultation: Consultation) -> list[dict]:
    """Per day: distinct people who answered, proposed or voted (first contribution of the day)."""
    people: dict = defaultdict(set)
    answers = Answer.objects.filter(question__consultation=consultation).annotate(day=TruncDate("created_at"))
    for day, user_id in answers.values_list("day", "user_id").distinct():
        people[day].add(f"u{user_id}")
    votes = Vote.objects.filter(proposal__consultation=consultation).annotate(day=TruncDate("created_at"))
    for day, key in votes.values_list("day", "participant_key").distinct():
        people[day].add(key)
    proposals = consultation.proposals.annotate(day=TruncDate("created_at"))
    for day, key in proposals.values_list("day", "author_key").distinct():
        if key:
            people[day].add(key)
    peak = max((len(p) for p in people.values()), default=0) or 1
    return [
        {"day": day, "participants": len(keys), "percent": round(100 * len(keys) / peak)}
        for day, keys in sorted(people.items())
    ]


def closed_question_results(consultation: Consultation) -> list[dict]:
    results = []
    questions = consultation.questions.exclude(kind=Question.Kind.OPEN).prefetch_related("choices")
    for question in questions:
        respondents = question.answers.count()
        counts = dict(question.choices.annotate(n=Count("answers")).values_list("pk", "n"))
        rows = [
            {
                "choice": choice,
                "count": counts.get(choice.pk, 0),
                "percent": round(100 * counts.get(choice.pk, 0) / respondents, 1) if respondents else 0,
            }
            for choice in question.choices.all()
        ]
        results.append({"question": question, "respondents": respondents, "rows": rows})
    return results


def strata_breakdown(question: Question, stratum: str) -> dict:
    """Share of each choice within each group of `stratum` (age band, region...), among respondents
    who gave that profile answer. Groups are hidden by the one small-cell rule
    (``textsafety.disclosure.hidden_cells``). The respondents who did not give the stratum are a cell
    the page never shows, though it can be worked out from the question's total: it counts as hidden."""
    if stratum not in STRATA_FIELDS:
        raise ValueError(f"unknown stratum {stratum!r}")
    from accounts.strata import STRATA_VALUES, category_label

    labels = dict(STRATA_VALUES[stratum])  # the one mapping of stratum codes to words
    with_stratum = (
        Answer.objects.filter(question=question)
        .exclude(**{f"user__profile__{stratum}": ""})
        .filter(**{f"user__profile__{stratum}__isnull": False})
    )
    by_group: dict = defaultdict(Counter)
    for group, choice_id in with_stratum.values_list(f"user__profile__{stratum}", "choices"):
        if choice_id is not None:
            by_group[group][choice_id] += 1
    group_people: Counter = Counter(with_stratum.values_list(f"user__profile__{stratum}", flat=True))
    not_given = question.answers.count() - sum(group_people.values())
    hidden = hidden_cells({**group_people, _NOT_GIVEN: not_given}, never_shown=[_NOT_GIVEN])
    choices = list(question.choices.all())
    shown = [
        {
            "group": labels.get(group, group),
            "people": n,
            "cells": [round(100 * by_group[group][c.pk] / n, 1) for c in choices],
        }
        for group, n in sorted(group_people.items(), key=lambda item: str(labels.get(item[0], item[0])))
        if group not in hidden
    ]
    return {
        "stratum": stratum,
        "label": category_label(stratum),
        "choices": choices,
        "groups": shown,
        "suppressed_groups": len(hidden),
    }


def contribution_counts(user) -> dict[int, dict[str, int]]:
    """{consultation id: {"proposals": n, "answers": n}} for what `user` contributed, in two queries."""
    counts: dict[int, dict[str, int]] = {}
    for kind, rows, field in (
        ("proposals", Proposal.objects.filter(author=user), "consultation_id"),
        ("answers", Answer.objects.filter(user=user), "question__consultation_id"),
    ):
        for consultation_id, n in (
            rows.order_by().values(field).annotate(n=Count("id")).values_list(field, "n")
        ):
            counts.setdefault(consultation_id, {"proposals": 0, "answers": 0})[kind] = n
    return counts


def my_proposals(user):
    return Proposal.objects.filter(author=user).select_related("consultation").order_by("-created_at", "-id")


def vote_state(user, proposal_ids) -> dict[int, int]:
    if not getattr(user, "is_authenticated", False):
        return {}
    return dict(
        Vote.objects.filter(participant_key=f"u{user.pk}", proposal_id__in=list(proposal_ids)).values_list(
            "proposal_id", "value"
        )
    )


def my_contributions(user) -> list[dict]:
    """Everything `user` did, per consultation (newest consultation first): {"consultation", "proposals",
    "answers", "votes", "reports"}. Each carries ``trace``: what became of it (hooks.contribution_traces:
    the theme, the linked recommendations and their answers); a vote's or a report's is the trace of the
    proposal voted on or reported. Other people's proposals are shown by their ``public_text``: one hidden
    since is known by its status only, without text nor trace."""
    from .models import Report

    proposals = list(my_proposals(user))
    answers = list(
        Answer.objects.filter(user=user)
        .select_related("question__consultation")
        .prefetch_related("choices")
        .order_by("question__position", "question_id")
    )
    votes = list(
        Vote.objects.filter(user=user).select_related("proposal__consultation").order_by("-updated_at", "-id")
    )
    reports = list(
        Report.objects.filter(reporter=user)
        .select_related("proposal__consultation")
        .order_by("-created_at", "-id")
    )
    # Other people's proposals voted on or reported, still published (a hidden one gets no trace).
    others = {
        item.proposal.pk: item.proposal
        for item in [*votes, *reports]
        if item.proposal.status == Proposal.Status.VISIBLE
    }
    own = {m.pk for m in proposals}
    traces = hooks.contribution_traces(
        proposals + [p for pk, p in others.items() if pk not in own],
        [a for a in answers if a.question.kind == Question.Kind.OPEN and a.text],
    )
    groups: dict[int, dict] = {}

    def group(consultation) -> dict:
        if consultation.pk not in groups:
            groups[consultation.pk] = {
                "consultation": consultation,
                "proposals": [],
                "answers": [],
                "votes": [],
                "reports": [],
            }
        return groups[consultation.pk]

    from .publish import public_text

    for proposal in proposals:
        proposal.trace = traces.get(("proposal", proposal.pk), [])
        # The author reads their own words; they are told when the public does not (the one exit).
        proposal.withheld = proposal.status == Proposal.Status.VISIBLE and public_text(proposal) is None
        group(proposal.consultation)["proposals"].append(proposal)
    for answer in answers:
        answer.trace = traces.get(("answer", answer.pk), [])
        group(answer.question.consultation)["answers"].append(answer)
    for vote in votes:
        vote.proposal_text = vote.proposal.public_text
        vote.trace = traces.get(("proposal", vote.proposal_id), []) if vote.proposal_text else []
        group(vote.proposal.consultation)["votes"].append(vote)
    for report in reports:
        report.proposal_text = report.proposal.public_text
        report.trace = traces.get(("proposal", report.proposal_id), []) if report.proposal_text else []
        group(report.proposal.consultation)["reports"].append(report)
    return sorted(
        groups.values(), key=lambda g: (g["consultation"].created_at, g["consultation"].pk), reverse=True
    )


def moderation_queue(consultation: Consultation | None = None):
    """Proposals waiting for a decision: pending ones, and published ones with open reports."""
    open_reports = Count("reports", filter=Q(reports__resolved_at__isnull=True))
    queryset = Proposal.objects.annotate(open_reports=open_reports).filter(
        Q(status=Proposal.Status.PENDING) | Q(status=Proposal.Status.VISIBLE, open_reports__gt=0)
    )
    if consultation is not None:
        queryset = queryset.filter(consultation=consultation)
    return queryset.select_related("consultation").order_by("created_at", "id")


def recent_exports(consultation: Consultation, limit: int = 5) -> list:
    """The open-data archives last requested, newest first."""
    return list(consultation.exports.all()[:limit])


def latest_export(consultation: Consultation):
    """The newest archive ready to download, or None."""
    return consultation.exports.filter(state=OpenDataExport.State.DONE).first()


def recent_imports(consultation: Consultation, limit: int = 5) -> list:
    """The CSV imports last sent, newest first, without their files."""
    return list(consultation.imports.defer("data")[:limit])
