"""Rankings: units with equal totals share a place and the next place is skipped (1, 2, 2, 4),
as emulation decisions write them; each tie names the units it is shared with."""

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass
class Place:
    unit_id: int
    total: Decimal
    rank: int
    tied_with: list[int] = field(default_factory=list)  # the other units on the same total

    @property
    def tied(self) -> bool:
        return bool(self.tied_with)


def rank(totals: dict[int, Decimal], order: dict[int, object] | None = None) -> list[Place]:
    """Places from the highest total down; `order` (unit id → a sort key, e.g. its path) orders
    the units of one place, which share it whatever that order."""
    order = order or {}
    ranked = sorted(totals, key=lambda uid: (-totals[uid], order.get(uid, uid)))
    by_total: dict[Decimal, list[int]] = {}
    for uid in ranked:
        by_total.setdefault(totals[uid], []).append(uid)
    places, above = [], 0
    for total, units in by_total.items():
        for uid in units:
            places.append(Place(uid, total, above + 1, [other for other in units if other != uid]))
        above += len(units)
    return places
