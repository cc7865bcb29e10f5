"""The computed criteria of a scoring table, for many units at once, each with what it counted.

- timeliness: (on time + w × late) ÷ total × maximum, over the unit's reports due in the year.
  On time and late are the plans' own rule (plans.selectors.sent_late on an accepted report);
  the total is the accepted reports (default) or every report due in the year (scored during the
  year: those due by now).
- indicators: the share of the unit's own targets met or exceeded × maximum, over the plans due
  in the year that gave it indicators; a target and its verdict are the indicator summary's
  (plans.indicators.summary: an allocation, the plan's percentage, a "units meeting" condition).
  A figure counts once its report is sent; a target unreported after the deadline is not met,
  before it not counted yet.
- inspections: the maximum, less points per violation found in a conclusion issued in the year
  (as its latest correction has it) and per remediation still open at the year's end (never
  below 0).

A unit with nothing to count gets 0 points and says so: the cluster head may change a figure
with a comment. The queries do not grow with the number of units: one for the reports, one for
the plans and the indicator summary's few for each plan, two for inspections.
"""

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Q
from django.utils import timezone

from inspections.models import ConclusionState, Finding, FindingCategory, Remediation, RemediationState
from plans.indicators.summary import plan_indicator_summary
from plans.indicators.verdicts import EXCEEDED, MET
from plans.models import Assignment, AssignmentState, Plan, PlanState
from plans.selectors import sent_late

from .models import Criterion, Denominator, Source

CENT = Decimal("0.01")


@dataclass
class Computed:
    """One criterion of one unit: its points and what they were computed from (shown to the unit
    and to those who verify)."""

    points: Decimal
    counts: dict = field(default_factory=dict)
    items: list = field(default_factory=list)  # (label, outcome) of each report, target or finding


def year_bounds(year: int) -> tuple[datetime.datetime, datetime.datetime]:
    return (timezone.make_aware(datetime.datetime(year, 1, 1)), timezone.make_aware(datetime.datetime(year + 1, 1, 1)))


def _points(maximum: Decimal, numerator, denominator) -> Decimal:
    """maximum × numerator ÷ denominator to the cent, multiplied first: an exact half-cent rounds up."""
    if not denominator:
        return Decimal("0.00")
    return (maximum * Decimal(numerator) / Decimal(denominator)).quantize(CENT, rounding=ROUND_HALF_UP)


def computed_scores(criteria, unit_ids, *, year: int, now=None) -> dict[int, dict[int, Computed]]:
    """{unit id: {criterion id: Computed}} for the computed criteria among `criteria`."""
    criteria = [c for c in criteria if c.source != Source.JUDGED]
    unit_ids = list(unit_ids)
    now = now or timezone.now()
    result: dict[int, dict[int, Computed]] = {uid: {} for uid in unit_ids}
    by_source = defaultdict(list)
    for criterion in criteria:
        by_source[criterion.source].append(criterion)
    if by_source[Source.TIMELINESS]:
        reports = _reports(unit_ids, year, now)
        for criterion in by_source[Source.TIMELINESS]:
            for uid in unit_ids:
                result[uid][criterion.pk] = timeliness(criterion, reports.get(uid, []))
    if by_source[Source.INDICATORS]:
        verdicts = _verdicts(unit_ids, year, now)
        for criterion in by_source[Source.INDICATORS]:
            for uid in unit_ids:
                result[uid][criterion.pk] = indicators(criterion, verdicts.get(uid, []))
    if by_source[Source.INSPECTIONS]:
        violations, remediations = _inspections(unit_ids, year, now)
        for criterion in by_source[Source.INSPECTIONS]:
            for uid in unit_ids:
                result[uid][criterion.pk] = inspections(criterion, violations.get(uid, []), remediations.get(uid, []))
    return result


# --- timeliness --------------------------------------------------------------------------------

ON_TIME, LATE, NOT_ACCEPTED, NOT_DUE = "on_time", "late", "not_accepted", "not_due"
NOT_REPORTED = "not_reported"


def _reports(unit_ids, year, now) -> dict[int, list[tuple]]:
    start, end = year_bounds(year)
    rows = (Assignment.objects.filter(unit_id__in=unit_ids, report_due__gte=start, report_due__lt=end)
            .exclude(state=AssignmentState.CANCELLED).order_by("report_due", "pk")
            .values_list("unit_id", "pk", "plan__number", "plan__subject", "state", "reported_at", "report_due"))
    reports = defaultdict(list)
    for unit_id, pk, number, subject, state, reported_at, report_due in rows:
        if state != AssignmentState.ACCEPTED:
            outcome = NOT_ACCEPTED if report_due <= now else NOT_DUE  # scored during the year: not yet owed
        else:
            outcome = LATE if sent_late(reported_at, report_due) else ON_TIME
        reports[unit_id].append((pk, number or subject, outcome))
    return reports


