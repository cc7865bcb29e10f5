"""Forms of the plan screens. They parse and check input only; writes go through plans.services."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Unit
from accounts.selectors import unit_children

from .models import PlanKind, PlanState
from .selectors import plans_visible_to

# Officers type dates the Vietnamese way whatever the interface language: 29/02/2024.
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y"]
DATE_ATTRS = {"placeholder": "dd/mm/yyyy", "autocomplete": "off", "class": "date"}


class DateInput(forms.DateInput):
    def __init__(self, attrs=None):
        super().__init__(attrs={**DATE_ATTRS, **(attrs or {})}, format="%d/%m/%Y")


def date_field(label, **kwargs):
    return forms.DateField(label=label, input_formats=DATE_INPUT_FORMATS, widget=DateInput(), **kwargs)


class DeadlineWidget(forms.SplitDateTimeWidget):
    """A dd/mm/yyyy text box and the phone's own time picker, side by side."""

    def __init__(self):
        super().__init__(date_attrs=DATE_ATTRS, time_attrs={"class": "time"}, date_format="%d/%m/%Y",
                         time_format="%H:%M")
        # <input type=time> gives the native picker and always submits HH:MM.
        self.widgets[1].input_type = "time"


class DeadlineField(forms.SplitDateTimeField):
    widget = DeadlineWidget

    def __init__(self, **kwargs):
        super().__init__(input_date_formats=DATE_INPUT_FORMATS, input_time_formats=["%H:%M", "%H:%M:%S"],
                         **kwargs)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """<input type=file multiple>: cleans to a list of uploaded files (maybe empty)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        clean_one = super().clean
        return [clean_one(f, initial) for f in files if f]


def departments_for(user):
    """The departments a person can filter by: those of the units whose plans they see."""
    issuers = plans_visible_to(user).values("issuing_unit_id")
    return Department.objects.filter(unit_id__in=issuers).order_by("unit__path", "name")


class PlanFilterForm(forms.Form):
    """GET filters of the plan list. Invalid values are dropped, never an error page."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    state = forms.ChoiceField(label=_("State"), required=False,
                              choices=[("", _("All states")), *PlanState.choices])
    period_from = date_field(_("Period from"), required=False)
    period_to = date_field(_("Period to"), required=False)
    department = forms.ModelChoiceField(label=_("Department"), required=False,
                                        queryset=Department.objects.none(), empty_label=_("All departments"))
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)

    def __init__(self, *args, departments, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments

    def filters(self) -> dict:
        self.is_valid()  # fields that do not parse are left out of cleaned_data
        return {name: value for name, value in self.cleaned_data.items() if value}

    @property
    def is_filtered(self) -> bool:
        return bool(self.filters())


class PlanForm(forms.Form):
    """Draft or edit a plan of one issuing unit; recipients are the units directly below it."""

    kind = forms.ChoiceField(label=_("Document kind"), choices=PlanKind.choices, initial=PlanKind.PLAN)
    subject = forms.CharField(label=_("Subject line"), max_length=500,
                              widget=forms.Textarea(attrs={"rows": 2}))
    body = forms.CharField(label=_("Content"), required=False, widget=forms.Textarea(attrs={"rows": 6}))
    department = forms.ModelChoiceField(label=_("Advising department"), required=False,
                                        queryset=Department.objects.none(), empty_label="—")
    period_start = date_field(_("Implementation from"), required=False)
    period_end = date_field(_("Implementation to"), required=False)
    receipt_due = DeadlineField(label=_("Confirm receipt by"), required=False,
                                help_text=_("Leave empty for three days after issue."))
    report_due = DeadlineField(label=_("Report by"))
    all_recipients = forms.BooleanField(label=_("Select all"), required=False)
    recipients = forms.ModelMultipleChoiceField(label=_("Recipient units"), required=False,
                                                queryset=Unit.objects.none(),
                                                widget=forms.CheckboxSelectMultiple)
    attachments = MultipleFileField(label=_("Attachments"))

    def __init__(self, *args, issuing_unit, **kwargs):
        super().__init__(*args, **kwargs)
        self.issuing_unit = issuing_unit
        self.fields["department"].queryset = Department.objects.filter(unit=issuing_unit).order_by("name")
        self.fields["recipients"].queryset = unit_children(issuing_unit).order_by("path")

    def clean(self):
        data = super().clean()
        if data.get("all_recipients"):
            data["recipients"] = list(self.fields["recipients"].queryset)
        return data

    def plan_fields(self) -> dict:
        """The keyword arguments of plans.services.plan_create / plan_update."""
        names = ("kind", "subject", "body", "department", "period_start", "period_end", "receipt_due",
                 "report_due", "recipients")
        return {name: self.cleaned_data[name] for name in names}

    @classmethod
    def initial_from(cls, plan) -> dict:
        return {
            "kind": plan.kind, "subject": plan.subject, "body": plan.body, "department": plan.department,
            "period_start": plan.period_start, "period_end": plan.period_end,
            "receipt_due": plan.receipt_due, "report_due": plan.report_due,
            "recipients": list(plan.recipients.all()),
        }


class ReportForm(forms.Form):
    text = forms.CharField(label=_("Report"), widget=forms.Textarea(attrs={"rows": 6}),
                           error_messages={"required": _("The report cannot be empty.")})
    attachments = MultipleFileField(label=_("Attachments"))


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)
