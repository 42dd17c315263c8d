"""Reserve list and replacement of a panel member who withdraws."""

import random
from collections import Counter

import pytest

from deliberation.sortition import NoValidReplacement, Quota, Volunteer, replace_dropout, reserve_list

from .conftest import SEED


def meets_quotas(panel, pool, quotas):
    people = {v.id: v for v in pool}
    counts = Counter((c, people[vid].strata[c]) for vid in panel for c in people[vid].strata)
    return all(q.min <= counts[(q.category, q.value)] <= q.max for q in quotas)


def test_reserves_exclude_the_panel_and_its_housemates(selection, pool):
    result, _ = selection
    homes = {v.id: v.household for v in pool}
    seated_homes = {homes[vid] for vid in result.panel}
    assert result.reserves
    assert not set(result.reserves) & set(result.panel)
    assert all(homes[vid] not in seated_homes for vid in result.reserves)
    assert len(result.reserves) == len(set(result.reserves))


def test_reserve_order_is_reproducible_and_independent_of_pool_order(selection, pool, census_quotas):
    result, _ = selection
    shuffled = list(pool)
    random.Random(11).shuffle(shuffled)
    assert reserve_list(shuffled, census_quotas, result.panel, SEED) == result.reserves
    other = reserve_list(pool, census_quotas, result.panel, "another seed")
    assert set(other) == set(result.reserves) and other != result.reserves


def test_replacing_each_member_keeps_every_quota(selection, pool, census_quotas):
    result, _ = selection
    replaced = 0
    for dropout in result.panel:
        try:
            outcome = replace_dropout(result.panel, dropout, result.reserves, pool, census_quotas)
        except NoValidReplacement:
            continue
        replaced += 1
        assert dropout not in outcome.panel and outcome.replacement_id in outcome.panel
        assert len(outcome.panel) == len(result.panel)
        assert meets_quotas(outcome.panel, pool, census_quotas)
        assert outcome.replacement_id not in outcome.reserves
        # The first fitting reserve was taken: every reserve ranked before it would break a quota.
        rank = result.reserves.index(outcome.replacement_id)
        for earlier in result.reserves[:rank]:
            trial = [earlier if vid == dropout else vid for vid in result.panel]
            homes = {v.id: v.household for v in pool}
            same_home = homes[earlier] in {homes[vid] for vid in result.panel if vid != dropout}
            assert same_home or not meets_quotas(trial, pool, census_quotas)
    assert replaced >= len(result.panel) // 2


def test_no_fitting_reserve_is_a_clear_error_naming_the_stratum():
    pool = [Volunteer(f"w{i}", {"gender": "woman"}) for i in range(3)]
    pool += [Volunteer(f"m{i}", {"gender": "man"}) for i in range(5)]
    quotas = [Quota("gender", "woman", 2, 2), Quota("gender", "man", 2, 2)]
    panel = ("m0", "m1", "w0", "w1")
    reserves = reserve_list(pool, quotas, panel, "s")
    assert set(reserves) == {"w2", "m2", "m3", "m4"}
    outcome = replace_dropout(panel, "w0", reserves, pool, quotas)
    assert outcome.replacement_id == "w2"
    with pytest.raises(NoValidReplacement, match="must have gender=woman"):
        replace_dropout(outcome.panel, "w1", outcome.reserves, pool, quotas)
