"""Vietnamese working days: Monday–Friday, less public holidays (Tết, Hùng Kings, 30/4, 1/5,
2/9 and the substitutes, from the `holidays` package), with the deployment's own exceptions
(extra days off, make-up working Saturdays) from the admin. Every due date is counted here."""

import datetime
from functools import lru_cache

import holidays
from django.conf import settings
from django.utils import timezone

from .models import CalendarException

MAX_SPAN_DAYS = 3 * 366  # a guard against a loop over a mistyped year


@lru_cache(maxsize=16)
def _public_holidays(year: int) -> frozenset[datetime.date]:
    return frozenset(holidays.country_holidays("VN", years=year))


class WorkingCalendar:
    """Reads the exceptions once (one query) for the span it will walk."""

    def __init__(self, start: datetime.date, end: datetime.date):
        self.exceptions = dict(
            CalendarException.objects.filter(date__range=(start, end)).values_list("date", "is_working_day")
        )

    def is_working_day(self, day: datetime.date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() < 5 and day not in _public_holidays(day.year)


def is_working_day(day: datetime.date) -> bool:
    return WorkingCalendar(day, day).is_working_day(day)


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `start` (n ≥ 1); `start` itself never counts."""
    if n < 1:
        raise ValueError("n must be at least 1")
    calendar = WorkingCalendar(start, start + datetime.timedelta(days=MAX_SPAN_DAYS))
    day, counted = start, 0
    while counted < n:
        day += datetime.timedelta(days=1)
        if (day - start).days > MAX_SPAN_DAYS:
            raise ValueError("no working day found")
        counted += calendar.is_working_day(day)
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """Working days after `start` up to and including `end` (0 when end ≤ start)."""
    calendar = WorkingCalendar(start, end)
    return sum(calendar.is_working_day(start + datetime.timedelta(days=i)) for i in range(1, (end - start).days + 1))


def deadline_after(moment: datetime.datetime, n: int) -> datetime.datetime:
    """End of office hours on the n-th working day after `moment`, local time."""
    local = timezone.localtime(moment)
    day = add_working_days(local.date(), n)
    return timezone.make_aware(datetime.datetime.combine(day, settings.WORKDAY_ENDS_AT))


def working_days_counter(first: datetime.date, last: datetime.date):
    """`late(day)` → working days after `day` up to `last`, for any day from `first` on.

    One calendar query for the whole span, and one pass over it: a list of thousands of overdue
    rows costs what one row does (working_days_between reads the exceptions again on each call).
    """
    calendar = WorkingCalendar(first, last)
    after: dict[datetime.date, int] = {}  # day → working days after it, up to `last`
    count, day = 0, last
    while day >= first:
        after[day] = count
        count += calendar.is_working_day(day)
        day -= datetime.timedelta(days=1)
    return lambda day: after.get(day, 0)


def days_late(dues, now: datetime.datetime) -> list[int]:
    """The working days each of `dues` (past moments) is late by today: a report due Friday 27/11
    at 17:00 and still missing on Wednesday 02/12 is 3 days late, not 5. Late the same evening,
    or over a weekend, is still one day late. One calendar query for them all."""
    today = timezone.localdate(now)
    days = [timezone.localdate(due) for due in dues]
    late = working_days_counter(min(days, default=today), today)
    return [max(late(day), 1) for day in days]
