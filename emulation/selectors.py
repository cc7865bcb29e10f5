"""Reads of emulation: a table's criteria, the clusters' units, and the scores of many units."""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Q, QuerySet

from accounts.selectors import user_unit_ids

from .models import ClusterMember, Criterion, Emulation, Score, ScoreSheet, ScoringTable
from .scoring import Computed, computed_scores


def criteria_of(table: ScoringTable) -> list[Criterion]:
    return list(Criterion.objects.filter(group__table=table).select_related("group"))


def cluster_units(organiser, year: int) -> dict[int, list[int]]:
    """{cluster id: [unit ids]} of the organiser's clusters in the year."""
    clusters: dict[int, list[int]] = {}
    for cluster_id, unit_id in (ClusterMember.objects.filter(organiser=organiser, year=year)
                                .order_by("cluster_id", "unit__path").values_list("cluster_id", "unit_id")):
        clusters.setdefault(cluster_id, []).append(unit_id)
    return clusters


@dataclass
class UnitScores:
    unit_id: int
    by_criterion: dict[int, Computed]  # the computed criteria; judged ones are scored by people

    @property
    def computed_total(self) -> Decimal:
        return sum((c.points for c in self.by_criterion.values()), Decimal(0))


def table_scores(table: ScoringTable, unit_ids, *, now=None) -> dict[int, UnitScores]:
    """The computed criteria of `table` for every unit of `unit_ids`, for the table's year."""
    found = computed_scores(criteria_of(table), unit_ids, year=table.year, now=now)
    return {uid: UnitScores(uid, by_criterion) for uid, by_criterion in found.items()}


# --- who sees what -------------------------------------------------------------------------------

def sheets_visible_to(user) -> QuerySet[ScoreSheet]:
    """A unit's own sheet, every sheet of a cluster the person's unit heads, every sheet of an
    emulation the person's unit organises."""
    units = user_unit_ids(user)
    return ScoreSheet.objects.filter(
        Q(unit_id__in=units) | Q(cluster__head_id__in=units) | Q(emulation__table__organiser_id__in=units)
    ).select_related("unit", "cluster__head", "emulation__table__organiser")


def emulations_visible_to(user) -> QuerySet[Emulation]:
    units = user_unit_ids(user)
    return Emulation.objects.filter(
        Q(table__organiser_id__in=units) | Q(sheets__unit_id__in=units) | Q(sheets__cluster__head_id__in=units)
    ).distinct().select_related("table__organiser", "table__level")


def scores_visible_to(user) -> QuerySet[Score]:
    return Score.objects.filter(sheet__in=sheets_visible_to(user).values("pk"))


def tables_of(user) -> QuerySet[ScoringTable]:
    return ScoringTable.objects.filter(organiser_id__in=user_unit_ids(user)).select_related("organiser", "level")
