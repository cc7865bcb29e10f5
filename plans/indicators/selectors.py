"""Reads of indicators and of one unit's figures, with the visibility rules of plans.selectors:
the indicators of a plan are seen by whoever sees the plan; the results by unit are the issuing
unit's alone (a recipient never sees the other units' figures)."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import QuerySet

from plans.models import (
    Aggregate,
    Assignment,
    Indicator,
    IndicatorAllocation,
    IndicatorValue,
    Plan,
    PlanState,
)
from plans.selectors import assignment_actions, plan_actions, user_unit_ids

# Results exist from the moment the units can report.
RESULT_PLAN_STATES = (PlanState.ISSUED, PlanState.CLOSED)


def plans_of_own_units(user) -> QuerySet[Plan]:
    """Plans issued by the person's units: the only ones whose results by unit they may read."""
    return Plan.objects.filter(issuing_unit_id__in=user_unit_ids(user)).select_related(
        "issuing_unit", "department", "created_by"
    )


def plan_indicators(plan: Plan) -> QuerySet[Indicator]:
    return Indicator.objects.filter(plan=plan).order_by("position", "pk")


def may_edit_indicators(user, plan: Plan) -> bool:
    """The same people and the same moment as editing the draft itself."""
    return "edit" in plan_actions(user, plan)


def may_enter_figures(user, assignment: Assignment) -> bool:
    """The unit's figures go in with its report: after receipt, before the report is sent."""
    return "report" in assignment_actions(user, assignment)


def may_enter_issuer_figures(user, plan: Plan) -> bool:
    return plan.state == PlanState.ISSUED and user.has_perm("accounts.review_reports", plan.issuing_unit)


@dataclass
class Entry:
    """One indicator as one unit sees it: the part allocated to it, and its figure if any."""

    indicator: Indicator
    allocated: Decimal | None
    value: IndicatorValue | None


def _entries(unit_id: int, indicators: QuerySet[Indicator]) -> list[Entry]:
    indicators = list(indicators)
    if not indicators:
        return []
    ids = [i.pk for i in indicators]
    # Two queries whatever the number of indicators.
    values = {v.indicator_id: v for v in IndicatorValue.objects.filter(unit_id=unit_id, indicator_id__in=ids)}
    allocated = dict(
        IndicatorAllocation.objects.filter(unit_id=unit_id, indicator_id__in=ids).values_list("indicator_id", "target")
    )
    return [Entry(i, allocated.get(i.pk), values.get(i.pk)) for i in indicators]


def unit_entries(assignment: Assignment) -> list[Entry]:
    """The indicators a recipient unit reports on, with its figures (not the issuer's own ones)."""
    indicators = plan_indicators(assignment.plan).exclude(aggregate=Aggregate.ISSUER_ONLY)
    return _entries(assignment.unit_id, indicators)


def issuer_entries(plan: Plan) -> list[Entry]:
    """The indicators only the issuing unit reports (e.g. province-level youth works)."""
    indicators = plan_indicators(plan).filter(aggregate=Aggregate.ISSUER_ONLY)
    return _entries(plan.issuing_unit_id, indicators)
