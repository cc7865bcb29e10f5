from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import UnitLevel
from core.forms import DeadlineField


class TableImportForm(forms.Form):
    """A new scoring table of one of the person's units, its criteria from an .xlsx sheet."""

    organiser = forms.TypedChoiceField(label=_("Organising unit"), coerce=int)
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    level = forms.ModelChoiceField(label=_("Level scored"), queryset=UnitLevel.objects.order_by("rank"))
    name = forms.CharField(label=_("Name"), max_length=300)
    file = forms.FileField(label=_("Criteria (.xlsx)"),
                           help_text=_("One row a criterion: group_code, group_name, code, criterion, max_points, "
                                       "source (timeliness, indicators, inspections or judged); optionally guidance, "
                                       "late_weight, denominator, violation_points, open_remediation_points."))

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in units}
        self.fields["organiser"].choices = [(unit.pk, unit.name) for unit in units]


class OpenForm(forms.Form):
    subject = forms.CharField(label=_("Subject line"), max_length=500)
    self_assessment_due = DeadlineField(label=_("Self-assessment by"))
    verification_due = DeadlineField(label=_("Verification by"))


class DecideForm(forms.Form):
    decision_text = forms.CharField(label=_("Decision (the awards proposed)"), widget=forms.Textarea(attrs={"rows": 4}),
                                    required=False)
