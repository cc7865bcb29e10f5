"""Reads of the organisation. Each returns a QuerySet shaped for its screen: one query."""

import datetime

from django.db.models import Q, QuerySet
from django.utils import timezone

from core.request_cache import remembered

from .models import Position, Unit, User


def unit_subtree(unit: Unit, *, include_self: bool = True) -> QuerySet[Unit]:
    # A prefix match on the indexed path: one range scan, whatever the depth.
    units = Unit.objects.filter(path__startswith=unit.path).select_related("level").order_by("path")
    return units if include_self else units.exclude(pk=unit.pk)


def unit_ancestors(unit: Unit) -> QuerySet[Unit]:
    """Root first, parent last. The paths are computed, so this is one `IN` query."""
    return Unit.objects.filter(path__in=unit.ancestor_paths()).select_related("level").order_by("depth")


def unit_children(unit: Unit) -> QuerySet[Unit]:
    return unit_subtree(unit, include_self=False).filter(depth=unit.depth + 1)


def units_and_children(units) -> list[Unit]:
    """`units` and the units right under each, in the tree's order, each once: one query."""
    units = list(units)
    if not units:
        return []
    condition = Q()
    for unit in units:
        condition |= Q(pk=unit.pk) | Q(path__startswith=unit.path, depth=unit.depth + 1)
    return list(Unit.objects.filter(condition).select_related("level").order_by("path"))


def unit_under(units, unit_id: str) -> Unit | None:
    """The unit whose id is `unit_id` (as typed in an address) if it is one of `units` or lies
    under one of them, else None."""
    if not unit_id.isdigit() or len(unit_id) > 12:
        return None
    unit = Unit.objects.filter(pk=int(unit_id)).select_related("level").first()
    if unit is None or not any(unit.path.startswith(own.path) for own in units):
        return None
    return unit


def positions_active(user: User, *, on: datetime.date | None = None) -> QuerySet[Position]:
    return (
        Position.objects.active_on(on)
        .filter(user=user)
        .select_related("unit__level", "department")
        .order_by("unit__path", "role")
    )


def units_of(user: User, *, on: datetime.date | None = None) -> QuerySet[Unit]:
    unit_ids = Position.objects.active_on(on).filter(user=user).values("unit_id")
    return Unit.objects.filter(pk__in=unit_ids).select_related("level").order_by("path")


def user_unit_ids(user: User) -> list[int]:
    """Ids of the units where the person holds a position today: read once per request, as
    every visibility filter of a page asks it."""
    def read():
        return list(Position.objects.active_on().filter(user=user).order_by().values_list("unit_id", flat=True)
                    .distinct())

    return remembered(("unit_ids", user.pk, timezone.localdate()), read) if user.pk else read()


def delegated_by(user: User, unit: Unit, *, on: datetime.date | None = None) -> User | None:
    """The absent leader `user` stands in for at `unit` today, or None when acting in their own right."""
    from .models import Delegation
    from .services import DELEGABLE_ROLES

    own = Position.objects.active_on(on).filter(user=user, unit=unit, role__in=DELEGABLE_ROLES)
    if own.exists():
        return None
    leading_here = Position.objects.active_on(on).filter(unit=unit, role__in=DELEGABLE_ROLES).values("user_id")
    delegation = (
        Delegation.objects.active_on(on).filter(deputy=user, principal_id__in=leading_here)
        .select_related("principal").order_by("starts_on", "pk").first()
    )
    return delegation.principal if delegation else None


def deputies_of(user_ids, *, on: datetime.date | None = None) -> dict[int, int]:
    """principal id → deputy id for the given people who are away today (one query)."""
    from .models import Delegation

    rows = Delegation.objects.active_on(on).filter(principal_id__in=list(user_ids)).order_by("starts_on", "pk")
    return dict(rows.values_list("principal_id", "deputy_id"))
