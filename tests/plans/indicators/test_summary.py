"""Aggregation rules and verdicts of plans.indicator_summary."""

import pytest

from plans.indicators.summary import plan_indicator_summary
from plans.indicators.verdicts import EXCEEDED, MET, NOT_MET
from plans.models import IndicatorAllocation
from tests.plans.helpers import issued_plan
from tests.plans.indicators.helpers import add_indicator, put

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(people):
    t = people.tree
    return issued_plan(people, recipients=[t.muong_ang, t.tuan_giao, t.districts[0]])


def row(summary, indicator):
    return summary.indicators.loc[indicator.pk]


def test_sum_leaves_out_a_unit_that_has_not_reported(plan, people):
    t = people.tree
    trees = add_indicator(plan, "7a", target=25)
    put(trees, t.muong_ang, people.clerk, value=10)
    put(trees, t.tuan_giao, people.clerk, value=20)
    result = row(plan_indicator_summary(plan), trees)
    assert (result["result"], result["reported"], result["missing"]) == (30, 2, 1)
    assert result["verdict"] == EXCEEDED


def test_percentages_combine_as_ratio_of_sums_not_mean(plan, people):
    t = people.tree
    share = add_indicator(plan, "1b", kind="percent", aggregate="ratio_of_sums", target=50)
    put(share, t.muong_ang, people.clerk, numerator=1, denominator=1)  # 100 %
    put(share, t.tuan_giao, people.clerk, numerator=10, denominator=100)  # 10 %
    result = row(plan_indicator_summary(plan), share)
    assert (result["numerator"], result["denominator"]) == (11, 101)
    assert result["result"] == pytest.approx(11 / 101 * 100)  # 10.89 %, not the mean 55 %
    assert result["verdict"] == NOT_MET


@pytest.mark.parametrize(("value", "verdict"), [(99, NOT_MET), (100, MET), (101, EXCEEDED)])
def test_at_least_verdicts_around_equality(plan, people, value, verdict):
    indicator = add_indicator(plan, "x", target=100)
    put(indicator, people.tree.muong_ang, people.clerk, value=value)
    assert row(plan_indicator_summary(plan), indicator)["verdict"] == verdict


@pytest.mark.parametrize(("value", "verdict"), [(99, EXCEEDED), (100, MET), (101, NOT_MET)])
def test_at_most_verdicts_are_mirrored(plan, people, value, verdict):
    indicator = add_indicator(plan, "x", target=100, comparison="at_most")
    put(indicator, people.tree.muong_ang, people.clerk, value=value)
    assert row(plan_indicator_summary(plan), indicator)["verdict"] == verdict


def test_a_percentage_equal_to_its_target_after_rounding_is_met(plan, people):
    share = add_indicator(plan, "9b", kind="percent", aggregate="ratio_of_sums", target=40)
    put(share, people.tree.muong_ang, people.clerk, numerator=2, denominator=5)
    assert row(plan_indicator_summary(plan), share)["verdict"] == MET


def test_zero_denominators_give_no_result_and_no_verdict(plan, people):
    share = add_indicator(plan, "9c", kind="percent", aggregate="ratio_of_sums", target=55)
    put(share, people.tree.muong_ang, people.clerk, numerator=0, denominator=0)
    result = row(plan_indicator_summary(plan), share)
    assert result["reported"] == 1
    assert result["result"] != result["result"]  # NaN: undefined, not 0 %
    assert result["verdict"] is None


def test_a_target_of_zero_is_met_by_zero(plan, people):
    incidents = add_indicator(plan, "z", target=0)
    put(incidents, people.tree.muong_ang, people.clerk, value=0)
    assert row(plan_indicator_summary(plan), incidents)["verdict"] == MET


def test_nobody_reported_means_no_result_not_zero(plan, people):
    indicator = add_indicator(plan, "x", target=5)
    result = row(plan_indicator_summary(plan), indicator)
    assert result["reported"] == 0 and result["missing"] == 3
    assert result["result"] != result["result"] and result["verdict"] is None
    assert plan_indicator_summary(plan).units_missing == 3


