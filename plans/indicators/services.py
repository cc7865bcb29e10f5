"""Writes on indicators and their values. Values are checked per kind, all or nothing."""

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core import audit, transitions
from core.errors import ActionForbidden
from core.vi_format import parse_vi_number
from plans.models import (
    Aggregate,
    Assignment,
    AssignmentState,
    Indicator,
    IndicatorKind,
    IndicatorValue,
    Plan,
    PlanState,
)

from .targets import number_error, read_targets, target_errors

EDITABLE_PLAN_STATES = (PlanState.DRAFT,)
MAX_FIGURE = Decimal(10) ** 14


def require_permission(user, codename: str, unit, action: str) -> None:
    """The check plans.services makes before its writes, with the same message."""
    if not user.has_perm(f"accounts.{codename}", unit):
        raise ActionForbidden(_("You may not %(action)s for %(unit)s.") % {"action": action, "unit": unit})


def _editable_plan(plan_pk, by) -> Plan:
    plan = transitions.lock(Plan, plan_pk)
    require_permission(by, "draft_plans", plan.issuing_unit, _("edit indicators"))
    if plan.state not in EDITABLE_PLAN_STATES:
        raise ValidationError(_("Indicators can be changed only while the plan is a draft."))
    return plan


def _as_decimal(value):
    if value is None or isinstance(value, Decimal):
        return value
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return value  # not a number: full_clean says so


def _validate_indicator(indicator: Indicator) -> None:
    """The target rules (targets.target_errors), and a number too large in our words before
    full_clean says it in Django's."""
    numbers = {name: _as_decimal(getattr(indicator, name)) for name in ("target", "unit_target")}
    numbers = {name: value for name, value in numbers.items() if isinstance(value, Decimal)}
    errors = target_errors(kind=indicator.kind, aggregate=indicator.aggregate, target=numbers.get("target"),
                           unit_target=numbers.get("unit_target"))
    errors.update({name: message for name, value in numbers.items() for message in [number_error(value)] if message})
    if errors:
        raise ValidationError(errors)


def indicator_save(*, plan: Plan, by, indicator: Indicator | None = None, **fields) -> Indicator:
    with transaction.atomic():
        plan = _editable_plan(plan.pk, by)
        indicator = indicator or Indicator(plan=plan)
        for name, value in fields.items():
            setattr(indicator, name, value)
        if indicator.position == 0:
            indicator.position = plan.indicators.count() + 1
        _validate_indicator(indicator)
        indicator.full_clean()
        indicator.save()
    return indicator


def indicator_delete(*, indicator: Indicator, by) -> None:
    with transaction.atomic():
        _editable_plan(indicator.plan_id, by)
        indicator.delete()


def indicators_import(*, plan: Plan, by, path) -> list[Indicator]:
    """Targets from a CSV shaped like indicators_2024.csv. Re-importing updates by code."""
    targets = read_targets(path)  # raises TargetFileError naming the lines
    with transaction.atomic():
        plan = _editable_plan(plan.pk, by)
        existing = {i.code: i for i in plan.indicators.all()}
        saved = []
        for position, target in enumerate(targets, start=1):
            indicator = existing.get(target.code) or Indicator(plan=plan, code=target.code)
            indicator.position = position
            indicator.group = str(target.group)
            indicator.name = target.name
            indicator.kind = target.kind
            indicator.unit_of_measure = target.unit_of_measure
            indicator.target = target.target
            indicator.comparison = target.comparison
            indicator.aggregate = target.aggregate
            saved.append(indicator)
        Indicator.objects.bulk_create([i for i in saved if i.pk is None])
        Indicator.objects.bulk_update(
            [i for i in saved if i.pk is not None],
            ["position", "group", "name", "kind", "unit_of_measure", "target", "comparison", "aggregate"],
        )
    return saved


def _decimal(raw, field, errors, code):
    if raw is None or raw == "":
        return None
    try:
        value = parse_vi_number(raw)
    except InvalidOperation:
        errors.append(_("%(code)s: %(field)s “%(raw)s” is not a number.") % {"code": code, "field": field, "raw": raw})
        return None
    if not value.is_finite() or value < 0:
        errors.append(_("%(code)s: %(field)s must be zero or more.") % {"code": code, "field": field})
        return None
    # The columns hold 14 whole digits and 4 decimals; larger figures are typing mistakes.
    if value >= MAX_FIGURE or value != value.quantize(Decimal("0.0001")):
        message = _("%(code)s: %(field)s is too large or has more than 4 decimals.")
        errors.append(message % {"code": code, "field": field})
        return None
    return value


