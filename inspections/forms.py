"""Forms of the inspection screens. They parse and check input only; writes go through
inspections.services, which has the last word on every rule."""

import datetime

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit
from core.forms import DeadlineField, MultipleFileField, date_field
from plans.models import Plan

from .models import DecisionKind, FindingCategory, InspectionKind, Severity, TeamRole

# What core.attachments accepts. The target page adds a second input of the same name with
# capture=environment: on Android `capture` opens only the camera, so the picker for PDF and Office
# files must be a separate input.
EVIDENCE_ACCEPT = "image/*,.pdf,.docx,.xlsx"


class EvidenceField(MultipleFileField):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.widget.attrs.update({"accept": EVIDENCE_ACCEPT})


def rename_service_errors(form: forms.Form, error: ValidationError, names: dict[str, str] | None = None) -> None:
    """Put a service's ValidationError on the form; `names` maps a service field to a form field."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for field, errors in error.error_dict.items():
        field = (names or {}).get(field, field)
        form.add_error(field if field in form.fields else None, errors)


# -- programmes -------------------------------------------------------------------------------

class ProgrammeForm(forms.Form):
    """The issuer is one choice: a unit's standing board ("<unit>") or one of its departments
    ("<unit>-<department>"), so a person drafting for two units never pairs the wrong two."""

    issuer = forms.ChoiceField(label=_("Issuer"))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    title = forms.CharField(label=_("Title"), max_length=500)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.units = {unit.pk: unit for unit in units}
        self.departments = {dept.pk: dept for unit in units for dept in unit.departments.all()}
        choices = []
        for unit in units:
            board = _("Standing board of %(unit)s") % {"unit": unit.name}
            options = [(str(unit.pk), board)] + [
                (f"{unit.pk}-{dept.pk}", dept.name) for dept in unit.departments.all()
            ]
            choices.append((unit.name, options))
        self.fields["issuer"].choices = choices

    def clean_issuer(self):
        unit_pk, _sep, dept_pk = self.cleaned_data["issuer"].partition("-")
        unit = self.units[int(unit_pk)]
        department = self.departments[int(dept_pk)] if dept_pk else None
        return unit, department

    def programme_fields(self) -> dict:
        unit, department = self.cleaned_data["issuer"]
        return {"issuing_unit": unit, "department": department, "year": self.cleaned_data["year"],
                "title": self.cleaned_data["title"]}


class YearFilterForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

    def year_value(self) -> int | None:
        return self.cleaned_data.get("year") if self.is_valid() else None


# -- inspections: the decision ------------------------------------------------------------------

def active_people():
    return get_user_model().objects.filter(is_active=True).order_by("full_name", "username")


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name()


class PeopleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.get_full_name()


class UnitChoiceField(forms.ModelMultipleChoiceField):
    """Units indented by their depth below the issuing unit, so the tree reads as a tree."""

    def __init__(self, *args, top_depth: int = 0, **kwargs):
        super().__init__(*args, **kwargs)
        self.top_depth = top_depth

    def label_from_instance(self, obj):
        return "· " * max(obj.depth - self.top_depth - 1, 0) + obj.name


class InspectionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=InspectionKind.choices)
    subject = forms.CharField(label=_("Subject"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))
    content = forms.CharField(label=_("Content"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    legal_basis = forms.CharField(label=_("Legal basis"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    checked_plan = forms.ModelChoiceField(label=_("Plan being checked"), required=False,
                                          queryset=Plan.objects.none(), empty_label="—")
    starts_on = date_field(_("From"))
    ends_on = date_field(_("To"))
    self_report_due = DeadlineField(label=_("Self-report due"))
    decision_kind = forms.ChoiceField(label=_("Decision document"), choices=DecisionKind.choices,
                                      initial=DecisionKind.PLAN)
    target_units = UnitChoiceField(label=_("Inspected units"), required=False, queryset=Unit.objects.none(),
                                   widget=forms.CheckboxSelectMultiple)
    outside_bodies = forms.CharField(
        label=_("Bodies outside the Youth Union"), required=False, widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("One per line, e.g. the district People's Committee. Only for a supervision."))
    head = PersonChoiceField(label=_("Team head"), queryset=active_people(), empty_label="—")
    members = PeopleChoiceField(label=_("Team members"), required=False, queryset=active_people(),
                                widget=forms.SelectMultiple(attrs={"size": 8}))

    def __init__(self, *args, plans, units, top_depth: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["checked_plan"].queryset = plans
        self.fields["target_units"].queryset = units
        self.fields["target_units"].top_depth = top_depth

    def clean_outside_bodies(self):
        return [line.strip() for line in self.cleaned_data["outside_bodies"].splitlines() if line.strip()]

    def team(self) -> list:
        head = self.cleaned_data["head"]
        members = [user for user in self.cleaned_data["members"] if user.pk != head.pk]
        return [(head, TeamRole.HEAD, None)] + [(user, TeamRole.MEMBER, None) for user in members]

    def inspection_fields(self) -> dict:
        """The keyword arguments of services.inspection_create / inspection_update."""
        names = ("kind", "subject", "content", "legal_basis", "checked_plan", "starts_on", "ends_on",
                 "self_report_due", "decision_kind", "target_units", "outside_bodies")
        return {**{name: self.cleaned_data[name] for name in names}, "team": self.team()}

    @classmethod
    def initial_from(cls, inspection) -> dict:
        team = list(inspection.team.all())
        targets = list(inspection.targets.all())
        return {
            "kind": inspection.kind, "subject": inspection.subject, "content": inspection.content,
            "legal_basis": inspection.legal_basis, "checked_plan": inspection.checked_plan_id,
            "starts_on": inspection.starts_on, "ends_on": inspection.ends_on,
            "self_report_due": inspection.self_report_due, "decision_kind": inspection.decision_kind,
            "target_units": [t.unit_id for t in targets if t.unit_id],
            "outside_bodies": "\n".join(t.outside_body for t in targets if not t.unit_id),
            "head": next((m.user_id for m in team if m.role == TeamRole.HEAD), None),
            "members": [m.user_id for m in team if m.role == TeamRole.MEMBER],
        }


# -- targets: self-report, findings, conclusion ---------------------------------------------------

class SelfReportForm(forms.Form):
    text = forms.CharField(label=_("Self-report"), widget=forms.Textarea(attrs={"rows": 6}),
                           error_messages={"required": _("The self-report cannot be empty.")})
    attachments = MultipleFileField(label=_("Attach files"))


class FindingForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=FindingCategory.choices, widget=forms.RadioSelect)
    severity = forms.ChoiceField(label=_("Severity"), required=False,
                                 choices=[("", _("None (a strength)")), *Severity.choices], widget=forms.RadioSelect)
    description = forms.CharField(label=_("What was found"), widget=forms.Textarea(attrs={"rows": 4}))

    def finding_fields(self) -> dict:
        return {name: self.cleaned_data[name] for name in ("category", "severity", "description")}

    @classmethod
    def initial_from(cls, finding) -> dict:
        return {"category": finding.category, "severity": finding.severity, "description": finding.description}


class FindingRecordForm(FindingForm):
    evidence = EvidenceField(label=_("Evidence (photos, documents)"))


class RecommendationForm(forms.Form):
    """One row of the conclusion editor; a row left blank is ignored."""

    text = forms.CharField(label=_("Recommendation"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    due = date_field(_("Remediate by"), required=False)

    def clean(self):
        data = super().clean()
        text, due = (data.get("text") or "").strip(), data.get("due")
        if text and not due and "due" not in self.errors:
            self.add_error("due", _("Give a deadline for this recommendation."))
        if due and not text:
            self.add_error("text", _("Write the recommendation or clear its deadline."))
        if due and due < timezone.localdate():
            self.add_error("due", _("This deadline has already passed."))
        return data

    def row(self):
        """(text, due) for the service, or None for a blank row. A deadline is a day: the end of it."""
        text, due = (self.cleaned_data.get("text") or "").strip(), self.cleaned_data.get("due")
        if not text:
            return None
        return text, timezone.make_aware(datetime.datetime.combine(due, datetime.time(23, 59)))


RecommendationFormSet = forms.formset_factory(RecommendationForm, extra=0)
RECOMMENDATION_ROWS = 5


def recommendation_formset(data=None, recommendations=()):
    """At least five rows, and always one blank row below those already written."""
    initial = [{"text": r.text, "due": timezone.localtime(r.due).date()} for r in recommendations]
    initial += [{}] * max(RECOMMENDATION_ROWS - len(initial), 1)
    if data is not None:
        return RecommendationFormSet(data, prefix="rec")
    return RecommendationFormSet(initial=initial, prefix="rec")


class ConclusionForm(forms.Form):
    text = forms.CharField(label=_("Conclusion"), widget=forms.Textarea(attrs={"rows": 14}),
                           error_messages={"required": _("The conclusion is empty.")})


# -- remediation and the dashboard ----------------------------------------------------------------

class RemediationReportForm(forms.Form):
    text = forms.CharField(label=_("What has been remediated"), widget=forms.Textarea(attrs={"rows": 5}),
                           error_messages={"required": _("The remediation report cannot be empty.")})
    attachments = MultipleFileField(label=_("Attach files"))


class DashboardForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Issuing unit"), coerce=int, required=False)
    year = forms.IntegerField(label=_("Year"), required=False, min_value=2000, max_value=2100)

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(unit.pk, unit.name) for unit in units]
