"""The leader's units × plans matrix, from the flat rows of one query (selectors.matrix_rows).

A column per plan (by its report deadline), a row per recipient unit (by its place in the tree),
a cell per assignment with its status. The status is plans.selectors.status_of, the rule of the
plan page and the assignment page the cell links to, so the cell says what that page says: with
the receipt deadline too, a unit that never confirmed receipt in time is overdue here (the plan
page's legend counts it so) even where the on-time page, which judges the report deadline only,
still counts it as in progress.

Counts are the four groups of official tracking (DESIGN.md §7) and "reported, awaiting review"
kept apart, per row and per column, over the cells shown: when plans are cut (more than
`max_columns` in the period), a row's counts cover the columns on the page and no others.
"""

import datetime
from dataclasses import dataclass, field

from accounts import lineage
from plans.selectors import (
    AWAITING_REVIEW,
    GROUP_IN_PROGRESS,
    GROUP_LABELS,
    GROUP_LATE,
    GROUP_ON_TIME,
    GROUP_OVERDUE,
    STATUS_GROUPS,
    STATUS_LABELS,
    status_of,
)

from .selectors import MATRIX_FIELDS

# A page of a big province stays readable and light: 40 plans × 100 units is 4,000 cells.
MAX_COLUMNS = 40
# The four groups of DESIGN.md §7 in their order, then the reports awaiting review, kept apart.
GROUPS = (GROUP_ON_TIME, GROUP_LATE, GROUP_IN_PROGRESS, GROUP_OVERDUE, AWAITING_REVIEW)
# A sign in each cell besides its colour, so the status does not rest on colour alone.
SIGNS = {GROUP_ON_TIME: "✓", GROUP_LATE: "✓", GROUP_IN_PROGRESS: "•", GROUP_OVERDUE: "!", AWAITING_REVIEW: "?"}
RETURN_SIGN = "↩"


def _counts() -> dict[str, int]:
    return dict.fromkeys(GROUPS, 0)


@dataclass
class Cell:
    assignment_id: int
    status: str  # a code of plans.selectors.STATUS_LABELS, also the st-… CSS class
    group: str
    plan: "Column | None" = None

    @property
    def label(self):
        return STATUS_LABELS[self.status]

    @property
    def sign(self) -> str:
        return RETURN_SIGN if self.status.startswith("returned") else SIGNS[self.group]


@dataclass
class Column:
    plan_id: int
    number: str
    subject: str
    report_due: datetime.datetime
    counts: dict[str, int] = field(default_factory=_counts)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def number_parts(self) -> list[str]:
        """The number cut after each slash, where it may wrap: 176-KH/ · TĐTN-XDĐ, never at a hyphen."""
        parts = self.number.split("/")
        return [part + "/" for part in parts[:-1]] + parts[-1:] if self.number else []

    @property
    def done(self) -> int:
        return self.counts[GROUP_ON_TIME] + self.counts[GROUP_LATE]


@dataclass
class Row:
    unit_id: int
    code: str
    name: str
    path: str
    cells: list  # Cell or None (no assignment), one per column, in the columns' order
    counts: dict[str, int] = field(default_factory=_counts)

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def group_counts(self) -> list[dict]:
        """The row's counts in the order of GROUPS, for the template."""
        return [{"code": code, "count": self.counts[code]} for code in GROUPS]


@dataclass
class Matrix:
    columns: list[Column]
    rows: list[Row]
    cut: bool  # more plans fell due in the period than the columns shown
    totals: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.totals.values())

    @property
    def by_group(self) -> list[dict]:
        """Per group: its label, its count in each column (the columns' order) and over all."""
        return [{"code": code, "label": GROUP_LABELS[code], "total": self.totals[code],
                 "counts": [{"plan_id": column.plan_id, "count": column.counts[code]} for column in self.columns]}
                for code in GROUPS]


def groups() -> list[dict]:
    """The count columns: each group's code (its st-… class) and label."""
    return [{"code": code, "label": GROUP_LABELS[code]} for code in GROUPS]


def legend() -> list[dict]:
    """Every status a cell may show (cancelled work is never shown), with its colour and sign."""
    return [{"code": code, "label": label, "sign": Cell(0, code, STATUS_GROUPS[code]).sign}
            for code, label in STATUS_LABELS.items() if STATUS_GROUPS[code] in GROUPS]


def _in_todays_tree(records: list[dict]) -> list[dict]:
    """Each ended unit's cells on the row of the unit that carries its work today; where both had
    the plan, the successor's own assignment is the cell (it is the one still tracked)."""
    today = lineage.today_of({record["unit_id"] for record in records})
    if not today:
        return records
    for record in records:
        record["own"] = record["unit_id"] not in today
        if not record["own"]:
            record["unit_id"], record["unit__code"], record["unit__name"], record["unit__path"] = today[
                record["unit_id"]]
    return sorted(records, key=lambda record: not record["own"])


def build(rows, now: datetime.datetime, *, max_columns: int = MAX_COLUMNS, rolled_up: bool = False) -> Matrix:
    """The matrix of the flat rows (MATRIX_FIELDS), judged at `now`: the first `max_columns`
    plans by report deadline, the units that have work in them, both sorted. `rolled_up`: the
    rows of today's tree, units since merged or dissolved shown in their successor's row."""
    records = [dict(zip(MATRIX_FIELDS, row, strict=True)) for row in rows]
    if rolled_up:
        records = _in_todays_tree(records)
    plans = {}
    for record in records:
        plans.setdefault(record["plan_id"], Column(
            plan_id=record["plan_id"], number=record["plan__number"], subject=record["plan__subject"],
            report_due=record["plan__report_due"]))
    ordered = sorted(plans.values(), key=lambda column: (column.report_due, column.plan_id))
    columns = ordered[:max_columns]
    place = {column.plan_id: index for index, column in enumerate(columns)}

    units: dict[int, Row] = {}
    totals = _counts()
    for record in records:
        index = place.get(record["plan_id"])
        if index is None:
            continue
        row = units.get(record["unit_id"])
        if row is None:
            row = units[record["unit_id"]] = Row(
                unit_id=record["unit_id"], code=record["unit__code"], name=record["unit__name"],
                path=record["unit__path"], cells=[None] * len(columns))
        status = status_of(state=record["state"], report_due=record["report_due"],
                           receipt_due=record["receipt_due"], reported_at=record["reported_at"], now=now)
        group = STATUS_GROUPS[status]
        if group not in totals or row.cells[index] is not None:  # cancelled, or a merged unit's second cell
            continue
        row.cells[index] = Cell(assignment_id=record["pk"], status=status, group=group, plan=columns[index])
        row.counts[group] += 1
        columns[index].counts[group] += 1
        totals[group] += 1
    return Matrix(columns=columns, rows=sorted(units.values(), key=lambda row: row.path),
                  cut=len(ordered) > len(columns), totals=totals)
