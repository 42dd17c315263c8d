"""Reference shares and quota proposals."""

import math

import pytest

from deliberation.sortition import SortitionInputError, load_reference_shares, propose_quotas


def test_reference_shares_cover_france_and_sum_to_one():
    shares = load_reference_shares()
    assert set(shares) == {"gender", "age", "region", "education"}
    assert len(shares["region"]) == 14  # 13 metropolitan regions + overseas grouped
    assert "Île-de-France" in shares["region"] and "Outre-mer" in shares["region"]
    for values in shares.values():
        assert math.isclose(math.fsum(values.values()), 1.0, abs_tol=1e-9)
        assert all(0 < share < 1 for share in values.values())


@pytest.mark.parametrize("panel_size", [12, 30, 150])
@pytest.mark.parametrize("tolerance", [0.0, 0.1, 0.25])
def test_proposed_quotas_bracket_the_fair_number_of_seats(panel_size, tolerance):
    shares = load_reference_shares()
    quotas = propose_quotas(shares, panel_size, tolerance)
    assert len(quotas) == sum(len(values) for values in shares.values())
    for quota in quotas:
        target = shares[quota.category][quota.value] * panel_size
        assert quota.min <= target + 1e-9 <= quota.max + 2e-9
        assert 0 <= quota.min <= quota.max <= panel_size
        if tolerance == 0.0:  # plain floor / ceil of the fair number
            assert quota.min == math.floor(round(target, 9))
            assert quota.max == math.ceil(round(target, 9))
    for category in shares:
        in_category = [q for q in quotas if q.category == category]
        assert sum(q.min for q in in_category) <= panel_size <= sum(q.max for q in in_category)


def test_wider_tolerance_gives_wider_brackets():
    shares = load_reference_shares()
    narrow = {(q.category, q.value): q for q in propose_quotas(shares, 30, 0.05)}
    wide = {(q.category, q.value): q for q in propose_quotas(shares, 30, 0.4)}
    assert all(wide[k].min <= narrow[k].min and wide[k].max >= narrow[k].max for k in narrow)
    assert any(wide[k].max - wide[k].min > narrow[k].max - narrow[k].min for k in narrow)


def test_bad_parameters_are_refused_with_a_message():
    with pytest.raises(SortitionInputError, match="panel size"):
        propose_quotas(load_reference_shares(), 0)
    with pytest.raises(ValueError, match="tolerance"):
        propose_quotas(load_reference_shares(), 30, tolerance=1.5)
