"""The unit tree at depth 5: subtree, ancestors and children are one query each."""

import pytest

from accounts.selectors import unit_ancestors, unit_children, unit_subtree
from tests.factories import UnitFactory, UnitLevelFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def five_levels():
    kinds = [UnitLevelFactory(code=c, rank=i + 1) for i, c in
             enumerate(["central", "province", "district", "grassroots", "branch"])]
    central = UnitFactory(code="TW", level=kinds[0])
    chains = {}
    for p in range(2):
        province = UnitFactory(code=f"P{p}", level=kinds[1], parent=central)
        for d in range(2):
            district = UnitFactory(code=f"P{p}D{d}", level=kinds[2], parent=province)
            for g in range(2):
                grassroots = UnitFactory(code=f"P{p}D{d}G{g}", level=kinds[3], parent=district)
                for b in range(2):
                    UnitFactory(code=f"P{p}D{d}G{g}B{b}", level=kinds[4], parent=grassroots)
    chains["central"] = central
    return chains


def codes(units):
    return sorted(u.code for u in units)


def test_depth_is_five(five_levels):
    from accounts.models import Unit

    leaf = Unit.objects.get(code="P1D0G1B1")
    assert leaf.depth == 5


def test_subtree_of_a_province_is_one_query(five_levels, django_assert_num_queries):
    from accounts.models import Unit

    province = Unit.objects.get(code="P0")
    with django_assert_num_queries(1):
        units = list(unit_subtree(province))
        levels = {u.level.code for u in units}  # select_related: no query per row
    assert len(units) == 1 + 2 + 4 + 8
    assert all(u.code.startswith("P0") for u in units)
    assert levels == {"province", "district", "grassroots", "branch"}


def test_subtree_can_exclude_the_unit_itself(five_levels):
    from accounts.models import Unit

    district = Unit.objects.get(code="P1D1")
    assert codes(unit_subtree(district, include_self=False)) == [
        "P1D1G0", "P1D1G0B0", "P1D1G0B1", "P1D1G1", "P1D1G1B0", "P1D1G1B1"
    ]


def test_ancestors_of_a_branch_are_one_query_root_first(five_levels, django_assert_num_queries):
    from accounts.models import Unit

    branch = Unit.objects.get(code="P1D0G1B0")
    with django_assert_num_queries(1):
        chain = [u.code for u in unit_ancestors(branch)]
    assert chain == ["TW", "P1", "P1D0", "P1D0G1"]


def test_root_has_no_ancestors(five_levels):
    assert list(unit_ancestors(five_levels["central"])) == []


def test_children_are_only_the_next_level(five_levels):
    from accounts.models import Unit

    grassroots = Unit.objects.get(code="P0D1G0")
    assert codes(unit_children(grassroots)) == ["P0D1G0B0", "P0D1G0B1"]


def test_a_similar_code_elsewhere_is_not_in_the_subtree(five_levels):
    """Prefix matching is on paths, not codes: P1's subtree never includes P0's units."""
    from accounts.models import Unit

    assert not any(u.code.startswith("P0") for u in unit_subtree(Unit.objects.get(code="P1")))