def test_all_units_counts_units_meeting_their_condition(plan, people):
    t = people.tree
    works = add_indicator(plan, "3b", kind="ratio", aggregate="all_units", target=100, unit_target=2)
    put(works, t.muong_ang, people.clerk, value=2)
    put(works, t.tuan_giao, people.clerk, value=1)
    put(works, t.districts[0], people.clerk, value=3)
    result = row(plan_indicator_summary(plan), works)
    assert (result["met_units"], result["reported"]) == (2, 3)
    assert result["verdict"] == NOT_MET


def test_the_issuers_own_figure(plan, people):
    works = add_indicator(plan, "3a", aggregate="province_only", target=3)
    put(works, people.tree.province, people.clerk, value=3)
    result = row(plan_indicator_summary(plan), works)
    assert (result["result"], result["missing"], result["verdict"]) == (3, 0, MET)


def test_each_unit_is_judged_against_its_allocation(plan, people):
    t = people.tree
    blood = add_indicator(plan, "4c", target=30)
    IndicatorAllocation.objects.create(indicator=blood, unit=t.muong_ang, target=10)
    IndicatorAllocation.objects.create(indicator=blood, unit=t.tuan_giao, target=20)
    put(blood, t.muong_ang, people.clerk, value=12)
    put(blood, t.tuan_giao, people.clerk, value=15)
    units = plan_indicator_summary(plan).units.set_index("unit_id")
    assert units.loc[t.muong_ang.pk, "verdict"] == EXCEEDED
    assert units.loc[t.tuan_giao.pk, "verdict"] == NOT_MET
    assert units.loc[t.districts[0].pk, "verdict"] is None  # not reported


def test_units_are_ranked_by_their_share_of_targets_met(plan, people):
    t = people.tree
    a, b = add_indicator(plan, "a", target=1), add_indicator(plan, "b", target=1)
    for indicator in (a, b):
        IndicatorAllocation.objects.create(indicator=indicator, unit=t.muong_ang, target=1)
        IndicatorAllocation.objects.create(indicator=indicator, unit=t.tuan_giao, target=1)
    put(a, t.muong_ang, people.clerk, value=1)
    put(b, t.muong_ang, people.clerk, value=1)
    put(a, t.tuan_giao, people.clerk, value=1)
    put(b, t.tuan_giao, people.clerk, value=0)
    ranking = plan_indicator_summary(plan).ranking
    assert list(ranking["code"][:2]) == ["HDMA", "HDTG"]
    assert list(ranking["rank"][:2]) == [1, 2]


def test_change_against_the_previous_period(people):
    t = people.tree
    last_year = issued_plan(people, recipients=[t.muong_ang])
    this_year = issued_plan(people, recipients=[t.muong_ang])
    put(add_indicator(last_year, "16a", target=10), t.muong_ang, people.clerk, value=8)
    put(add_indicator(this_year, "16a", target=10), t.muong_ang, people.clerk, value=11)
    result = plan_indicator_summary(this_year, previous=last_year).indicators.iloc[0]
    assert (result["previous"], result["change"]) == (8, 3)


def test_a_bare_yes_no_condition_is_met_not_exceeded(plan, people):
    t = people.tree
    visits = add_indicator(plan, "2a", kind="yes_no", aggregate="all_units", target=100)
    put(visits, t.muong_ang, people.clerk, value=1)
    put(visits, t.tuan_giao, people.clerk, value=0)
    units = plan_indicator_summary(plan).units.set_index("unit_id")
    assert units.loc[t.muong_ang.pk, "verdict"] == MET
    assert units.loc[t.tuan_giao.pk, "verdict"] == NOT_MET
    assert row(plan_indicator_summary(plan), visits)["met_units"] == 1


def test_a_unit_above_an_explicit_condition_exceeds_it(plan, people):
    works = add_indicator(plan, "3b", kind="ratio", aggregate="all_units", target=100, unit_target=2)
    put(works, people.tree.muong_ang, people.clerk, value=3)
    assert plan_indicator_summary(plan).units.set_index("unit_id").loc[people.tree.muong_ang.pk, "verdict"] == EXCEEDED
