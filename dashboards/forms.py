import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.selectors import unit_under, units_and_children
from core.forms import date_field


class RolledUpForm(forms.Form):
    """GET choice of a page that counts by unit: each unit as it was, or today's tree."""

    rolled_up = forms.BooleanField(label=_("Including units since merged"), required=False,
                                   help_text=_("Show the work of units that were merged or dissolved under the unit "
                                               "that carries it today."))

    def rolled_up_chosen(self) -> bool:
        # The box alone decides: another field that does not parse falls back to its default.
        if not self.is_bound:
            return False
        self.is_valid()
        return bool(self.cleaned_data.get("rolled_up"))


class OnTimeForm(RolledUpForm):
    """GET choices of the on-time page. A value that does not parse falls back to its default."""

    unit = forms.TypedChoiceField(label=_("Issuing unit"), coerce=int, required=False)
    date_from = date_field(_("Report due from"), required=False)
    date_to = date_field(_("Report due to"), required=False)
    rolled_up = forms.BooleanField(label=_("Including units since merged"), required=False,
                                   help_text=_("Count the work of units that were merged or dissolved for the unit "
                                               "that carries it today."))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["date_from"].initial = datetime.date(today.year, 1, 1)
        self.fields["date_to"].initial = datetime.date(today.year, 12, 31)
        self.units = list(units)
        self.fields["unit"].choices = [(unit.pk, unit.name) for unit in self.units]

    def choice(self):
        """(unit, start, end): one of the person's own units, and the period (this year by default)."""
        data = {}
        if self.is_bound:
            self.is_valid()  # fields that do not parse are left out of cleaned_data
            data = self.cleaned_data
        today = timezone.localdate()
        start = data.get("date_from") or datetime.date(today.year, 1, 1)
        end = data.get("date_to") or datetime.date(today.year, 12, 31)
        if end < start:
            start, end = end, start
        unit = next((u for u in self.units if u.pk == data.get("unit")), self.units[0] if self.units else None)
        return unit, start, end


class UnitWorkForm(RolledUpForm):
    """GET choices of a unit's work: one of the person's units or a unit under them, and a year.

    The list offers the person's units and the units right under them; a unit deeper down (a
    commune under a district) is reached by its id from another page (the units × plans matrix)
    and kept if it lies under one of the person's units. Anything else falls back to their own.
    """

    unit = forms.TypedChoiceField(label=_("Unit"), coerce=int, required=False)
    year = forms.IntegerField(label=_("Completed work of the year"), min_value=2000, max_value=2100, required=False)
    rolled_up = forms.BooleanField(label=_("Including units since merged"), required=False,
                                   help_text=_("Add the work of the units this unit took over (merged or dissolved "
                                               "into it)."))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.own = list(units)
        self.fields["year"].initial = timezone.localdate().year
        offered = units_and_children(self.own)
        chosen = self.data.get("unit", "") if self.is_bound else ""
        deeper = unit_under(self.own, chosen)
        if deeper is not None and deeper not in offered:
            offered.append(deeper)
        self.offered = offered
        self.fields["unit"].choices = [(unit.pk, unit.name) for unit in offered]

    def choice(self):
        data = {}
        if self.is_bound:
            self.is_valid()
            data = self.cleaned_data
        unit = next((u for u in self.offered if u.pk == data.get("unit")), self.own[0] if self.own else None)
        return unit, data.get("year") or timezone.localdate().year

