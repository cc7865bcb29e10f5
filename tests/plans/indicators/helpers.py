from decimal import Decimal

from plans.models import Indicator, IndicatorValue


def add_indicator(plan, code, *, kind="count", aggregate="sum", target=100, comparison="at_least", **extra):
    return Indicator.objects.create(plan=plan, code=code, name=f"Chỉ tiêu {code}", kind=kind, aggregate=aggregate,
                                    target=Decimal(str(target)), comparison=comparison, **extra)


def put(indicator, unit, by, value=None, numerator=None, denominator=None):
    """Test data straight into the table; the entry rules are tested through the service."""
    return IndicatorValue.objects.create(
        indicator=indicator, unit=unit, updated_by=by, value=value, numerator=numerator, denominator=denominator)