def clean_entry(indicator: Indicator, entry: dict, errors: list[str]) -> dict | None:
    """Check one unit's entry for an indicator; None when it is left empty (not reported)."""
    code = indicator.code
    value = _decimal(entry.get("value"), _("value"), errors, code)
    numerator = _decimal(entry.get("numerator"), _("numerator"), errors, code)
    denominator = _decimal(entry.get("denominator"), _("denominator"), errors, code)
    note = (entry.get("note") or "").strip()[:500]
    if indicator.needs_fraction:
        if numerator is None and denominator is None:
            return None
        if numerator is None or denominator is None:
            errors.append(_("%(code)s: give both the numerator and the denominator.") % {"code": code})
            return None
        if numerator > denominator:
            errors.append(_("%(code)s: the numerator is larger than the denominator.") % {"code": code})
            return None
        return {"value": None, "numerator": numerator, "denominator": denominator, "note": note}
    if value is None:
        return None
    if indicator.kind == IndicatorKind.YES_NO and value not in (0, 1):
        errors.append(_("%(code)s: answer 1 (yes) or 0 (no).") % {"code": code})
        return None
    if indicator.kind in (IndicatorKind.COUNT, IndicatorKind.RATIO) and value != value.to_integral_value():
        errors.append(_("%(code)s: a count is a whole number.") % {"code": code})
        return None
    if indicator.kind == IndicatorKind.PERCENT and value > 100:
        errors.append(_("%(code)s: a percentage is between 0 and 100.") % {"code": code})
        return None
    return {"value": value, "numerator": None, "denominator": None, "note": note}


def _cutoff_errors(plan: Plan, cutoff_date: datetime.date | None) -> list[str]:
    """Figures are as of a day that has come, and not before the plan's period if it has one."""
    if cutoff_date is None:
        return []
    if cutoff_date > timezone.localdate():
        return [_("The figures cannot be dated after today.")]
    if plan.period_start and cutoff_date < plan.period_start:
        return [_("The figures cannot be dated before the plan's period starts (%(start)s).")
                % {"start": plan.period_start.strftime("%d/%m/%Y")}]
    return []


def _store(plan, indicators, unit, assignment, entries, by, cutoff_date) -> int:
    errors, cleaned = [], {}
    by_code = {i.code: i for i in indicators}
    for code, entry in entries.items():
        indicator = by_code.get(code)
        if indicator is None:
            errors.append(_("%(code)s is not an indicator of this plan.") % {"code": code})
            continue
        cleaned[indicator] = clean_entry(indicator, entry, errors)
    cutoff_errors = _cutoff_errors(plan, cutoff_date)
    if errors or cutoff_errors:
        raise ValidationError({name: found for name, found in (("cutoff_date", cutoff_errors), ("values", errors))
                               if found})
    before = _figures(unit, cleaned)
    now = timezone.now()
    kept = [
        IndicatorValue(indicator=i, unit=unit, assignment=assignment, updated_by=by, updated_at=now,
                       cutoff_date=cutoff_date, **data)
        for i, data in cleaned.items() if data is not None
    ]
    cleared = [i.pk for i, data in cleaned.items() if data is None]
    IndicatorValue.objects.filter(indicator_id__in=cleared, unit=unit).delete()
    # One upsert for the whole sheet: uploading the same file twice changes nothing.
    IndicatorValue.objects.bulk_create(
        kept, update_conflicts=True, unique_fields=["indicator", "unit"],
        update_fields=["assignment", "value", "numerator", "denominator", "note", "cutoff_date", "updated_by",
                       "updated_at"],
    )
    # One audit row per sheet entered, on the assignment (or the plan, for the issuer's own figures).
    audit.record_change(assignment or plan, by=by, before=before, after=_figures(unit, cleaned),
                        action="edit_figures")
    return len(kept)


FIGURE_FIELDS = ("value", "numerator", "denominator", "note", "cutoff_date")


def _figures(unit, indicators) -> dict:
    """{indicator code: its stored figures} of `unit` for these indicators, as the audit row keeps them."""
    rows = IndicatorValue.objects.filter(indicator__in=list(indicators), unit=unit).select_related("indicator")
    return {row.indicator.code: audit.snapshot(row, FIGURE_FIELDS) for row in rows}


def indicator_values_set(*, assignment: Assignment, by, entries: dict, cutoff_date: datetime.date | None = None) -> int:
    """A recipient unit's figures, {code: {"value"|"numerator","denominator", "note"}}.

    Entered while the work is received (before or with the report); an empty entry clears it.
    """
    with transaction.atomic():
        assignment = transitions.lock(Assignment, assignment.pk)
        require_permission(by, "handle_assignments", assignment.unit, _("report figures"))
        if assignment.state != AssignmentState.RECEIVED:
            raise ValidationError(_("Figures are entered after confirming receipt and before the report is sent."))
        indicators = assignment.plan.indicators.exclude(aggregate=Aggregate.ISSUER_ONLY)
        return _store(assignment.plan, list(indicators), assignment.unit, assignment, entries, by, cutoff_date)


def issuer_values_set(*, plan: Plan, by, entries: dict, cutoff_date: datetime.date | None = None) -> int:
    """The figures the issuing unit reports itself (e.g. province-level youth works)."""
    with transaction.atomic():
        plan = transitions.lock(Plan, plan.pk)
        require_permission(by, "review_reports", plan.issuing_unit, _("report the issuer's figures"))
        if plan.state != PlanState.ISSUED:
            raise ValidationError(_("The issuer's figures are entered while the plan is issued."))
        indicators = plan.indicators.filter(aggregate=Aggregate.ISSUER_ONLY)
        return _store(plan, list(indicators), plan.issuing_unit, None, entries, by, cutoff_date)
