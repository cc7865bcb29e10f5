"""Reads of the organisation's history: a unit's changes, and the units it absorbed (to show
figures "as they were" or rolled up into today's tree, gồm cả đơn vị đã sáp nhập)."""

from django.db.models import Q

from accounts.models import Unit

from .models import UnitChange


def changes_of(unit: Unit):
    """Every change the unit took part in, oldest first, with the units on both sides."""
    return (UnitChange.objects.filter(Q(predecessors=unit) | Q(successors=unit)).distinct()
            .prefetch_related("predecessors", "successors").select_related("by").order_by("effective_on", "pk"))


def absorbed_ids(unit_ids) -> dict[int, set[int]]:
    """For each unit, itself and every unit whose work it took over, however many changes back
    (a commune union merged into one that was later merged again): one query per generation."""
    result = {uid: {uid} for uid in unit_ids}
    frontier = {uid: {uid} for uid in unit_ids}
    while any(frontier.values()):
        wanted = set().union(*frontier.values())
        links = UnitChange.successors.through.objects.filter(unit_id__in=wanted).values_list("unitchange_id",
                                                                                           "unit_id")
        by_change: dict[int, set[int]] = {}
        for change_id, successor_id in links:
            by_change.setdefault(change_id, set()).add(successor_id)
        before = UnitChange.predecessors.through.objects.filter(unitchange_id__in=list(by_change)).values_list(
            "unitchange_id", "unit_id")
        found: dict[int, set[int]] = {}
        for change_id, predecessor_id in before:
            for successor_id in by_change[change_id]:
                found.setdefault(successor_id, set()).add(predecessor_id)
        next_frontier = {}
        for root, members in frontier.items():
            new = set().union(*(found.get(m, set()) for m in members)) - result[root]
            result[root] |= new
            next_frontier[root] = new
        frontier = next_frontier
    return result


def successor_of(unit: Unit) -> Unit | None:
    """Where an ended unit's work went: the first successor of its last change as predecessor."""
    change = unit.changes_as_predecessor.order_by("-effective_on", "-pk").prefetch_related("successors").first()
    if change is None:
        return None
    return next(iter(change.successors.all()), None)
