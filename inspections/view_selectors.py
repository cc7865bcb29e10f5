"""Reads that only the screens need, built on the visibility rules of inspections.selectors."""

from django.db.models import Count, QuerySet

from accounts.models import Unit
from accounts.selectors import unit_subtree, units_of, user_unit_ids
from plans.models import Plan
from plans.selectors import plans_visible_to

from . import selectors
from .models import Inspection, InspectionTarget, Programme


def drafting_units(user) -> list[Unit]:
    """Units whose programmes and inspections this person may draft."""
    return [unit for unit in units_of(user).prefetch_related("departments")
            if user.has_perm("accounts.draft_inspections", unit)]


def programme_list(user, *, year: int | None = None) -> QuerySet[Programme]:
    programmes = selectors.programmes_visible_to(user).annotate(inspection_count=Count("inspections"))
    return programmes.filter(year=year) if year else programmes


def programme_years(user) -> list[int]:
    return sorted(set(selectors.programmes_visible_to(user).values_list("year", flat=True)), reverse=True)


def programme_inspections_for(user, programme: Programme) -> QuerySet[Inspection]:
    """A team member from outside the issuer sees only the inspections of their own team."""
    inspections = selectors.programme_inspections(programme)
    if programme.issuing_unit_id in selectors.issuer_unit_ids(user):
        return inspections
    return inspections.filter(pk__in=selectors.inspections_visible_to(user).values("pk"))


def own_unit_targets(user) -> QuerySet[InspectionTarget]:
    """The inspections of the person's own units: what an inspected unit opens first."""
    return (selectors.targets_visible_to(user).filter(unit_id__in=user_unit_ids(user))
            .order_by("-inspection__starts_on", "pk"))


def team_targets(user) -> QuerySet[InspectionTarget]:
    """Targets of the inspections whose team this person is in, open ones first."""
    return (selectors.targets_visible_to(user).filter(inspection__team__user=user)
            .select_related("inspection").order_by("state", "-inspection__starts_on", "pk"))


def checkable_plans(user, unit: Unit) -> QuerySet[Plan]:
    """Plans an inspection of `unit` may check: those of the unit or above, that this person sees."""
    return (plans_visible_to(user).filter(issuing_unit__path__in=[*unit.ancestor_paths(), unit.path])
            .order_by("-created_at", "-pk"))


def inspectable_units(unit: Unit) -> QuerySet[Unit]:
    return unit_subtree(unit, include_self=False).filter(is_active=True)


def inspection_targets_for(user, inspection: Inspection) -> QuerySet[InspectionTarget]:
    """Every target for the issuer and the team; an inspected unit its own row only."""
    return selectors.targets_visible_to(user).filter(inspection=inspection)
