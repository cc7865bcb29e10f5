"""Reporting periods and their data cut-off dates. Plain dates, no database.

Decree 09/2019 (mirrored by many bodies) ends every period on a cut-off day: the 14th of the
month by default, so "tháng 3" is 15/02 → 14/03, "quý I" is 15/12 → 14/03, "6 tháng đầu năm"
is 15/12 → 14/06 and "năm" is 15/12 → 14/12. Here a period is named by the last month it
covers and ends on `cutoff_day` of that month (clamped to the month's length, so 31 means
"the last day"); it starts the day after the cut-off of the month `span` months earlier.
A week is an ISO week ending on the cut-off weekday (1 Monday … 7 Sunday) and covers the seven
days up to it.
"""

import calendar
import datetime
from dataclasses import dataclass

WEEKLY, MONTHLY, QUARTERLY, HALF_YEARLY, NINE_MONTHLY, YEARLY = (
    "weekly", "monthly", "quarterly", "half_yearly", "nine_monthly", "yearly",
)
# frequency → (the last months of its periods, months each period covers)
MONTH_SERIES = {
    MONTHLY: (tuple(range(1, 13)), 1),
    QUARTERLY: ((3, 6, 9, 12), 3),
    HALF_YEARLY: ((6, 12), 6),
    NINE_MONTHLY: ((9,), 9),
    YEARLY: ((12,), 12),
}
ROMAN = {1: "I", 2: "II", 3: "III", 4: "IV"}


@dataclass(frozen=True)
class Period:
    key: str  # unique within a schedule: "2025-Q1", "2025-M03", "2025-W12"
    label: str  # as the subject line writes it: "quý I/2025"
    start: datetime.date
    cutoff: datetime.date  # the last day of data, inclusive


def _cutoff(year: int, month: int, day: int) -> datetime.date:
    return datetime.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _months_back(year: int, month: int, span: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) - span
    return index // 12, index % 12 + 1


def _month_key(frequency: str, year: int, month: int) -> str:
    if frequency == MONTHLY:
        return f"{year}-M{month:02d}"
    if frequency == QUARTERLY:
        return f"{year}-Q{month // 3}"
    if frequency == HALF_YEARLY:
        return f"{year}-H{month // 6}"
    if frequency == NINE_MONTHLY:
        return f"{year}-9M"
    return f"{year}-Y"


def _month_label(frequency: str, year: int, month: int) -> str:
    if frequency == MONTHLY:
        return f"tháng {month}/{year}"
    if frequency == QUARTERLY:
        return f"quý {ROMAN[month // 3]}/{year}"
    if frequency == HALF_YEARLY:
        return f"6 tháng đầu năm {year}" if month == 6 else f"6 tháng cuối năm {year}"
    if frequency == NINE_MONTHLY:
        return f"9 tháng năm {year}"
    return f"năm {year}"


class Series:
    """The periods of one frequency and cut-off day, in order."""

    def __init__(self, frequency: str, cutoff_day: int):
        if frequency != WEEKLY and frequency not in MONTH_SERIES:
            raise ValueError(f"unknown frequency {frequency!r}")
        limit = 7 if frequency == WEEKLY else 31
        if not 1 <= cutoff_day <= limit:
            raise ValueError(f"cut-off day {cutoff_day} outside 1…{limit}")
        self.frequency, self.cutoff_day = frequency, cutoff_day

    # -- weeks ---------------------------------------------------------------------------------
    def _week(self, year: int, week: int) -> Period:
        cutoff = datetime.date.fromisocalendar(year, week, self.cutoff_day)
        return Period(f"{year}-W{week:02d}", f"tuần {week}/{year}", cutoff - datetime.timedelta(days=6), cutoff)

    def _week_of(self, day: datetime.date) -> Period:
        iso = day.isocalendar()
        return self._week(iso.year, iso.week)

    # -- month-based periods -------------------------------------------------------------------
    def _month(self, year: int, month: int) -> Period:
        span = MONTH_SERIES[self.frequency][1]
        before = _cutoff(*_months_back(year, month, span), self.cutoff_day)
        return Period(_month_key(self.frequency, year, month), _month_label(self.frequency, year, month),
                      before + datetime.timedelta(days=1), _cutoff(year, month, self.cutoff_day))

    def _ends(self, year: int):
        months = MONTH_SERIES[self.frequency][0]
        return [(year, m) for m in months]

    # -- walking -------------------------------------------------------------------------------
    def covering(self, day: datetime.date) -> Period:
        """The period whose cut-off is the first on or after `day`."""
        if self.frequency == WEEKLY:
            period = self._week_of(day)
            return period if period.cutoff >= day else self._week_of(period.cutoff + datetime.timedelta(days=7))
        for year, month in self._ends(day.year) + self._ends(day.year + 1):
            if _cutoff(year, month, self.cutoff_day) >= day:
                return self._month(year, month)
        raise AssertionError("every year has a cut-off")  # pragma: no cover

    def after(self, period: Period) -> Period:
        if self.frequency == WEEKLY:
            return self._week_of(period.cutoff + datetime.timedelta(days=7))
        return self.covering(period.cutoff + datetime.timedelta(days=1))

    def before(self, period: Period) -> Period:
        if self.frequency == WEEKLY:
            return self._week_of(period.cutoff - datetime.timedelta(days=7))
        year, month = period.cutoff.year, period.cutoff.month
        for _ in range(12):
            year, month = _months_back(year, month, 1)
            if month in MONTH_SERIES[self.frequency][0]:
                return self._month(year, month)
        raise AssertionError("every year has a cut-off")  # pragma: no cover
