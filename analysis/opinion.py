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
from .pipeline.opinion import OpinionParameters, analyse_opinions, claimable, prop_test, two_prop_test
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
        Proposal.objects.filter(consultation=consultation)
        .order_by("id")
        .values_list("pk", "status", "is_meta")
    )
    # Pol.is leaves moderated-out and meta statements (about the participant, not an opinion) out of the
    # groups; both count in the sparsity stretch, as Pol.is's zeroed columns do.
    left_out = [pk for pk, status, meta in proposals if status != Proposal.Status.VISIBLE or meta]
    votes = list(
        Vote.objects.filter(proposal__consultation=consultation).values_list(
            "participant_key", "proposal_id", "value"
        )
    )
    previous = latest_groups(consultation)
    result = analyse_opinions(
        votes,
        proposals=[pk for pk, _status, _meta in proposals],
        moderated_out=left_out,
        seed=seed,
        previous_groups=previous_groups(previous),
        previous_k_smoother=previous.result.get("k_smoother") if previous else None,
        previous_clusters=previous.result.get("clusters") if previous else None,
    )
    data = json.loads(json.dumps(result.to_dict(), cls=_Encoder))
    # Per proposal and group (in the order of result.groups): agree / disagree / pass counts, for the
    # themes x groups table.
    position = {g.group: i for i, g in enumerate(result.groups)}
    group_of = {p.participant: position[p.group] for p in result.participants if p.group is not None}
    counts: dict[int, list[list[int]]] = defaultdict(lambda: [[0, 0, 0] for _ in result.groups])
    column = {1: 0, -1: 1, 0: 2}
    for participant, proposal, value in votes:
        group = group_of.get(participant)
        if group is not None:
            counts[proposal][group][column[value]] += 1
    data["proposal_groups"] = {str(k): v for k, v in counts.items()}
    return OpinionRun.objects.create(
        consultation=consultation, vote_count=len(votes), status=result.status, result=data
    )


def latest_groups(consultation: Consultation) -> OpinionRun | None:
    """The latest computation that found groups: the next one starts from its group numbers and its
    smoothed number of groups (Pol.is carries both from one update to the next)."""
    return consultation.opinion_runs.filter(status=OpinionRun.OK).order_by("-computed_at", "-id").first()


def previous_groups(run: OpinionRun | None) -> dict[str, int]:
    """Each participant's group number in ``run``: the next computation keeps a group's number (and
    colour) when it is mostly the same people."""
    if run is None:
        return {}
    return {
        p["participant"]: p["group"] for p in run.result.get("participants", []) if p.get("group") is not None
    }


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
    figures of the page), and whether the theme unites or divides the groups (``theme_verdict``: only
    with enough votes from every group, and a significant difference; "other" for the "Other" row, which
    is no theme).

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
    params = opinion.result.get("parameters", {})
    floor = params.get("min_claim_votes", OpinionParameters.min_claim_votes)
    z = params.get("z_threshold", OpinionParameters.z_threshold)
    rows = []
    for theme in themes:
        if theme["key"] not in totals:
            continue
        cells = totals[theme["key"]]
        shares = [plain_share(agree, agree + disagree + passed) for agree, disagree, passed in cells]
        # "Other" gathers what no theme holds: its shares are figures, a verdict on it would be a claim about
        # a topic that does not exist.
        verdict = "other" if theme.get("other") else theme_verdict(cells, floor=floor, z=z)
        rows.append({"theme": theme, "shares": shares, "verdict": verdict})
    return rows


def theme_verdict(cells: list[list[int]], *, floor: int, z: float) -> str:
    """Whether a theme unites or divides the groups, from each group's [agree, disagree, pass] votes on it.

    "unknown" (too few votes) unless every group cast at least ``floor`` votes on the theme; "unites" when
    60 % or more of every group's votes agree (or disagree) and, in every group, significantly more than
    half (Pol.is's one-proportion test at ``z``); "divides" when the most and the least agreeing groups
    are 30 points apart or more and the two-proportion test between them passes ``z``; else "mixed".
    The percentages are the rounded ones the page shows."""
    seen = np.array([sum(c) for c in cells])
    if len(cells) < 2 or not claimable(seen, (), floor=floor, z=z).all():
        return "unknown"
    agree = np.array([c[0] for c in cells])
    disagree = np.array([c[1] for c in cells])
    for success in (agree, disagree):
        percents = [plain_share(int(a), int(n))["percent"] for a, n in zip(success, seen, strict=True)]
        if min(percents) >= 60 and claimable(seen, (prop_test(success, seen),), floor=floor, z=z).all():
            return "unites"
    percents = [plain_share(int(a), int(n))["percent"] for a, n in zip(agree, seen, strict=True)]
    high, low = int(np.argmax(percents)), int(np.argmin(percents))
    gap_test = two_prop_test(agree[high], agree[low], seen[high], seen[low])
    pair = np.array([seen[high], seen[low]])
    if percents[high] - percents[low] >= 30 and claimable(pair, (gap_test,), floor=floor, z=z).all():
        return "divides"
    return "mixed"
