"""Shapes of plans, assignments and reports over the API: read serializers for answers, plain
input serializers for request bodies and query strings (their data goes to plans.services or
plans.selectors, never to model.save())."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Department, Unit
from accounts.serializers import DepartmentSerializer, UnitBriefSerializer
from core.serializers import DATE_INPUTS, DATETIME_INPUTS, MAX_ID, actor

from . import selectors
from .models import Assignment, AssignmentState, Plan, PlanKind, PlanState, Report

# --- Read ------------------------------------------------------------------------------------

# The status of plans.selectors.due_class, documented inline (no enum component of its own).
DUE_CLASS_SCHEMA = {
    "type": "string",
    "description": "Status (DESIGN.md §7): " + ", ".join(selectors.STATUS_LABELS) + ". Done means accepted; "
                   "awaiting-review: sent, not yet accepted; returned: sent back to report again.",
}

class PlanSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    issuing_unit = UnitBriefSerializer(read_only=True)
    department = DepartmentSerializer(read_only=True, allow_null=True)
    # Read from the prefetch that plans.api puts on every plan queryset (ordered by unit path).
    recipients = UnitBriefSerializer(many=True, read_only=True)
    created_by = serializers.CharField(source="created_by.get_full_name", read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Plan
        fields = [
            "id", "number", "kind", "kind_display", "subject", "body", "state", "state_display",
            "issuing_unit", "department", "recipients", "period_start", "period_end", "receipt_due",
            "report_due", "parent_assignment", "actions", "created_by", "created_at", "issued_at",
        ]
        read_only_fields = fields

    def get_actions(self, plan) -> list[str]:
        return sorted(selectors.plan_actions(actor(self.context), plan))


# The state enums are documented once, on PlanSerializer and AssignmentSerializer: the same
# field name with two choice sets in several components is an enum-naming collision for
# drf-spectacular, and its warning fails `check --deploy`.
class PlanBriefSerializer(serializers.ModelSerializer):
    issuing_unit = UnitBriefSerializer(read_only=True)
    state = serializers.CharField(read_only=True)

    class Meta:
        model = Plan
        fields = ["id", "number", "kind", "subject", "state", "issuing_unit"]
        read_only_fields = fields


class AssignmentSerializer(serializers.ModelSerializer):
    plan = PlanBriefSerializer(read_only=True)
    unit = UnitBriefSerializer(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    due_class = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Assignment
        fields = [
            "id", "plan", "unit", "state", "state_display", "receipt_due", "report_due", "received_at",
            "reported_at", "accepted_at", "due_class", "actions",
        ]
        read_only_fields = fields

    @extend_schema_field(DUE_CLASS_SCHEMA)
    def get_due_class(self, assignment) -> str:
        return selectors.due_class(assignment, self.context.get("now"))

    def get_actions(self, assignment) -> list[str]:
        return sorted(selectors.assignment_actions(actor(self.context), assignment))


class ReportSerializer(serializers.ModelSerializer):
    unit = UnitBriefSerializer(source="assignment.unit", read_only=True)
    submitted_by = serializers.CharField(source="submitted_by.get_full_name", read_only=True)

    class Meta:
        model = Report
        fields = [
            "id", "assignment", "unit", "version", "text", "submitted_by", "submitted_at", "review_comment",
        ]
        read_only_fields = fields


class ProgressRowSerializer(serializers.ModelSerializer):
    """A row of selectors.plan_progress: one recipient unit."""

    unit = UnitBriefSerializer(read_only=True)
    state = serializers.CharField(read_only=True)  # see PlanBriefSerializer
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    due_class = serializers.SerializerMethodField()
    report_count = serializers.IntegerField(read_only=True)

    class Meta:
        model = Assignment
        fields = [
            "id", "unit", "state", "state_display", "receipt_due", "report_due", "received_at", "reported_at",
            "accepted_at", "due_class", "report_count",
        ]
        read_only_fields = fields

    @extend_schema_field(DUE_CLASS_SCHEMA)
    def get_due_class(self, assignment) -> str:
        return selectors.due_class(assignment, self.context.get("now"))


class ProgressGroupPartSerializer(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()


class ProgressGroupSerializer(ProgressGroupPartSerializer):
    parts = ProgressGroupPartSerializer(many=True)


class ProgressQuerySerializer(serializers.Serializer):
    page = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    group = serializers.ChoiceField(choices=list(selectors.GROUP_LABELS), required=False)
    q = serializers.CharField(required=False, max_length=100)


class PlanProgressSerializer(serializers.Serializer):
    """One page of the recipients (selectors.plan_progress_page), after the counts of them all."""

    count = serializers.IntegerField(help_text=_("Recipients matching the group and search."))
    total = serializers.IntegerField(help_text=_("Every recipient of the plan."))
    accepted = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    summary = ProgressGroupSerializer(many=True)
    assignments = ProgressRowSerializer(many=True)
    rollup = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text=_("By assignment id: how many assignments of the plans implementing it are in each state."),
    )


# --- Input -----------------------------------------------------------------------------------

class PlanCreateSerializer(serializers.Serializer):
    issuing_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True
    )
    kind = serializers.ChoiceField(choices=PlanKind.choices, required=False)
    subject = serializers.CharField(max_length=500)
    body = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    period_start = serializers.DateField(required=False, allow_null=True, input_formats=DATE_INPUTS)
    period_end = serializers.DateField(required=False, allow_null=True, input_formats=DATE_INPUTS)
    receipt_due = serializers.DateTimeField(required=False, allow_null=True, input_formats=DATETIME_INPUTS)
    report_due = serializers.DateTimeField(input_formats=DATETIME_INPUTS)
    recipients = serializers.PrimaryKeyRelatedField(many=True, queryset=Unit.objects.all(), required=False)
    parent_assignment = serializers.PrimaryKeyRelatedField(
        queryset=Assignment.objects.none(), required=False, allow_null=True,
        help_text=_("The assignment of the own unit that this plan implements."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if "parent_assignment" in self.fields and request is not None:
            # Only assignments the person may see: another unit's id reads as "does not exist".
            self.fields["parent_assignment"].queryset = selectors.assignments_visible_to(request.user)


class PlanUpdateSerializer(PlanCreateSerializer):
    """Fields of a draft that can change; the issuing unit and the parent assignment cannot."""

    issuing_unit = None
    parent_assignment = None


class RevokeSerializer(serializers.Serializer):
    reason = serializers.CharField(
        help_text=_("Required: every open assignment is cancelled with this reason.")
    )


class ReportInputSerializer(serializers.Serializer):
    text = serializers.CharField()


class PlanFilterSerializer(serializers.Serializer):
    """Query string of the plan list; passed as is to selectors.plan_list."""

    state = serializers.ChoiceField(choices=PlanState.choices, required=False)
    period_from = serializers.DateField(required=False, input_formats=DATE_INPUTS,
                                        help_text=_("dd/mm/yyyy or yyyy-mm-dd"))
    period_to = serializers.DateField(required=False, input_formats=DATE_INPUTS,
                                      help_text=_("dd/mm/yyyy or yyyy-mm-dd"))
    department = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    overdue = serializers.BooleanField(required=False, default=False)
    q = serializers.CharField(required=False, allow_blank=True, help_text=_("Words of the number or subject"))


class AssignmentFilterSerializer(serializers.Serializer):
    plan = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    state = serializers.ChoiceField(choices=AssignmentState.choices, required=False)


class ReportFilterSerializer(serializers.Serializer):
    assignment = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)

