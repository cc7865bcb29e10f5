"""Who may restructure the organisation, and who may read the people a change left without a
position. The unit tree and its history are not secret inside the organisation: any signed-in
person reads them (accounts.api says the same of the tree)."""

from django.utils.translation import gettext_lazy as _

REFUSAL = _("Only administrators may restructure the organisation.")


def may_restructure(user) -> bool:
    """Rename, move, merge, split, dissolve: the system's administrators only (is_staff)."""
    return bool(user.is_authenticated and user.is_active and user.is_staff)


def may_see_ended_positions(user, change, own_unit_ids) -> bool:
    """The people whose positions a change ended: for administrators and for the people of a
    successor unit (who re-appoint them), never for anyone else. `own_unit_ids`: the units where
    the person holds a position today (read once for a whole history)."""
    if may_restructure(user):
        return True
    return any(unit.pk in own_unit_ids for unit in change.successors.all())
