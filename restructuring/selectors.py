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
    (a commune union merged into one that was later merged again): one query per generation.
    Registered as accounts.lineage.absorbed_of."""
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


def today_of(unit_ids: set[int]) -> dict[int, tuple]:
    """For each ended unit among `unit_ids`, the active unit that carries its work now (following
    successors change after change): {ended id: (id, code, name, path)}. Active units are left out."""
    ended = dict(Unit.objects.filter(pk__in=unit_ids, is_active=False).values_list("pk", "pk"))
    result: dict[int, int] = {}
    current = dict(ended)  # ended id → the unit reached so far
    for _generation in range(20):  # a chain of changes is short; the bound stops a bad cycle
        if not current:
            break
        links = _successors(set(current.values()))
        reached = Unit.objects.in_bulk(set(links.values()))
        following = {}
        for root, unit_id in current.items():
            successor = links.get(unit_id)
            if successor is None:
                continue
            if reached[successor].is_active:
                result[root] = successor
            else:
                following[root] = successor
        current = following
    units = Unit.objects.in_bulk(set(result.values()))
    return {root: (u.pk, u.code, u.name, u.path) for root, pk in result.items() for u in [units[pk]]}


def _successors(unit_ids: set[int]) -> dict[int, int]:
    """Each ended unit's successor by its latest change as predecessor (the first successor)."""
    found = {}
    rows = (UnitChange.predecessors.through.objects.filter(unit_id__in=unit_ids)
            .order_by("unit_id", "-unitchange__effective_on", "-unitchange_id")
            .values_list("unit_id", "unitchange_id"))
    latest = {}
    for unit_id, change_id in rows:
        latest.setdefault(unit_id, change_id)
    firsts = {}
    for change_id, unit_id in (UnitChange.successors.through.objects.filter(unitchange_id__in=set(latest.values()))
                               .order_by("unitchange_id", "pk").values_list("unitchange_id", "unit_id")):
        firsts.setdefault(change_id, unit_id)
    for unit_id, change_id in latest.items():
        if change_id in firsts:
            found[unit_id] = firsts[change_id]
    return found


def neighbours_of(unit_ids: set[int]) -> dict[int, dict]:
    """For each unit, the other units of the changes it took part in: where it came from (the
    predecessors of the changes that name it a successor) and where it went (the successors of the
    changes that name it a predecessor). A rename or a move names the unit itself: left out. Four
    queries, whatever the number of units."""
    before = UnitChange.predecessors.through.objects
    after = UnitChange.successors.through.objects
    as_successor = list(after.filter(unit_id__in=unit_ids).values_list("unit_id", "unitchange_id"))
    as_predecessor = list(before.filter(unit_id__in=unit_ids).values_list("unit_id", "unitchange_id"))
    changes = {c for _, c in as_successor} | {c for _, c in as_predecessor}
    predecessors_of: dict[int, list[int]] = {}
    for change_id, unit_id in before.filter(unitchange_id__in=changes).values_list("unitchange_id", "unit_id"):
        predecessors_of.setdefault(change_id, []).append(unit_id)
    successors_of: dict[int, list[int]] = {}
    for change_id, unit_id in after.filter(unitchange_id__in=changes).values_list("unitchange_id", "unit_id"):
        successors_of.setdefault(change_id, []).append(unit_id)
    named = {u for ids in (*predecessors_of.values(), *successors_of.values()) for u in ids}
    units = {u.pk: (u.pk, u.code, u.name) for u in Unit.objects.filter(pk__in=named).only("pk", "code", "name")}
    result = {uid: {"predecessors": [], "successors": []} for uid in unit_ids}
    for unit_id, change_id in as_successor:
        result[unit_id]["predecessors"] += [units[p] for p in predecessors_of.get(change_id, []) if p != unit_id]
    for unit_id, change_id in as_predecessor:
        result[unit_id]["successors"] += [units[s] for s in successors_of.get(change_id, []) if s != unit_id]
    return result
