import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.forms import date_field


class OnTimeForm(forms.Form):
    """GET choices of the on-time page. A value that does not parse falls back to its default."""

    unit = forms.TypedChoiceField(label=_("Issuing unit"), coerce=int, required=False)
    date_from = date_field(_("Report due from"), required=False)
    date_to = date_field(_("Report due to"), required=False)

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
