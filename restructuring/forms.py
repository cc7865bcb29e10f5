"""The restructuring form of the administrators. Units are named by code (a province may have
thousands: no select), checked here; the operation it asks for is built by restructuring.building."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import UnitLevel
from core.forms import date_field
from core.ui import add_service_errors

from . import building
from .models import ChangeKind, UnitChange

CODE_SEPARATORS = re.compile(r"[\s,;]+")


def _codes(text: str) -> list[str]:
    return [code for code in CODE_SEPARATORS.split(text.strip()) if code]


def _successor_lines(text: str) -> list[building.Successor]:
    """One successor a line: `CODE` of an existing unit, or `CODE | Name` of a new unit."""
    successors = []
    for line in text.splitlines():
        code, _bar, name = line.partition("|")
        if code.strip():
            successors.append(building.Successor(code=code.strip(), name=name.strip()))
    return successors


class RestructureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of change"), choices=[("", "---------"), *ChangeKind.choices])
    old_codes = forms.CharField(
        label=_("Code of the unit that changes"), max_length=2000,
        help_text=_("For a merge, the codes of every unit that merges, separated by commas or spaces."))
    new_name = forms.CharField(label=_("New name"), max_length=255, required=False,
                               help_text=_("For a rename."))
    new_parent_code = forms.CharField(
        label=_("Code of the new parent unit"), max_length=40, required=False,
        help_text=_("For a move. New units are created under it; by default under the parent of the unit that "
                    "changes."))
    successors = forms.CharField(
        label=_("Successor units"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For a merge or a split, one unit a line: the code of an existing unit, or the code and name "
                    "of a new unit separated by “|”. For a dissolve, the code of the unit that takes the work "
                    "if not the parent."))
    new_level = forms.ModelChoiceField(label=_("Level of the new units"), queryset=UnitLevel.objects.all(),
                                       required=False, empty_label=_("The level of the unit that changes"))
    effective_on = date_field(_("Effective date"), initial=timezone.localdate)
    decision = forms.CharField(label=_("Decision number"), max_length=100, required=False,
                               help_text=UnitChange._meta.get_field("decision").help_text)
    move_people = forms.BooleanField(
        label=_("Re-appoint the people in the successor unit"), required=False,
        help_text=_("For a merge or a dissolve: their positions end the day before and start in the successor "
                    "on the effective date. Otherwise they are listed for re-appointment."))

    operation = None

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        level = data.get("new_level")
        request = building.Request(
            kind=data["kind"], old_codes=_codes(data["old_codes"]), effective_on=data["effective_on"],
            decision=data["decision"], new_name=data["new_name"], new_parent_code=data["new_parent_code"].strip(),
            successors=[building.Successor(s.code, s.name, level if s.is_new else None)
                        for s in _successor_lines(data["successors"])],
            move_people=data["move_people"])
        try:
            self.operation = building.build(request)
        except ValidationError as error:
            add_service_errors(self, error)
        return data
