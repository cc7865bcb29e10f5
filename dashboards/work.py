"""A unit's work across plans and inspections: its reports on plans, its self-reports and its
remediations, each judged by its own app's status rule (plans.selectors.status_of,
inspections.statuses) and gathered into DESIGN.md §7's four groups.

Open work is all of it, whatever its deadline: an overdue report of last year is still owed.
Rolled up, the unit's work includes that of the units it took over (merged or dissolved into it),
each item naming the unit it was given to.
Completed work is that of one year, by its deadline. Three queries, whatever the volume, each
through its app's visibility selector: an officer of the issuer sees the work its own plans and
inspections gave the unit, and nothing else of the unit's.
"""

import datetime
from dataclasses import dataclass

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts import lineage
from inspections.models import RemediationState, TargetState
from inspections.selectors import remediations_visible_to, targets_visible_to
from inspections.statuses import remediation_status, self_report_status
from plans.models import AssignmentState
from plans.selectors import (
    AWAITING_REVIEW,
    GROUP_IN_PROGRESS,
    GROUP_LABELS,
    GROUP_LATE,
    GROUP_ON_TIME,
    GROUP_OVERDUE,
    STATUS_GROUPS,
    STATUS_LABELS,
    assignments_visible_to,
    status_of,
    status_summary,
)

PLAN_REPORT, SELF_REPORT, REMEDIATION = "plan", "self-report", "remediation"
KIND_LABELS = {
    PLAN_REPORT: _("Plan report"),
    SELF_REPORT: _("Inspection self-report"),
    REMEDIATION: _("Remediation"),
}
# The open groups, most pressing first; completed work is counted, and listed folded.
OPEN_GROUPS = (GROUP_OVERDUE, AWAITING_REVIEW, GROUP_IN_PROGRESS)
DONE_GROUPS = (GROUP_ON_TIME, GROUP_LATE)


@dataclass(frozen=True, slots=True)
class WorkItem:
    kind: str
    title: str
    number: str
    issuer: str
    due: datetime.datetime | None
    status: str
    url: str
    unit_id: int = 0
    unit_name: str = ""  # the unit it was given to

    @property
    def kind_label(self):
        return KIND_LABELS[self.kind]

    @property
    def status_label(self):
        return STATUS_LABELS.get(self.status, "")

    @property
    def group(self) -> str:
        return STATUS_GROUPS[self.status]


def _year_bounds(year: int):
    start = timezone.make_aware(datetime.datetime(year, 1, 1))
    return start, timezone.make_aware(datetime.datetime(year + 1, 1, 1))


def _plan_reports(user, units, year, now):
    start, end = _year_bounds(year)
    done = Q(state=AssignmentState.ACCEPTED, report_due__gte=start, report_due__lt=end)
    rows = (assignments_visible_to(user).filter(unit__in=units).exclude(state=AssignmentState.CANCELLED)
            .filter(~Q(state=AssignmentState.ACCEPTED) | done).order_by("report_due", "pk"))
    for a in rows:
        yield WorkItem(PLAN_REPORT, a.plan.subject, a.plan.number, a.plan.issuing_unit.name, a.report_due,
                       status_of(state=a.state, report_due=a.report_due, receipt_due=a.receipt_due,
                                 reported_at=a.reported_at, now=now),
                       reverse("plans:assignment", args=[a.pk]), a.unit_id, a.unit.name)


def _self_reports(user, units, year, now):
    start, end = _year_bounds(year)
    done = Q(self_reported_at__isnull=False, self_report_due__gte=start, self_report_due__lt=end)
    rows = (targets_visible_to(user).filter(unit__in=units).exclude(state=TargetState.PENDING)
            .filter(Q(self_reported_at__isnull=True) | done).order_by("self_report_due", "pk"))
    for target in rows:
        inspection = target.inspection
        yield WorkItem(SELF_REPORT, inspection.subject, inspection.decision_number,
                       inspection.programme.issuing_unit.name, target.self_report_due,
                       self_report_status(target, now), reverse("inspections:target", args=[target.pk]),
                       target.unit_id, target.unit.name)


def _remediations(user, units, year, now):
    start, end = _year_bounds(year)
    done = Q(state=RemediationState.VERIFIED, due__gte=start, due__lt=end)
    rows = (remediations_visible_to(user).filter(target__unit__in=units)
            .filter(~Q(state=RemediationState.VERIFIED) | done)
            .select_related("target__inspection").order_by("due", "pk"))
    for remediation in rows:
        inspection = remediation.target.inspection
        yield WorkItem(REMEDIATION, remediation.recommendation.text, inspection.decision_number,
                       inspection.programme.issuing_unit.name, remediation.due,
                       remediation_status(remediation, now), reverse("inspections:remediation", args=[remediation.pk]),
                       remediation.target.unit_id, remediation.target.unit.name)


def unit_work(user, unit, *, year: int, now, rolled_up: bool = False) -> dict:
    """The unit's work the person may see: the four groups' counts, and the items by group.
    `rolled_up`: with the work of the units it took over, each item naming its unit."""
    units = sorted(lineage.absorbed_of(unit.pk)) if rolled_up else [unit.pk]
    items = [*_plan_reports(user, units, year, now), *_self_reports(user, units, year, now),
             *_remediations(user, units, year, now)]
    items = [item for item in items if item.status]
    items.sort(key=lambda item: (item.due is None, item.due or now))
    by_group = {group: [item for item in items if item.group == group] for group in (*OPEN_GROUPS, *DONE_GROUPS)}
    return {
        "summary": status_summary(item.status for item in items),
        "open": [{"code": group, "label": GROUP_LABELS[group], "items": by_group[group]}
                 for group in OPEN_GROUPS if by_group[group]],
        "done": [item for group in DONE_GROUPS for item in by_group[group]],
        "total": len(items),
    }