def timeliness(criterion: Criterion, reports: list[tuple]) -> Computed:
    on_time = sum(1 for *_, outcome in reports if outcome == ON_TIME)
    late = sum(1 for *_, outcome in reports if outcome == LATE)
    missing = sum(1 for *_, outcome in reports if outcome == NOT_ACCEPTED)
    total = on_time + late + (missing if criterion.denominator == Denominator.DUE else 0)
    return Computed(_points(criterion.max_points, on_time + criterion.late_weight * late, total),
                    {"on_time": on_time, "late": late, "not_accepted": missing, "total": total},
                    [(label, outcome) for _pk, label, outcome in reports])


# --- indicators --------------------------------------------------------------------------------

SENT = (AssignmentState.REPORTED, AssignmentState.ACCEPTED)


def _verdicts(unit_ids, year, now) -> dict[int, list[tuple]]:
    """{unit id: [(plan number, indicator code, outcome)]} of the unit's own targets. A figure
    counts once its report is sent (awaiting review or accepted; a returned report's does not);
    a target still unreported after the plan's deadline is not met, so a unit does not gain by
    withholding the figure it would fail; before the deadline it is not counted yet."""
    start, end = year_bounds(year)
    wanted = set(unit_ids)
    plans = list(Plan.objects.filter(state__in=[PlanState.ISSUED, PlanState.CLOSED], report_due__gte=start,
                                     report_due__lt=end, indicators__isnull=False,
                                     assignments__unit_id__in=unit_ids).distinct().order_by("report_due", "pk"))
    states = {(plan_id, unit_id): state for plan_id, unit_id, state in Assignment.objects.filter(
        plan__in=plans, unit_id__in=unit_ids).values_list("plan_id", "unit_id", "state")}
    verdicts = defaultdict(list)
    for plan in plans:
        summary = plan_indicator_summary(plan)
        codes = summary.indicators["code"].to_dict()
        units = summary.units
        own = units[units["unit_goal"].notna() & units["unit_id"].isin(wanted)]
        for unit_id, indicator_id, verdict in zip(own["unit_id"], own["indicator_id"], own["verdict"], strict=True):
            sent = states.get((plan.pk, int(unit_id))) in SENT
            if sent and verdict:
                outcome = verdict
            elif not sent and plan.report_due > now:
                outcome = NOT_DUE
            else:
                outcome = NOT_REPORTED
            verdicts[int(unit_id)].append((plan.number, codes[indicator_id], outcome))
    return verdicts


def indicators(criterion: Criterion, verdicts: list[tuple]) -> Computed:
    met = sum(1 for *_, verdict in verdicts if verdict in (MET, EXCEEDED))
    judged = sum(1 for *_, verdict in verdicts if verdict != NOT_DUE)
    return Computed(_points(criterion.max_points, met, judged), {"met": met, "judged": judged},
                    [(f"{number} · {code}", verdict) for number, code, verdict in verdicts])


# --- inspections -------------------------------------------------------------------------------

def _inspections(unit_ids, year, now):
    start, end = year_bounds(year)
    until = min(end, now)
    # The findings as they stand: a finding counts as its latest correction says (a correction
    # points to the finding it corrects, maybe itself a correction: follow to the first).
    findings = (Finding.objects.filter(target__unit_id__in=unit_ids, target__conclusion__state=ConclusionState.ISSUED,
                                       target__conclusion__issued_at__gte=start,
                                       target__conclusion__issued_at__lt=end)
                .order_by("recorded_at", "pk")
                .values_list("pk", "corrects_id", "category", "target__unit_id", "target__inspection__decision_number",
                             "description"))
    root_of, latest = {}, {}
    for pk, corrects_id, category, unit_id, number, description in findings:
        root = root_of.get(corrects_id, corrects_id) if corrects_id else pk
        root_of[pk] = root
        latest[root] = (category, unit_id, number, description)
    violations = defaultdict(list)
    for category, unit_id, number, description in latest.values():
        if category == FindingCategory.VIOLATION:
            violations[unit_id].append((number, description[:120]))
    # Open at the year's end (or now, during the year): due by then and not verified by then.
    open_ = (Remediation.objects.filter(target__unit_id__in=unit_ids, due__lt=until)
             .filter(Q(state__in=[RemediationState.OPEN, RemediationState.REPORTED]) | Q(verified_at__gte=until))
             .order_by("due", "pk").values_list("target__unit_id", "recommendation__text", "due"))
    remediations = defaultdict(list)
    for unit_id, text, due in open_:
        remediations[unit_id].append((text[:120], due))
    return violations, remediations


def inspections(criterion: Criterion, violations: list[tuple], remediations: list[tuple]) -> Computed:
    off = criterion.violation_points * len(violations) + criterion.open_remediation_points * len(remediations)
    points = max(criterion.max_points - off, Decimal(0)).quantize(CENT, rounding=ROUND_HALF_UP)
    items = ([(f"{number} · {text}", "violation") for number, text in violations]
             + [(text, "open_remediation") for text, _due in remediations])
    return Computed(points, {"violations": len(violations), "open_remediations": len(remediations)}, items)
