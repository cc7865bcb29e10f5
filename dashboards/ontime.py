"""On-time reporting per recipient unit, with pandas, from the flat rows of one query.

Each assignment due in the period is judged by plans.selectors.status_of, the rule of every
other screen, and falls in one of the four groups of official tracking (DESIGN.md §7) or in
"awaiting review":
  on time          completed: accepted, and the version accepted was sent by the deadline
  late             completed: accepted, but the version accepted was sent after the deadline
  in progress      not completed, the deadline still ahead (a returned report included)
  overdue          not completed, the deadline passed (a returned report included)
  awaiting review  sent and not yet reviewed: not completed, but not the unit's delay either
Completed means accepted by the issuer; whether on time is decided by the moment the unit sent
the report that was accepted (reported_at), not by the moment the issuer accepted it: the unit
answers for its own submission, not for the time its report waits for review. Only the report
deadline is judged here ("on-time reporting"): a missed receipt confirmation is not a late report,
so the rows carry no receipt deadline.

The on-time rate is on time ÷ (on time + late + overdue): work in progress and reports awaiting
review are not judged yet, so they do not pull a unit down before it can be. The score of the
provincial Youth Union tracker, (on time + w × late) ÷ the same judged work with w = 0.7 by
default (settings.ON_TIME_LATE_WEIGHT), weighs a late completion above none. No judged work →
no rate and no score (shown as —, sorted last).
"""

import datetime

import pandas as pd
from django.conf import settings

from accounts import lineage
from plans.selectors import (
    AWAITING_REVIEW,
    GROUP_IN_PROGRESS,
    GROUP_LATE,
    GROUP_ON_TIME,
    GROUP_OVERDUE,
    STATUS_GROUPS,
    status_of,
)

from .selectors import ON_TIME_FIELDS

# Each count's group of plans.selectors.STATUS_GROUPS.
GROUP_COUNTS = {"on_time": GROUP_ON_TIME, "late": GROUP_LATE, "overdue": GROUP_OVERDUE,
                "not_yet_due": GROUP_IN_PROGRESS, "awaiting_review": AWAITING_REVIEW}
COUNTS = ("due", "on_time", "late", "overdue", "not_yet_due", "awaiting_review")
COLUMNS = ("unit_id", "code", "name", "path", *COUNTS, "rate", "score")
DEFAULT_LATE_WEIGHT = 0.7


def late_weight() -> float:
    """What a late completion is worth against one on time in the score (DESIGN.md §7: 0.7)."""
    return float(getattr(settings, "ON_TIME_LATE_WEIGHT", DEFAULT_LATE_WEIGHT))


def on_time_frame(rows, now: datetime.datetime, *, rolled_up: bool = False) -> pd.DataFrame:
    """One row per recipient unit, worst rate first; the columns of COLUMNS. `rolled_up`: the work
    of units that ended (merged, dissolved) counts for the unit that carries it today
    (accounts.lineage), instead of standing as it was."""
    frame = pd.DataFrame.from_records(list(rows), columns=list(ON_TIME_FIELDS))
    if frame.empty:
        return pd.DataFrame(columns=list(COLUMNS))
    frame = frame.rename(columns={"unit__code": "code", "unit__name": "name", "unit__path": "path"})
    if rolled_up:
        frame = lineage.in_todays_tree(frame)
    # One Python call per row: the rule is plans.selectors' own, not a copy of it in pandas.
    groups = pd.Series([
        STATUS_GROUPS[status_of(state=state, report_due=due, reported_at=reported, now=now)]
        for state, due, reported in zip(frame["state"], frame["report_due"], frame["reported_at"], strict=True)
    ], index=frame.index)
    frame["due"] = 1
    for name, group in GROUP_COUNTS.items():
        frame[name] = (groups == group).astype(int)
    table = frame.groupby(["unit_id", "code", "name", "path"], as_index=False)[list(COUNTS)].sum()
    return _with_rate(table).sort_values(
        ["rate", "overdue", "path"], ascending=[True, False, True], na_position="last"
    ).reset_index(drop=True)[list(COLUMNS)]


def _judged(table) -> pd.Series:
    return table["on_time"] + table["late"] + table["overdue"]


def _with_rate(table: pd.DataFrame) -> pd.DataFrame:
    judged = _judged(table).where(_judged(table) > 0)
    table["rate"] = (table["on_time"] * 100 / judged).astype(float)
    table["score"] = ((table["on_time"] + late_weight() * table["late"]) * 100 / judged).astype(float)
    return table


def totals(table: pd.DataFrame) -> dict:
    """The whole period over every unit: counts summed, the rate of the sums (never a mean of rates)."""
    sums = {name: int(table[name].sum()) if len(table) else 0 for name in COUNTS}
    judged = sums["on_time"] + sums["late"] + sums["overdue"]
    sums["rate"] = sums["on_time"] * 100 / judged if judged else None
    sums["score"] = (sums["on_time"] + late_weight() * sums["late"]) * 100 / judged if judged else None
    return sums
