"""Opinion groups (issue 6): load a consultation's votes, call the pure Pol.is-style analysis, save it,
and read it back for the report (groups, consensus, bridging, themes x groups)."""

import json
from collections import defaultdict

import numpy as np
from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import Count, Max

from consultation.models import Consultation, Proposal, Vote

from .models import OpinionRun
from .pipeline.opinion import analyse_opinions
from .pipeline.synthesise import Votes, votes_per_unit


class _Encoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, np.generic):
            return o.item()
        if isinstance(o, np.ndarray):
            return o.tolist()
        return super().default(o)


def compute_and_save(consultation_id: int, *, seed: int = 0) -> OpinionRun:
    consultation = Consultation.objects.get(pk=consultation_id)
    proposals = list(
        Proposal.objects.filter(consultation=consultation).order_by("id").values_list("pk", "status")
    )
    hidden = [pk for pk, status in proposals if status != Proposal.Status.VISIBLE]
    votes = list(
        Vote.objects.filter(proposal__consultation=consultation).values_list(
            "participant_key", "proposal_id", "value"
        )
    )
    result = analyse_opinions(votes, proposals=[pk for pk, _ in proposals], moderated_out=hidden, seed=seed)
    data = json.loads(json.dumps(result.to_dict(), cls=_Encoder))
    # Per proposal and group: agree / disagree / pass counts, for the themes x groups table.
    group_of = {p.participant: p.group for p in result.participants if p.group is not None}
    counts: dict[int, list[list[int]]] = defaultdict(lambda: [[0, 0, 0] for _ in result.groups])
    column = {1: 0, -1: 1, 0: 2}
    for participant, proposal, value in votes:
        group = group_of.get(participant)
        if group is not None and group < len(result.groups):
            counts[proposal][group][column[value]] += 1
    data["proposal_groups"] = {str(k): v for k, v in counts.items()}
    return OpinionRun.objects.create(
        consultation=consultation, vote_count=len(votes), status=result.status, result=data
    )


def consultations_needing_groups() -> list[int]:
    """Consultations with at least PACTE_OPINION_MIN_NEW_VOTES votes more than at their last computation."""
    last = dict(
        OpinionRun.objects.values("consultation")
        .annotate(n=Max("vote_count"))
        .values_list("consultation", "n")
    )
    current = (
        Vote.objects.values("proposal__consultation")
        .annotate(n=Count("id"))
        .values_list("proposal__consultation", "n")
    )
    return [pk for pk, n in current if n - last.get(pk, 0) >= settings.PACTE_OPINION_MIN_NEW_VOTES]


def bridging_order(consultation: Consultation) -> list[int]:
    """Proposal ids, the statements that most groups agree with first (from the latest computation)."""
    run = consultation.opinion_runs.order_by("-computed_at", "-id").first()
    if run is None:
        return []
    return [int(b["proposal"]) for b in run.result.get("bridging", [])]


def plain_share(success: int, seen: int) -> dict:
    """A plain share with its base, as the report shows it: "80 % (8 of 10)". The pipeline's smoothed
    probabilities, (n + 1) / (seen + 2), rank and select statements; they are not shown, because they pull
    small groups towards 50 % and would contradict the counts next to them."""
    # Halves round up, as a reader checking "1 of 8" by hand expects 13 %; round() would give 12 (to even).
    percent = (200 * success + seen) // (2 * seen) if seen else None
    return {"agree": success, "seen": seen, "percent": percent}


def bridging_shares(entry: dict, result: dict, n_groups: int) -> list[dict]:
    """Each group's plain share of agreement with a bridging statement (``entry``, one of a saved
    ``result["bridging"]``). Computations saved before the counts were stored fall back on the per-group
    vote counts saved next to them."""
    agree, seen = entry.get("agree_counts"), entry.get("seen_counts")
    if not agree or not seen:
        cells = result.get("proposal_groups", {}).get(str(entry["proposal"]), [[0, 0, 0]] * n_groups)
        agree, seen = [c[0] for c in cells], [sum(c) for c in cells]
    return [plain_share(a, n) for a, n in zip(agree, seen, strict=False)]


def themes_by_groups(opinion: OpinionRun, themes: list[dict], proposal_theme: dict[int, str]) -> list[dict]:
    """For each theme: each group's plain share of agree votes among all its votes (passes included) on
    the theme's proposals, with its counts (``plain_share``, the base and rounding of the other opinion
    figures of the page), and whether the theme unites the groups (in every group 60 % or more of the
    votes agree, or 60 % or more disagree), divides them (shares of agreement 30 points apart or more),
    or neither. The verdict reads the rounded percentages the page shows.

    A theme's votes follow the rule of its own vote table (``votes_per_unit``): every vote on every
    proposal it holds, each copy of a near-identical proposal with its own votes."""
    n_groups = len(opinion.result.get("groups", []))
    keys = [theme["key"] for theme in themes]
    position = {key: i for i, key in enumerate(keys)}
    voted = [
        (position.get(proposal_theme.get(int(proposal))), per_group)
        for proposal, per_group in opinion.result.get("proposal_groups", {}).items()
    ]
    totals: dict[str, list[list[int]]] = {}
    for g in range(n_groups):
        per_theme = votes_per_unit(
            [theme for theme, _cells in voted],
            [Votes(*per_group[g]) if g < len(per_group) else None for _theme, per_group in voted],
            len(keys),
        )
        for key, votes in zip(keys, per_theme, strict=True):
            if votes is not None:
                totals.setdefault(key, [[0, 0, 0] for _ in range(n_groups)])[g] = [
                    votes.agree,
                    votes.disagree,
                    votes.passed,
                ]
    rows = []
    for theme in themes:
        if theme["key"] not in totals:
            continue
        cells = totals[theme["key"]]
        shares = [plain_share(agree, agree + disagree + passed) for agree, disagree, passed in cells]
        against = [
            plain_share(disagree, agree + disagree + passed)["percent"] for agree, disagree, passed in cells
        ]
        known = [s["percent"] for s in shares if s["percent"] is not None]
        if len(known) < 2:
            verdict = "unknown"
        elif min(known) >= 60 or all(p is None or p >= 60 for p in against):
            verdict = "unites"
        elif max(known) - min(known) >= 30:
            verdict = "divides"
        else:
            verdict = "mixed"
        rows.append({"theme": theme, "shares": shares, "verdict": verdict})
    return rows
