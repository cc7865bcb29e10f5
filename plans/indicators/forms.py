"""Forms of the indicator screens. They parse only; plans.indicators.services checks and saves."""

from decimal import InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy

from core.forms import DATE_INPUT_FORMATS, DateInput
from core.vi_format import parse_vi_number
from plans.models import Aggregate, Comparison, IndicatorKind

from .formatting import editable_text
from .targets import NUMBER_LIMITS, NUMBER_MESSAGES


class NumberField(forms.CharField):
    """A number typed the Vietnamese way (1.200 · 51,83) or the English way (51.83), as large as
    the columns hold; too large is said in our words, not Django's count of digits."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {"invalid": gettext_lazy("Enter a number, such as 1.200 or 51,83."), **NUMBER_MESSAGES}
    default_validators = [NUMBER_LIMITS]

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            number = parse_vi_number(value)
        except InvalidOperation:
            raise ValidationError(self.error_messages["invalid"], code="invalid") from None
        if not number.is_finite():
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return number


class IndicatorForm(forms.Form):
    """One indicator of a draft, for plans.indicators.services.indicator_save."""

    code = forms.CharField(label=gettext_lazy("Code"), max_length=20,
                           help_text=gettext_lazy("As numbered in the plan, e.g. 4c."))
    group = forms.CharField(label=gettext_lazy("Group"), max_length=20, required=False)
    name = forms.CharField(label=gettext_lazy("Indicator"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=IndicatorKind.choices)
    unit_of_measure = forms.CharField(label=gettext_lazy("Unit of measure"), max_length=40, required=False)
    target = NumberField(label=gettext_lazy("Target"))
    comparison = forms.ChoiceField(label=gettext_lazy("Comparison"), choices=Comparison.choices)
    aggregate = forms.ChoiceField(label=gettext_lazy("How unit figures combine"), choices=Aggregate.choices)
    unit_target = NumberField(
        label=gettext_lazy("Unit-level condition"), required=False,
        help_text=gettext_lazy("Only for “units meeting” rules: what each unit must reach (e.g. 2 works). "
                               "Empty: any figure above 0."),
    )

    FIELDS = ("code", "group", "name", "kind", "unit_of_measure", "target", "comparison", "aggregate", "unit_target")

    @classmethod
    def initial_from(cls, indicator) -> dict:
        initial = {name: getattr(indicator, name) for name in cls.FIELDS}
        initial["target"] = editable_text(indicator.target)
        initial["unit_target"] = editable_text(indicator.unit_target)
        return initial


class CutoffForm(forms.Form):
    """The date a unit's figures are as of, sent with its figures form. The services check it
    again, with the plan's period."""

    cutoff_date = forms.DateField(label=gettext_lazy("Figures as of"), required=False,
                                  input_formats=DATE_INPUT_FORMATS, widget=DateInput())

    def clean_cutoff_date(self):
        day = self.cleaned_data["cutoff_date"]
        if day and day > timezone.localdate():
            raise ValidationError(gettext_lazy("The figures cannot be dated after today."), code="future")
        return day
