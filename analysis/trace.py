"""What became of a contribution, joined up for the public: the theme it landed in (in the published
synthesis), the panel recommendations linked to that theme, and what the decision-maker answered.

Everything here reads the *published* version only and shows only what the public may read: themes the
organisers did not hide, links someone confirmed (a suggestion is never shown), and recommendations the
panel has decided on (their page is public; a draft or a vote in progress is not)."""

import re
from collections import defaultdict

from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext as _

from consultation.publish import scrub_text
from deliberation.models import DecisionMakerResponse, Recommendation
from deliberation.presenters import public_recommendation

from .models import Contribution, PublishedSynthesis, ThemeRecommendationLink
from .report import grouped_in_theme, theme_label, title_language
from .synthesis import membership_of

# Recommendations whose page the public may read (deliberation.views: decided ones).
PUBLIC_RECOMMENDATION_STATUSES = (Recommendation.Status.ADOPTED, Recommendation.Status.REJECTED)

_KEY = re.compile(r"^t(\d+)$")


def entry_theme_id(entry: dict) -> int:
    """The Theme row that stands for an entry of a version: the one its key names (a merge keeps the
    key of the theme merged into), else its first theme."""
    match = _KEY.match(entry["key"])
    return int(match.group(1)) if match else entry["theme_ids"][0]


def public_entries(data: dict) -> list[dict]:
    """Top-level themes of a version the public sees."""
    return [e for e in data["themes"] if e["parent"] is None and not e["hidden"]]


def _public_links(theme_ids) -> list[ThemeRecommendationLink]:
    responses = DecisionMakerResponse.objects.order_by("answered_on", "id").prefetch_related("milestones")
    return list(
        ThemeRecommendationLink.objects.filter(
            theme_id__in=list(theme_ids),
            confirmed_at__isnull=False,
            recommendation__status__in=PUBLIC_RECOMMENDATION_STATUSES,
        )
        .select_related("recommendation__panel")
        .prefetch_related(Prefetch("recommendation__responses", queryset=responses))
        .order_by("recommendation_id")
    )


def recommendations_by_entry(data: dict, entries: list[dict] | None = None) -> dict[str, list]:
    """Entry key -> the public recommendations confirmed as linked to it (one query)."""
    entries = public_entries(data) if entries is None else entries
    key_of = {}
    for entry in entries:
        for theme_id in entry["theme_ids"]:
            key_of[theme_id] = entry["key"]
        key_of[entry_theme_id(entry)] = entry["key"]
    result: dict[str, list] = defaultdict(list)
    for link in _public_links(key_of):
        recommendations = result[key_of[link.theme_id]]
        if link.recommendation not in recommendations:
            recommendations.append(link.recommendation)
    return result


def recommendation_fact(recommendation: Recommendation) -> dict:
    """One recommendation as the trace shows it: title and panel, the panel's decision, the answer (the
    panel's and the decision-maker's texts as published: ``deliberation.presenters``)."""
    recommendation = public_recommendation(recommendation)
    responses = list(recommendation.responses.all())
    latest = responses[-1] if responses else None
    if latest is None:
        answer = _("No answer from the decision-maker yet.")
    else:
        answer = _("Answer of %(who)s on %(date)s: %(status)s. %(justification)s") % {
            "who": latest.decision_maker,
            "date": formats.date_format(latest.answered_on, "DATE_FORMAT"),
            "status": latest.get_status_display(),
            "justification": latest.justification,
        }
    return {
        "label": _("Recommendation “%(title)s” of the panel “%(panel)s”")
        % {"title": recommendation.title, "panel": recommendation.panel.title},
        "title": recommendation.title,
        "panel": recommendation.panel,
        "url": reverse("deliberation:recommendation", args=[recommendation.pk]),
        "status": recommendation.get_status_display(),
        "answer_status": latest.get_status_display() if latest else "",
        "note": answer,
    }


def theme_fact(
    consultation,
    published: PublishedSynthesis,
    entry: dict,
    recommendations: list,
    answer: dict | None = None,
) -> dict:
    """The theme a contribution landed in, the recommendations linked to it and, when there is one, the
    decision-makers' answer to the theme itself (``theme_answers.theme_answer_facts``: ``answer_label``,
    ``answer_note``, ``answer_status``, ``answer_late``)."""
    return {
        "label": grouped_in_theme(entry),  # the title marked in the theme's language
        "url": reverse("analysis:report", args=[consultation.slug]) + f"#theme-{entry['key']}",
        "note": _("Synthesis published on %(date)s")
        % {"date": formats.date_format(published.published_at, "DATE_FORMAT")},
        "recommendations": [recommendation_fact(r) for r in recommendations],
        **(answer or {}),
    }


