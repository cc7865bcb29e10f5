"""Entering indicator values: per-kind checks, all or nothing, only the unit, only when received."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError

from core.errors import ActionForbidden
from plans import services
from plans.indicators import services as indicators
from plans.indicators.targets import TargetFileError
from plans.models import Indicator, IndicatorValue
from tests.plans.helpers import draft_plan, issued_plan
from tests.plans.indicators.helpers import add_indicator

pytestmark = pytest.mark.django_db


@pytest.fixture
def received(people):
    plan = issued_plan(people, recipients=[people.tree.muong_ang, people.tree.tuan_giao])
    add_indicator(plan, "4c", target=1000)
    add_indicator(plan, "1b", kind="percent", aggregate="ratio_of_sums", target=80)
    add_indicator(plan, "2a", kind="yes_no", aggregate="all_units", target=100)
    add_indicator(plan, "3a", aggregate="province_only", target=3)
    assignment = plan.assignments.get(unit=people.tree.muong_ang)
    services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    return assignment


def saved(assignment):
    return {v.indicator.code: (v.value, v.numerator, v.denominator)
            for v in IndicatorValue.objects.filter(unit=assignment.unit).select_related("indicator")}


GOOD = {"4c": {"value": "120"}, "1b": {"numerator": "1.200", "denominator": "1.500"}, "2a": {"value": "1"}}


def test_a_unit_enters_its_figures(received, people):
    indicators.indicator_values_set(assignment=received, by=people.muong_ang_officer, entries=GOOD)
    assert saved(received) == {"4c": (Decimal(120), None, None), "1b": (None, Decimal(1200), Decimal(1500)),
                               "2a": (Decimal(1), None, None)}


def test_entering_the_same_figures_twice_changes_nothing(received, people):
    indicators.indicator_values_set(assignment=received, by=people.muong_ang_officer, entries=GOOD)
    first = saved(received)
    indicators.indicator_values_set(assignment=received, by=people.muong_ang_officer, entries=GOOD)
    assert saved(received) == first and IndicatorValue.objects.count() == 3


@pytest.mark.parametrize("bad", [
    {"4c": {"value": "nhiều"}},
    {"4c": {"value": "-1"}},
    {"4c": {"value": "2.5"}},
    {"1b": {"numerator": "10"}},
    {"1b": {"numerator": "10", "denominator": "5"}},
    {"2a": {"value": "2"}},
    {"3a": {"value": "3"}},  # the issuer's own figure is not the unit's to give
    {"zz": {"value": "1"}},
])
def test_one_bad_entry_saves_nothing(received, people, bad):
    with pytest.raises(ValidationError):
        indicators.indicator_values_set(assignment=received, by=people.muong_ang_officer, entries={**GOOD, **bad})
    assert saved(received) == {}


def test_an_empty_entry_clears_a_figure_rather_than_making_it_zero(received, people):
    indicators.indicator_values_set(assignment=received, by=people.muong_ang_officer, entries=GOOD)
    indicators.indicator_values_set(assignment=received, by=people.muong_ang_officer, entries={"4c": {"value": ""}})
    assert "4c" not in saved(received)


def test_another_unit_cannot_enter_figures(received, people):
    with pytest.raises(ActionForbidden):
        indicators.indicator_values_set(assignment=received, by=people.tuan_giao_officer, entries=GOOD)
    assert saved(received) == {}


ONE = {"4c": {"value": 1}}


def test_figures_wait_for_receipt_and_stop_at_the_report(people):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    add_indicator(plan, "4c", target=10)
    assignment = plan.assignments.get()
    with pytest.raises(ValidationError):
        indicators.indicator_values_set(assignment=assignment, by=people.muong_ang_officer, entries=ONE)
    services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    services.assignment_report(assignment=assignment, by=people.muong_ang_officer, text="Xong")
    with pytest.raises(ValidationError):
        indicators.indicator_values_set(assignment=assignment, by=people.muong_ang_officer, entries=ONE)


def test_the_issuer_enters_its_own_figures(received, people):
    plan = received.plan
    indicators.issuer_values_set(plan=plan, by=people.province_officer, entries={"3a": {"value": "3"}})
    assert IndicatorValue.objects.get(indicator__code="3a").unit == people.tree.province
    with pytest.raises(ActionForbidden):
        indicators.issuer_values_set(plan=plan, by=people.muong_ang_officer, entries={"3a": {"value": "4"}})


def test_the_33_year_targets_import_and_reimport_by_code(people):
    plan = draft_plan(people)
    path = settings.DEMO_DATA_DIR / "indicators_2024.csv"
    indicators.indicators_import(plan=plan, by=people.province_officer, path=path)
    indicators.indicators_import(plan=plan, by=people.province_officer, path=path)
    assert plan.indicators.count() == 33
    trees = plan.indicators.get(code="7a")
    assert (trees.target, trees.kind, trees.aggregate, trees.position) == (Decimal(204800), "count", "sum", 14)


def test_a_bad_targets_file_names_the_line_and_imports_nothing(people, tmp_path):
    plan = draft_plan(people)
    bad = tmp_path / "bad.csv"
    bad.write_text("no,code,name,kind,unit_of_measure,target,comparison,aggregate\n"
                   "1,1a,Tốt,count,lượt,10,at_least,sum\n1,1b,Xấu,count,lượt,mười,at_least,sum\n", encoding="utf-8")
    with pytest.raises(TargetFileError, match="3"):
        indicators.indicators_import(plan=plan, by=people.province_officer, path=bad)
    assert not Indicator.objects.exists()


def test_indicators_are_frozen_once_the_plan_is_submitted(people):
    plan = draft_plan(people)
    indicators.indicator_save(plan=plan, by=people.province_officer, code="1a", name="A", kind="count",
                              aggregate="sum", target=1)
    services.plan_submit(plan=plan, by=people.province_officer)
    with pytest.raises(ValidationError):
        indicators.indicator_save(plan=plan, by=people.province_officer, code="1b", name="B", kind="count",
                                  aggregate="sum", target=1)
    assert plan.indicators.count() == 1


def test_a_district_cannot_edit_the_provinces_indicators(people):
    plan = draft_plan(people)
    with pytest.raises(ActionForbidden):
        indicators.indicator_save(plan=plan, by=people.muong_ang_officer, code="1a", name="A", kind="count",
                                  aggregate="sum", target=1)


@pytest.mark.parametrize(("typed", "number"), [
    ("1.200", "1200"), ("204.800", "204800"), ("1.234.567", "1234567"), ("51,83", "51.83"),
    ("4.112,5", "4112.5"), ("2.5", "2.5"), (" 16 107 ", "16107"), (12, "12"),
])
def test_numbers_are_read_the_vietnamese_way(typed, number):
    from core.vi_format import parse_vi_number

    assert parse_vi_number(typed) == Decimal(number)


@pytest.mark.parametrize(("number", "text"), [(4112, "4.112"), (Decimal("51.8333"), "51,83"), (204800, "204.800")])
def test_numbers_are_written_the_vietnamese_way(number, text):
    from core.vi_format import vi_number

    assert vi_number(number) == text
