"""Who may do what to a score sheet or an emulation, and in which state: one rule per action
(core.rules). The permissions are the units' own (accounts.ROLE_UNIT_PERMISSIONS): a unit's
officers assess it as they report its work, the cluster head's officers verify as they review
reports, the organiser's standing board approves, its clerk numbers and issues the decision."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.rules import Rule, holds, in_states

from .flows import verifier_of
from .models import Emulation, EmulationState, SheetState


def _may(codename: str, action, unit_of):
    return holds(f"accounts.{codename}", unit_of, lambda obj: _("You may not %(action)s for %(unit)s.") % {
        "action": action, "unit": unit_of(obj)})


def _unit(sheet):
    return sheet.unit


def _organiser(obj):
    return obj.table.organiser if isinstance(obj, Emulation) else obj.emulation.table.organiser


SHEET_RULES = {
    "assess": Rule(_may("handle_assignments", gettext_lazy("assess the emulation scores"), _unit),
                   in_states(SheetState.SELF_ASSESSING)),
    "verify": Rule(_may("review_reports", gettext_lazy("verify the emulation scores"), verifier_of),
                   in_states(SheetState.SUBMITTED)),
    "approve": Rule(_may("approve_plans", gettext_lazy("approve the emulation scores"), _organiser),
                    in_states(SheetState.VERIFIED)),
}

TABLE_RULES = {
    "open": Rule(_may("draft_plans", gettext_lazy("open an emulation"), lambda table: table.organiser),
                 lambda table: not table.emulations.exists()),
}

EMULATION_RULES = {
    "decide": Rule(_may("issue_plans", gettext_lazy("issue the emulation decision"), _organiser),
                   in_states(EmulationState.OPEN)),
}