def contribution_traces(proposals, answers) -> dict[tuple[str, int], list[dict]]:
    """The consultation app's batched trace hook: ("proposal" | "answer", id) -> facts. A few queries per
    consultation, whatever the number of contributions."""
    wanted: dict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for proposal in proposals:
        wanted[proposal.consultation_id][0].append(proposal.pk)
    for answer in answers:
        wanted[answer.question.consultation_id][1].append(answer.pk)
    if not wanted:
        return {}
    from .theme_answers import theme_answer_facts  # it reads this module's helpers

    published_by_consultation = {
        p.consultation_id: p
        for p in PublishedSynthesis.objects.filter(consultation_id__in=list(wanted)).select_related(
            "version__run", "consultation"
        )
    }
    result: dict[tuple[str, int], list[dict]] = {}
    for consultation_id, (proposal_ids, answer_ids) in wanted.items():
        published = published_by_consultation.get(consultation_id)
        if published is None:
            continue
        version = published.version
        rows = list(
            Contribution.objects.filter(run_id=version.run_id)
            .filter(
                (Q(source_id__in=proposal_ids) & ~Q(source_type=Contribution.Source.ANSWER))
                | Q(source_type=Contribution.Source.ANSWER, source_id__in=answer_ids)
            )
            .values_list("pk", "theme_id", "subtheme_id", "source_type", "source_id")
        )
        members = membership_of(((pk, t, s) for pk, t, s, _k, _i in rows), version.data)
        entries = {e["key"]: e for e in public_entries(version.data)}
        linked = recommendations_by_entry(version.data, list(entries.values()))
        answered = theme_answer_facts(published.consultation, entries)
        for pk, _t, _s, source_type, source_id in rows:
            key = members.get(pk, (None, None))[0]
            if key not in entries:
                continue
            kind = "answer" if source_type == Contribution.Source.ANSWER else "proposal"
            fact = theme_fact(
                published.consultation, published, entries[key], linked.get(key, []), answered.get(key)
            )
            result[(kind, source_id)] = [fact]
    return result


def themes_of_recommendation(recommendation: Recommendation) -> list[dict]:
    """The published themes confirmed as linked to a recommendation: [{"label", "url"}] (the other
    direction of the trace, on the recommendation's page)."""
    consultation_id = recommendation.panel.consultation_id
    if consultation_id is None:
        return []
    published = (
        PublishedSynthesis.objects.filter(consultation_id=consultation_id)
        .select_related("version", "consultation")
        .first()
    )
    if published is None:
        return []
    linked = set(
        ThemeRecommendationLink.objects.filter(
            recommendation=recommendation, confirmed_at__isnull=False
        ).values_list("theme_id", flat=True)
    )
    facts = []
    for entry in public_entries(published.version.data):
        if linked & ({entry_theme_id(entry)} | set(entry["theme_ids"])):
            facts.append(
                {
                    "label": scrub_text(theme_label(entry)),
                    "language": title_language(entry),  # the page marks the title (lang_attr)
                    "url": reverse("analysis:report", args=[published.consultation.slug])
                    + f"#theme-{entry['key']}",
                }
            )
    return facts


def attach_recommendations(themes: list[dict], data: dict) -> None:
    """Give each theme of the report (``report.visible_themes``) its ``recommendations``: the public
    panel recommendations confirmed as linked to it, as ``recommendation_fact``s (one query), and the same
    by panel (``recommendation_panels``: [{"panel", "recommendations"}], panels in order of first
    appearance) so that the report names each panel once, not in every line."""
    linked = recommendations_by_entry(data, themes)
    for theme in themes:
        facts = [recommendation_fact(r) for r in linked.get(theme["key"], [])]
        theme["recommendations"] = facts
        by_panel: dict[int, dict] = {}
        for fact in facts:
            by_panel.setdefault(fact["panel"].pk, {"panel": fact["panel"], "recommendations": []})[
                "recommendations"
            ].append(fact)
        theme["recommendation_panels"] = list(by_panel.values())


def citizens_by_entry(published: PublishedSynthesis) -> dict[str, set[int]]:
    """Who is concerned by each public theme of a published synthesis (the other direction of the trace,
    for the digest): entry key -> the accounts whose proposals or open answers landed in it. Votes and
    reports are not counted: the news is about what the person wrote. A few queries, whatever the size
    of the consultation (no list of ids is sent to the database)."""
    from consultation.models import Answer, Proposal

    version = published.version
    entries = {e["key"] for e in public_entries(version.data)}
    rows = list(
        Contribution.objects.filter(run_id=version.run_id).values_list(
            "pk", "theme_id", "subtheme_id", "source_type", "source_id"
        )
    )
    members = membership_of(((pk, t, s) for pk, t, s, _k, _i in rows), version.data)
    consultation_id = published.consultation_id
    proposal_authors = dict(
        Proposal.objects.filter(consultation_id=consultation_id, author__isnull=False).values_list(
            "pk", "author_id"
        )
    )
    answer_authors = dict(
        Answer.objects.filter(question__consultation_id=consultation_id).values_list("pk", "user_id")
    )
    result: dict[str, set[int]] = defaultdict(set)
    for pk, _t, _s, source_type, source_id in rows:
        key = members.get(pk, (None, None))[0]
        if key not in entries:
            continue
        authors = answer_authors if source_type == Contribution.Source.ANSWER else proposal_authors
        user_id = authors.get(source_id)
        if user_id is not None:
            result[key].add(user_id)
    return dict(result)


def entries_of_themes(published: PublishedSynthesis, theme_ids) -> list[dict]:
    """The public entries of a published synthesis that stand for any of these Theme rows (the themes a
    recommendation is confirmed as linked to)."""
    wanted = set(theme_ids)
    return [
        e
        for e in public_entries(published.version.data)
        if wanted & ({entry_theme_id(e)} | set(e["theme_ids"]))
    ]
