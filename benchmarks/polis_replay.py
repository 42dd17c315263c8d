"""Replay a Pol.is conversation in time order with Pol.is's warm-started clustering (decision 0008).

votes.csv sorted by time, one update per burst of activity (votes less than WINDOW_MS apart; at most
800 updates), each update as conversation.clj runs it: cumulative in-conv, exact PCA, base clusters and
group clusterings started from the previous update's (clusters.clj ``clean-start-clusters``: recentre on
the members, merge identical centres, split off the most distant point until k clusters), k smoothed over
4 updates. Prints the ARI of the final groups against Pol.is's ``group-id``. Slow (minutes); never asserts.
The schedule of Pol.is's own updates is not in an export, so this is a replay, not a reproduction.

Run: ``python benchmarks/polis_replay.py 60000 /work/shared/data/polis/15-per-hour-seattle``

``--product``: replays instead the product's own computations (``analyse_opinions`` every ``step`` new votes,
each given the previous result's groups, k smoother and clusters, as ``analysis.opinion.compute_and_save``
does), once with the warm start (the default) and once without (cold rule and Hungarian renumbering only).
Prints the final ARI against Pol.is and how many placed participants change group number from one
computation to the next. Run: ``python benchmarks/polis_replay.py --product 30 <folders>`` (30: at most one
computation per 1/30 of the votes, and never more often than every 20 votes); ``--product-warm``: the warm
start only.
"""

import csv
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import adjusted_rand_score

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.pipeline import opinion  # noqa: E402
from analysis.pipeline.opinion import OpinionParameters  # noqa: E402
from consultation.polis_export import read_polis_export  # noqa: E402


def wmean(pts, w):
    return (pts * w[:, None]).sum(0) / w.sum()


def warm_kmeans(points, names, k, previous, weights, max_iters):
    """clusters.clj kmeans with :last-clusters. previous: list of dict(id, members(list of names), center)."""
    n = len(points)
    w = np.ones(n) if weights is None else weights
    index = {m: i for i, m in enumerate(names)}
    if not previous:
        first = opinion._first_distinct(points, k)
        clusters = [{"id": j, "rows": [], "center": points[i].copy()} for j, i in enumerate(first)]
    else:
        clusters = []
        for c in previous:
            rows = [index[m] for m in c["members"] if m in index]
            if rows:
                rows = np.array(rows)
                clusters.append({"id": c["id"], "rows": list(rows), "center": wmean(points[rows], w[rows])})
        if not clusters:
            clusters = [
                {
                    "id": max([c["id"] for c in previous] + [-1]) + 1,
                    "rows": list(range(n)),
                    "center": wmean(points, w),
                }
            ]
        # uniqify
        uniq = []
        for c in clusters:
            same = next((u for u in uniq if np.array_equal(u["center"], c["center"])), None)
            if same is None:
                uniq.append(c)
            else:
                big = same if len(same["rows"]) >= len(c["rows"]) else c
                rows = same["rows"] + c["rows"]
                np.array([w[same["rows"]].sum(), w[c["rows"]].sum()])
                same.update(
                    id=big["id"],
                    rows=rows,
                    center=(same["center"] * len(same["rows"]) + c["center"] * len(c["rows"]))
                    / max(len(rows), 1),
                )
        clusters = uniq
        possible = min(k, len(np.unique(points, axis=0)))
        while True:
            for c in clusters:
                if c["rows"]:
                    r = np.array(c["rows"])
                    c["center"] = wmean(points[r], w[r])
            if possible > len(clusters):
                centers = np.array([c["center"] for c in clusters])
                d = np.sqrt(((points[:, None] - centers[None]) ** 2).sum(2)).min(1)
                i = int(len(d) - 1 - np.argmax(d[::-1]))  # max-key: last on ties
                if d[i] > 0:
                    for c in clusters:
                        if i in c["rows"]:
                            c["rows"] = [r for r in c["rows"] if r != i]
                    clusters.append(
                        {"id": max(c["id"] for c in clusters) + 1, "rows": [i], "center": points[i].copy()}
                    )
                    continue
            break
    ids = [c["id"] for c in clusters]
    centers = np.array([c["center"] for c in clusters])
    for _ in range(max_iters + 1):
        labels = ((points[:, None] - centers[None]) ** 2).sum(2).argmin(1)
        used, labels = np.unique(labels, return_inverse=True)
        labels = labels.ravel()
        new = np.array([wmean(points[labels == j], w[labels == j]) for j in range(len(used))])
        old = centers[used]
        ids = [ids[u] for u in used]
        same = np.all(np.linalg.norm(opinion._sorted_rows(old) - opinion._sorted_rows(new), axis=1) < 0.01)
        centers = new
        if same:
            break
    return [
        {"id": ids[j], "members": [names[i] for i in np.flatnonzero(labels == j)], "center": centers[j]}
        for j in range(len(ids))
    ]


