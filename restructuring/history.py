"""Reads of the restructuring screens and API: a unit's history with the names as they were and
links to the units, the people a change left without a position (for those who may see them),
every change for the API, the change an operation already made."""

from dataclasses import dataclass

from django.db.models import Prefetch

from accounts.models import Position
from accounts.selectors import user_unit_ids

from .models import UnitChange
from .rules import may_see_ended_positions
from .selectors import changes_of


@dataclass
class Side:
    """A unit before or after a change: its code and name as they were then, and the unit today."""

    code: str
    name: str
    parent: str
    unit: object  # accounts.Unit, None when no unit has that code any more


@dataclass
class HistoryRow:
    change: UnitChange
    before: list[Side]
    after: list[Side]
    people: list | None  # the positions that ended; None: not for this person to see
    carried: dict


def unit_changes():
    """Every change, oldest first, with the units on both sides: the API's list."""
    return (UnitChange.objects.prefetch_related("predecessors", "successors").select_related("by")
            .order_by("effective_on", "pk"))


def applied_change(operation) -> UnitChange | None:
    """The change `operation` made when it was applied already (the same key), else None."""
    return UnitChange.objects.filter(key=operation.key()).first()


def unit_history(unit, user) -> list[HistoryRow]:
    """The unit's changes, oldest first, in a fixed number of queries whatever their number."""
    ended = Prefetch("ended_positions",
                     queryset=Position.objects.select_related("user", "unit").order_by("unit__path", "user__full_name"))
    changes = changes_of(unit).prefetch_related(ended)
    own = set(user_unit_ids(user))
    rows = []
    for change in changes:
        details = change.details or {}
        allowed = may_see_ended_positions(user, change, own)
        rows.append(HistoryRow(
            change=change,
            before=_sides(details.get("before"), change.predecessors.all()),
            after=_sides(details.get("after"), change.successors.all()),
            people=list(change.ended_positions.all()) if allowed else None,
            carried=details.get("carried") or {},
        ))
    return rows


def _sides(entries, units) -> list[Side]:
    by_code = {unit.code: unit for unit in units}
    if not entries:  # a change recorded without its names: the units as they are now
        return [Side(unit.code, unit.name, "", unit) for unit in units]
    return [Side(entry.get("code", ""), entry.get("name", ""), entry.get("parent", ""), by_code.get(entry.get("code")))
            for entry in entries]
