"""The standings of an emulation: each unit's points per criterion (self / verified / final),
its totals, and its place in its cluster and overall. One read of the sheets and their scores,
whatever the number of units: the screens, the API and the exports all start from here.

The total that ranks is the most advanced one each sheet has: final once the board approved it,
verified before that, the unit's own before the cluster verified it. Every figure of a sheet the
board has not approved is provisional.
"""

import re
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from .models import Criterion, Emulation, Score, ScoreSheet, SheetState
from .ranking import Place, rank


@dataclass
class CriterionRow:
    criterion: Criterion
    self_points: Decimal | None
    verified_points: Decimal | None
    final_points: Decimal | None
    adjusted: bool
    verify_comment: str


@dataclass
class SheetRow:
    sheet: ScoreSheet
    rows: list[CriterionRow]
    self_total: Decimal
    verified_total: Decimal | None
    final_total: Decimal | None
    cluster_place: Place | None = None
    overall_place: Place | None = None
    previous_total: Decimal | None = None  # the unit's final total in the year before, if it was scored

    @property
    def change(self) -> Decimal | None:
        return None if self.previous_total is None else self.total - self.previous_total

    @property
    def total(self) -> Decimal:
        """The total that ranks (see the module's note)."""
        for value in (self.final_total, self.verified_total):
            if value is not None:
                return value
        return self.self_total

    @property
    def provisional(self) -> bool:
        return self.sheet.state != SheetState.APPROVED


@dataclass
class ClusterStanding:
    cluster: object
    sheets: list[SheetRow] = field(default_factory=list)  # in place order


@dataclass
class Standings:
    emulation: Emulation
    criteria: list[Criterion]
    clusters: list[ClusterStanding]
    overall: list[SheetRow]  # every sheet, in overall place order

    @property
    def max_total(self) -> Decimal:
        return sum((c.max_points for c in self.criteria), Decimal(0))

    @property
    def final(self) -> bool:
        return bool(self.overall) and all(not row.provisional for row in self.overall)


def _sum(values) -> Decimal | None:
    values = list(values)
    if not values or any(v is None for v in values):
        return None
    return sum(values, Decimal(0))


def standings(emulation: Emulation) -> Standings:
    criteria = list(Criterion.objects.filter(group__table_id=emulation.table_id).select_related("group"))
    sheets = list(emulation.sheets.select_related("unit", "cluster__head").prefetch_related("scores"))
    rows = []
    for sheet in sheets:
        scores = {score.criterion_id: score for score in sheet.scores.all()}
        lines = []
        for criterion in criteria:
            score = scores.get(criterion.pk)
            lines.append(CriterionRow(criterion, score and score.self_points, score and score.verified_points,
                                      score and score.final_points, bool(score and score.adjusted),
                                      score.verify_comment if score else ""))
        # A sheet the board returned is back with the cluster: its old verified figures do not stand.
        verified = sheet.state in (SheetState.VERIFIED, SheetState.APPROVED)
        rows.append(SheetRow(sheet, lines, sum((line.self_points or Decimal(0) for line in lines), Decimal(0)),
                             _sum(line.verified_points for line in lines) if verified else None,
                             _sum(line.final_points for line in lines)))
    previous = _previous_totals(emulation)
    for row in rows:
        row.previous_total = previous.get(row.sheet.unit_id)
    order = {row.sheet.unit_id: row.sheet.unit.path for row in rows}
    by_unit = {row.sheet.unit_id: row for row in rows}
    for place in rank({row.sheet.unit_id: row.total for row in rows}, order):
        by_unit[place.unit_id].overall_place = place
    clusters: dict[int, ClusterStanding] = {}
    for row in rows:
        clusters.setdefault(row.sheet.cluster_id, ClusterStanding(row.sheet.cluster)).sheets.append(row)
    for standing in clusters.values():
        for place in rank({row.sheet.unit_id: row.total for row in standing.sheets}, order):
            by_unit[place.unit_id].cluster_place = place
        standing.sheets.sort(key=lambda row: (row.cluster_place.rank, order[row.sheet.unit_id]))
    overall = sorted(rows, key=lambda row: (row.overall_place.rank, order[row.sheet.unit_id]))
    return Standings(emulation, criteria, sorted(clusters.values(), key=lambda c: _natural(c.cluster.name)), overall)


def _previous_totals(emulation: Emulation) -> dict[int, Decimal]:
    """{unit id: final total} of the same organiser's emulation of the level a year before."""
    table = emulation.table
    totals = (Score.objects.filter(sheet__emulation__table__organiser_id=table.organiser_id,
                                   sheet__emulation__table__level_id=table.level_id,
                                   sheet__emulation__table__year=table.year - 1, sheet__state=SheetState.APPROVED)
              .order_by().values_list("sheet__unit_id").annotate(total=Sum("final_points")))
    return {unit_id: total for unit_id, total in totals if total is not None}


def _natural(name: str) -> list:
    """"Cụm 2" before "Cụm 10"."""
    return [int(part) if part.isdigit() else part for part in re.split(r"(\d+)", name)]