def replay(folder, window_ms=60_000, max_ticks=800, verbose=False):
    export = read_polis_export(folder)
    rows = []
    with open(f"{folder}/votes.csv") as f:
        for r in csv.DictReader(f):
            rows.append((int(r["timestamp"]), int(r["voter-id"]), int(r["comment-id"]), int(r["vote"])))
    rows.sort(key=lambda r: r[0])
    # ticks: windows of window_ms; merged to at most max_ticks
    ends = [i + 1 for i in range(len(rows)) if i == len(rows) - 1 or rows[i + 1][0] - rows[i][0] > window_ms]
    if len(ends) > max_ticks:
        step = len(ends) / max_ticks
        ends = sorted({ends[min(len(ends) - 1, int(round((j + 1) * step)) - 1)] for j in range(max_ticks)})
    proposals = [c.comment_id for c in export.comments]
    mod = export.moderated_out_ids | export.meta_ids  # Pol.is zeroes both
    OpinionParameters()
    votes = {}
    state = {"in_conv": set(), "base": None, "groups": {}, "smoother": {}}
    start = 0
    for end in ends:
        for _t, p, c, v in rows[start:end]:
            votes[(p, c)] = v
        start = end
        m = opinion.build_vote_matrix(
            [(p, c, v) for (p, c), v in votes.items()], proposals=proposals, moderated_out=mod
        )
        if len(m.values) == 0 or m.shape[1] < 2 or m.shape[0] < 2:
            continue
        pts, _ = opinion._project(m, 0)
        thr = min(7, m.n_proposals_voted)
        inc = state["in_conv"] | {m.participants[i] for i in np.flatnonzero(m.participation >= thr)}
        if len(inc) < 15:
            order = np.argsort(-m.participation, kind="stable")
            for i in order:
                if len(inc) >= 15:
                    break
                inc.add(m.participants[i])
        state["in_conv"] = inc
        idx = {p: i for i, p in enumerate(m.participants)}
        names = [p for p in m.participants if p in inc and m.votes_per_participant()[idx[p]] > 0]
        P = pts[[idx[p] for p in names]]
        base = warm_kmeans(P, names, 100, state["base"], None, 100)
        state["base"] = base
        bnames = [c["id"] for c in base]
        B = np.array([c["center"] for c in base])
        bw = np.array([len(c["members"]) for c in base], float)
        max_k = min(5, 2 + len(base) // 12)
        sil = {}
        for k in range(2, max_k + 1):
            g = warm_kmeans(B, bnames, k, state["groups"].get(k), bw, 20)
            state["groups"][k] = g
            lab = np.zeros(len(base), int)
            pos = {b: i for i, b in enumerate(bnames)}
            for j, c in enumerate(g):
                for b in c["members"]:
                    lab[pos[b]] = j
            sil[k] = opinion._silhouette(B, lab) if len(g) > 1 else 0.0
        this_k = max(sil, key=lambda k: (sil[k], k))
        sm = state["smoother"]
        cnt = sm.get("last_k_count", 0) + 1 if sm.get("last_k") == this_k else 1
        smoothed = this_k if cnt >= 4 or sm.get("smoothed_k") is None else sm["smoothed_k"]
        state["smoother"] = {"last_k": this_k, "last_k_count": cnt, "smoothed_k": smoothed}
    k = state["smoother"]["smoothed_k"]
    base_of = {p: c["id"] for c in state["base"] for p in c["members"]}
    group_of_base = {b: c["id"] for c in state["groups"][k] for b in c["members"]}
    ours = {p: group_of_base[b] for p, b in base_of.items()}
    theirs = {p: g for p, g in export.polis_groups.items() if g is not None}
    both = sorted(set(ours) & set(theirs))
    ari = adjusted_rand_score([theirs[p] for p in both], [ours[p] for p in both])
    sizes = sorted(np.bincount(np.unique(list(ours.values()), return_inverse=True)[1]).tolist(), reverse=True)
    return {
        "conversation": folder.split("/")[-1],
        "ticks": len(ends),
        "k": k,
        "sizes": sizes,
        "ari": round(ari, 3),
        "both": len(both),
    }


def replay_product(folder: str, steps: int, warm_start: bool) -> dict:
    """The product's computations in time order, chained as compute_and_save chains them."""
    from dataclasses import replace

    export = read_polis_export(folder)
    rows = []
    with open(f"{folder}/votes.csv") as f:
        for r in csv.DictReader(f):
            rows.append((int(r["timestamp"]), int(r["voter-id"]), int(r["comment-id"]), int(r["vote"])))
    rows.sort(key=lambda r: r[0])
    step = max(20, len(rows) // steps)
    proposals = [c.comment_id for c in export.comments]
    mod = export.moderated_out_ids | export.meta_ids
    params = replace(OpinionParameters(min_group_share=0.0, min_claim_votes=0), warm_start=warm_start)
    votes, previous, moved, computations, warm_runs, start = {}, None, [], 0, 0, 0
    for end in [*range(step, len(rows), step), len(rows)]:
        for _t, p, c, v in rows[start:end]:
            votes[(p, c)] = v
        start = end
        result = opinion.analyse_opinions(
            [(p, c, v) for (p, c), v in votes.items()],
            proposals=proposals,
            moderated_out=mod,
            parameters=params,
            previous_groups=previous.group_of() if previous else None,
            previous_k_smoother=previous.k_smoother if previous else None,
            previous_clusters=previous.clusters if previous else None,
        )
        computations += 1
        if result.status != opinion.OK:
            continue
        warm_runs += result.warm_started
        if previous is not None:
            before, after = previous.group_of(), result.group_of()
            both = [p for p in after if after[p] is not None and before.get(p) is not None]
            if both:
                moved.append(sum(before[p] != after[p] for p in both) / len(both))
        previous = result
    ours = {p: g for p, g in previous.group_of().items() if g is not None}
    theirs = {p: g for p, g in export.polis_groups.items() if g is not None}
    both = sorted(set(ours) & set(theirs))
    return {
        "conversation": folder.rstrip("/").split("/")[-1],
        "warm_start": warm_start,
        "computations": computations,
        "warm_started": warm_runs,
        "k": len(previous.groups),
        "sizes": [g.size for g in previous.groups],
        "ari": round(adjusted_rand_score([theirs[p] for p in both], [ours[p] for p in both]), 3),
        "mean_share_changing_group": round(float(np.mean(moved)), 4) if moved else None,
        "max_share_changing_group": round(float(np.max(moved)), 4) if moved else None,
    }


if __name__ == "__main__":
    if sys.argv[1] in ("--product", "--product-warm"):  # --product-warm: the warm start only
        for f in sys.argv[3:]:
            for warm in (True, False) if sys.argv[1] == "--product" else (True,):
                t = time.time()
                print(replay_product(f, int(sys.argv[2]), warm), round(time.time() - t, 1), flush=True)
        sys.exit()
    for f in sys.argv[2:]:
        t = time.time()
        print(replay(f, window_ms=int(sys.argv[1])), round(time.time() - t, 1), flush=True)
