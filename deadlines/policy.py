"""The deadline policy of each kind of step, with defaults created on first use, and the
moments of its levels counted in working days (workflows.calendar)."""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from workflows.calendar import MAX_SPAN_DAYS, WorkingCalendar, deadline_after

from .models import DeadlinePolicy, Level, StepKind


def policies() -> dict[str, DeadlinePolicy]:
    """Every step kind's policy in one query; the missing ones are created with the defaults."""
    rows = {p.step_kind: p for p in DeadlinePolicy.objects.all()}
    missing = [DeadlinePolicy(step_kind=kind) for kind in StepKind.values if kind not in rows]
    if missing:
        # Two processes may create them at once on a fresh database: the second insert is ignored.
        DeadlinePolicy.objects.bulk_create(missing, ignore_conflicts=True)
        rows = {p.step_kind: p for p in DeadlinePolicy.objects.all()}
    return rows


def policy_for(step_kind: str) -> DeadlinePolicy:
    return DeadlinePolicy.objects.get_or_create(step_kind=step_kind)[0]


def receipt_due_from(now: datetime.datetime) -> datetime.datetime:
    """When recipients must confirm receipt of a plan issued at `now` without its own deadline."""
    days = policy_for(StepKind.ASSIGNMENT_RECEIPT).receipt_working_days
    return deadline_after(now, days)


def review_due_from(sent: datetime.datetime) -> datetime.datetime:
    """When the issuer should have reviewed a report sent at `sent`."""
    days = policy_for(StepKind.ASSIGNMENT_REPORT).review_working_days
    return deadline_after(sent, max(days, 1))


def horizons(now: datetime.datetime, all_policies: dict[str, DeadlinePolicy]) -> dict[str, datetime.datetime]:
    """Per step kind, the latest due moment whose reminder time has come: anything due later
    needs nothing yet. One calendar query for all kinds.

    The reminder of a due day d is the K-th working day before d, which is today or earlier
    exactly when d is no later than the K-th working day after today.
    """
    today = timezone.localdate(now)
    widest = max(p.reminder_working_days for p in all_policies.values())
    calendar = WorkingCalendar(today, today + _margin(widest))
    result = {}
    for kind, policy in all_policies.items():
        if policy.reminder_working_days:
            last_day = shift(calendar, today, policy.reminder_working_days)
            result[kind] = timezone.make_aware(datetime.datetime.combine(last_day, datetime.time.max))
        else:
            result[kind] = now
    return result


def _margin(working_days: int) -> datetime.timedelta:
    """Calendar days enough to walk that many working days past weekends and Tết."""
    return datetime.timedelta(days=min(MAX_SPAN_DAYS, 2 * working_days + 21))


def shift(calendar: WorkingCalendar, day: datetime.date, n: int) -> datetime.date:
    """The |n|-th working day after (n > 0) or before (n < 0) `day`; `day` itself never counts."""
    step = datetime.timedelta(days=1 if n > 0 else -1)
    counted = 0
    while counted < abs(n):
        day += step
        counted += calendar.is_working_day(day)
    return day


@dataclass(frozen=True, slots=True)
class Moments:
    reminder: datetime.datetime | None
    level2: datetime.datetime
    level3: datetime.datetime


class LevelClock:
    """The moments of every level for many due moments, with one calendar query in all.

    A sweep may see thousands of rows; the calendar exceptions are read once for the span the
    rows need and each due day's moments are computed once (rows share due days).
    """

    def __init__(self, policy: DeadlinePolicy, dues):
        self.policy = policy
        self.tz = timezone.get_current_timezone()
        days = [timezone.localtime(due, self.tz).date() for due in dues]
        margin = _margin(max(policy.reminder_working_days, policy.level3_after_working_days))
        start, end = (min(days) - margin, max(days) + margin) if days else (None, None)
        self.calendar = WorkingCalendar(start, end) if days else None
        self._days: dict[datetime.date, tuple] = {}

    def moments(self, due: datetime.datetime) -> Moments:
        local = timezone.localtime(due, self.tz)
        day = local.date()
        if day not in self._days:
            p = self.policy
            self._days[day] = (
                shift(self.calendar, day, -p.reminder_working_days) if p.reminder_working_days else None,
                shift(self.calendar, day, p.level2_after_working_days),
                shift(self.calendar, day, p.level3_after_working_days),
            )
        reminder, level2, level3 = self._days[day]

        def at(d):
            # The same time of day as the deadline itself (usually when offices close).
            return timezone.make_aware(datetime.datetime.combine(d, local.time()), self.tz)

        return Moments(reminder=at(reminder) if reminder else None, level2=at(level2), level3=at(level3))

    def levels_due(self, due: datetime.datetime, now: datetime.datetime) -> list[str]:
        """Levels whose moment has come. A reminder is only worth sending before the deadline:
        a row first seen after it (a deadline set in the past, a sweep that was down) gets the
        overdue notice instead."""
        m = self.moments(due)
        levels = []
        if m.reminder is not None and m.reminder <= now < due:
            levels.append(Level.REMINDER)
        if due <= now:
            levels.append(Level.OVERDUE)
        if m.level2 <= now:
            levels.append(Level.LEVEL2)
        if m.level3 <= now:
            levels.append(Level.LEVEL3)
        return levels

