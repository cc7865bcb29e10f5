"""Shapes of plans, assignments and reports over the API: read serializers for answers, plain
input serializers for request bodies and query strings (their data goes to plans.services or
plans.selectors, never to model.save())."""

from django.utils.translation import gettext_lazy as _
from rest_framework import ISO_8601, serializers

from accounts.models import Department, Unit
from accounts.serializers import DepartmentSerializer

from . import selectors
from .models import Assignment, AssignmentState, Plan, PlanKind, PlanState, Report

# Officers type dates the Vietnamese way (config/formats/vi); programs send ISO 8601.
DATE_INPUTS = ["%d/%m/%Y", ISO_8601]
DATETIME_INPUTS = [ISO_8601, "%d/%m/%Y %H:%M", "%d/%m/%Y"]


def _actor(context):
    # The list views put a stand-in for the user here whose permissions for the whole page
    # were read in one query (plans.api.PagePermissions); single objects use the user.
    return context.get("actor") or context["request"].user


# A bigint id; a larger number would overflow the database driver instead of matching nothing.
MAX_ID = 2**63 - 1

class UnitBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name"]


# --- Read ------------------------------------------------------------------------------------

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
        return sorted(selectors.plan_actions(_actor(self.context), plan))


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

    def get_due_class(self, assignment) -> str:
        return selectors.due_class(assignment, self.context.get("now"))

    def get_actions(self, assignment) -> list[str]:
        return sorted(selectors.assignment_actions(_actor(self.context), assignment))


class ReportSerializer(serializers.ModelSerializer):
    unit = UnitBriefSerializer(source="assignment.unit", read_only=True)
    submitted_by = serializers.CharField(source="submitted_by.get_full_name", read_only=True)

    class Meta:
        model = Report
        fields = [
            "id", "assignment", "unit", "version", "text", "submitted_by", "submitted_at", "review_comment",
        ]
        read_only_fields = fields


class HistoryEntrySerializer(serializers.Serializer):
    """One core.models.TransitionLog row; `states` in the context labels its states."""

    transition = serializers.CharField()
    source = serializers.CharField()
    source_display = serializers.SerializerMethodField()
    target = serializers.CharField()
    target_display = serializers.SerializerMethodField()
    by = serializers.CharField(source="by.get_full_name")
    at = serializers.DateTimeField()
    comment = serializers.CharField()

    def get_source_display(self, entry) -> str:
        return str(self.context["states"].get(entry.source, entry.source))

    def get_target_display(self, entry) -> str:
        return str(self.context["states"].get(entry.target, entry.target))


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

    def get_due_class(self, assignment) -> str:
        return selectors.due_class(assignment, self.context.get("now"))


class PlanProgressSerializer(serializers.Serializer):
    assignments = ProgressRowSerializer(many=True)
    rollup = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text=_("By assignment id: how many assignments of the plans implementing it are in each state."),
    )


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


class ConflictSerializer(ErrorSerializer):
    state = serializers.CharField(help_text=_("The state the object is in, unchanged."))


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


class CommentSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class RequiredCommentSerializer(serializers.Serializer):
    comment = serializers.CharField(help_text=_("Required: what has to change."))


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

