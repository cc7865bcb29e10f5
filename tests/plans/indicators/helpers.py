from decimal import Decimal

from plans.indicators import services as indicators
from plans.models import Indicator, IndicatorValue


def add_indicator(plan, code, *, kind="count", aggregate="sum", target=100, comparison="at_least", **extra):
    return Indicator.objects.create(plan=plan, code=code, name=f"Chỉ tiêu {code}", kind=kind, aggregate=aggregate,
                                    target=Decimal(str(target)), comparison=comparison, **extra)


def put(indicator, unit, by, value=None, numerator=None, denominator=None):
    """Test data straight into the table; the entry rules are tested through the service."""
    return IndicatorValue.objects.create(
        indicator=indicator, unit=unit, updated_by=by, value=value, numerator=numerator, denominator=denominator)


def add_four(plan):
    """A count, a percentage reported as a fraction, a yes/no over units, the issuer's own works."""
    add_indicator(plan, "4c", target=1000, unit_of_measure="đơn vị máu", position=1)
    add_indicator(plan, "1b", kind="percent", aggregate="ratio_of_sums", target=80, unit_of_measure="%", position=2)
    add_indicator(plan, "2a", kind="yes_no", aggregate="all_units", target=100, position=3)
    add_indicator(plan, "3a", aggregate="province_only", target=3, unit_of_measure="công trình", position=4)


def report_some(plan, people, received):
    """Mường Ảng reports every figure; Tuần Giáo reports none; the province gives its own."""
    indicators.indicator_values_set(assignment=received, by=people.muong_ang_officer, entries={
        "4c": {"value": "1200"}, "1b": {"numerator": "16107", "denominator": "31076"}, "2a": {"value": "1"}})
    indicators.issuer_values_set(plan=plan, by=people.province_officer, entries={"3a": {"value": "3"}})
