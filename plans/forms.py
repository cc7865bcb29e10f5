"""Forms of the plan screens. They parse and check input only; writes go through plans.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Unit
from accounts.selectors import unit_children
from core.forms import DeadlineField, MultipleFileField, date_field

from .models import PlanKind, PlanState
from .selectors import plans_visible_to


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
        self.fields["recipients"].queryset = unit_children(issuing_unit).filter(is_active=True).order_by("path")

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
