"""On-time reporting per recipient unit, with pandas, from the flat rows of one query.

Each assignment due in the period falls in exactly one group (DESIGN.md §7):
  on time      reported, and its report came in by the due moment (reported_at ≤ report_due)
  late         reported after the due moment
  not reported no report and the due moment has passed (overdue, not done)
  not yet due  no report and still in time
A report returned for more keeps its report time: the unit did report. The on-time rate is
on time ÷ (on time + late + not reported): work still in time is neither yet, so it does not
pull a unit down before its deadline. No settled work → no rate (shown as —, sorted last).
"""

import datetime

import pandas as pd

from .selectors import ON_TIME_FIELDS

COUNTS = ("due", "on_time", "late", "not_reported", "not_yet_due")
COLUMNS = ("unit_id", "code", "name", "path", *COUNTS, "rate")


def on_time_frame(rows, now: datetime.datetime) -> pd.DataFrame:
    """One row per recipient unit, worst rate first; the columns of COLUMNS."""
    frame = pd.DataFrame.from_records(list(rows), columns=list(ON_TIME_FIELDS))
    if frame.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    frame = frame.rename(columns={"unit__code": "code", "unit__name": "name", "unit__path": "path"})
    due = pd.to_datetime(frame["report_due"], utc=True)
    reported = pd.to_datetime(frame["reported_at"], utc=True)
    has_report = reported.notna()
    frame["due"] = 1
    frame["on_time"] = (has_report & (reported <= due)).astype(int)
    frame["late"] = (has_report & (reported > due)).astype(int)
    past_due = due < pd.Timestamp(now).tz_convert("UTC")
    frame["not_reported"] = (~has_report & past_due).astype(int)
    frame["not_yet_due"] = (~has_report & ~past_due).astype(int)
    table = frame.groupby(["unit_id", "code", "name", "path"], as_index=False)[list(COUNTS)].sum()
    return _with_rate(table).sort_values(
        ["rate", "not_reported", "path"], ascending=[True, False, True], na_position="last"
    ).reset_index(drop=True)[list(COLUMNS)]


def _with_rate(table: pd.DataFrame) -> pd.DataFrame:
    settled = table["on_time"] + table["late"] + table["not_reported"]
    table["rate"] = (table["on_time"] * 100 / settled.where(settled > 0)).astype(float)
    return table


def totals(table: pd.DataFrame) -> dict:
    """The whole period over every unit: counts summed, the rate of the sums (never a mean of rates)."""
    sums = {name: int(table[name].sum()) if len(table) else 0 for name in COUNTS}
    settled = sums["on_time"] + sums["late"] + sums["not_reported"]
    sums["rate"] = sums["on_time"] * 100 / settled if settled else None
    return sums
