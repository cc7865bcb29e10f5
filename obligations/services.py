"""Generating the periodic report requests: once per schedule and period, whoever runs it.

A request goes the way one typed by hand goes, through plans.services: drafted and submitted
(by the department head when a department advises it, else by the leader), reviewed by that
head, approved by the leader and numbered and issued by the clerk named on the schedule. No
state is written here; each step checks its person's right and logs the transition.
"""

import logging

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.errors import ActionForbidden, TaskMissing, TransitionNotAllowed
from plans import services as plan_services
from plans.models import Plan, PlanKind, PlanState
from workflows.calendar import deadline_after

from .models import ReportSchedule, ScheduleRun
from .periods import Period

logger = logging.getLogger(__name__)

RECEIPT_WORKING_DAYS = 2
# A schedule whose people lost their rights is skipped, not fatal: the others still run.
REFUSALS = (ValidationError, ActionForbidden, TransitionNotAllowed, TaskMissing, ValueError)


def generate_due(now=None) -> list[ScheduleRun]:
    """Issue every request whose moment has come and that does not exist yet. Safe to run at any
    time and any number of times, also two beats at once: the ScheduleRun insert is the claim."""
    now = now or timezone.now()
    made = []
    schedules = ReportSchedule.objects.filter(active=True).select_related(
        "issuing_unit", "department", "recipient_level", "issued_by", "approved_by", "reviewed_by"
    )
    for schedule in schedules:
        try:
            wanted = schedule.periods_open(now)
        except ValueError:
            logger.error("Report schedule %s has an impossible cut-off day; skipped.", schedule.pk)
            continue
        done = set(schedule.runs.filter(period_key__in=[p.key for p in wanted]).values_list("period_key", flat=True))
        for period in wanted:
            if period.key in done:
                continue
            run = _generate(schedule, period, now)
            if run is not None:
                made.append(run)
    return made


def _generate(schedule: ReportSchedule, period: Period, now) -> ScheduleRun | None:
    try:
        with transaction.atomic():
            try:
                # The claim comes first: a concurrent beat blocks on the unique index until we
                # commit, then fails here. If the request below cannot be made, the claim rolls
                # back with it and the next beat tries again.
                with transaction.atomic():
                    run = ScheduleRun.objects.create(schedule=schedule, period_key=period.key, created_at=now)
            except IntegrityError:
                return None
            run.plan = _request_issue(schedule, period, now)
            run.save(update_fields=["plan"])
    except REFUSALS as exc:
        logger.error("Report schedule %s could not issue the request of %s: %s", schedule.pk, period.key, exc)
        return None
    return run


def _request_issue(schedule: ReportSchedule, period: Period, now) -> Plan:
    schedule.full_clean()  # the people's rights today, with messages that name the field
    report_due = schedule.report_due(period)
    note = _("Periodic request of the schedule “%(name)s”, period %(period)s.") % {
        "name": schedule.name, "period": period.label}
    drafter = schedule.reviewed_by if schedule.department_id else schedule.approved_by
    plan = plan_services.plan_create(
        by=drafter, issuing_unit=schedule.issuing_unit, department=schedule.department,
        kind=PlanKind.REPORT_REQUEST, subject=schedule.subject_for(period), body=schedule.body_for(period),
        period_start=period.start, period_end=period.cutoff, report_due=report_due,
        receipt_due=min(deadline_after(now, RECEIPT_WORKING_DAYS), report_due),
        recipients=schedule.recipient_units(),
    )
    plan = plan_services.plan_submit(plan=plan, by=drafter, comment=note)
    if plan.state == PlanState.UNDER_REVIEW:
        plan = plan_services.plan_review(plan=plan, by=schedule.reviewed_by, comment=note)
    plan = plan_services.plan_approve(plan=plan, by=schedule.approved_by, comment=note)
    return plan_services.plan_issue(plan=plan, by=schedule.issued_by, comment=note)
