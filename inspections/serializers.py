"""Shapes of programmes, inspections, targets, findings, conclusions and remediations over the
API: read serializers for answers, plain input serializers for request bodies and query strings.
Inputs are checked for shape only; the rules (dates in order, units below the issuer, who may
act) are the services' and come back as their 400/403/409."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import Department, Unit, User
from accounts.serializers import DepartmentSerializer, UnitBriefSerializer
from core.serializers import DATE_INPUTS, DATETIME_INPUTS, MAX_ID, actor
from plans.models import Plan
from plans.selectors import plans_visible_to

from . import selectors
from .models import (
    Conclusion,
    ConclusionState,
    DecisionKind,
    Finding,
    FindingCategory,
    Inspection,
    InspectionKind,
    InspectionState,
    InspectionTarget,
    Programme,
    Recommendation,
    Remediation,
    RemediationReport,
    RemediationState,
    Severity,
    TargetState,
    TeamMember,
    TeamRole,
)


def _enum_field(choices, component: str, *, blank=False):
    """A ChoiceField documented as its own named enum component.

    drf-spectacular names inline enums after the field, and `state`, `kind` and `role` already
    carry other choice sets in the plans and accounts components: one more set under the same
    name is a naming collision (a warning that fails the schema check) and renames theirs.
    """
    values = list(choices.values) + ([""] if blank else [])
    # Lazy, like drf-spectacular's own enum descriptions: labels in the language of the request.
    template = "\n".join(f"* `{value}` - {{{i}}}" for i, value in enumerate(choices.values))
    description = format_lazy(template, *choices.labels)

    @extend_schema_field({"type": "string", "enum": values, "description": description}, component_name=component)
    class EnumField(serializers.ChoiceField):
        def __init__(self, **kwargs):
            super().__init__(choices=choices.choices, allow_blank=blank, **kwargs)

    EnumField.__name__ = f"{component}Field"
    return EnumField


InspectionKindField = _enum_field(InspectionKind, "InspectionKindEnum")
InspectionStateField = _enum_field(InspectionState, "InspectionStateEnum")
DecisionKindField = _enum_field(DecisionKind, "DecisionKindEnum")
TeamRoleField = _enum_field(TeamRole, "TeamRoleEnum")
TargetStateField = _enum_field(TargetState, "InspectionTargetStateEnum")
FindingCategoryField = _enum_field(FindingCategory, "FindingCategoryEnum")
SeverityField = _enum_field(Severity, "SeverityEnum", blank=True)
ConclusionStateField = _enum_field(ConclusionState, "ConclusionStateEnum")
RemediationStateField = _enum_field(RemediationState, "RemediationStateEnum")


# --- Read ------------------------------------------------------------------------------------

class ProgrammeSerializer(serializers.ModelSerializer):
    issuing_unit = UnitBriefSerializer(read_only=True)
    department = DepartmentSerializer(read_only=True, allow_null=True)
    issuer_name = serializers.CharField(read_only=True)
    created_by = serializers.CharField(source="created_by.get_full_name", read_only=True)

    class Meta:
        model = Programme
        fields = ["id", "issuing_unit", "department", "issuer_name", "year", "title", "note", "created_by",
                  "created_at"]
        read_only_fields = fields


class ProgrammeBriefSerializer(serializers.ModelSerializer):
    issuer_name = serializers.CharField(read_only=True)

    class Meta:
        model = Programme
        fields = ["id", "year", "title", "issuer_name"]
        read_only_fields = fields


class CheckedPlanSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    subject = serializers.CharField()


class PersonSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="get_full_name")

    class Meta:
        model = User
        fields = ["id", "username", "full_name"]
        read_only_fields = fields


class TeamMemberSerializer(serializers.ModelSerializer):
    user = PersonSerializer(read_only=True)
    role = TeamRoleField(read_only=True)
    role_display = serializers.CharField(source="get_role_display", read_only=True)
    from_unit = UnitBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = TeamMember
        fields = ["id", "user", "role", "role_display", "from_unit"]
        read_only_fields = fields


class InspectionTargetBriefSerializer(serializers.ModelSerializer):
    unit = UnitBriefSerializer(read_only=True, allow_null=True)
    name = serializers.CharField(read_only=True)
    state = TargetStateField(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = InspectionTarget
        fields = ["id", "unit", "outside_body", "name", "state", "state_display", "self_report_due"]
        read_only_fields = fields


class InspectionSerializer(serializers.ModelSerializer):
    programme = ProgrammeBriefSerializer(read_only=True)
    issuing_unit = UnitBriefSerializer(source="programme.issuing_unit", read_only=True)
    kind = InspectionKindField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    checked_plan = CheckedPlanSerializer(read_only=True, allow_null=True)
    decision_kind = DecisionKindField(read_only=True)
    state = InspectionStateField(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    # Both read from the prefetches that inspections.api puts on every inspection queryset;
    # `visible_targets` holds only the targets the person may see (selectors.targets_visible_to).
    team = TeamMemberSerializer(many=True, read_only=True)
    targets = InspectionTargetBriefSerializer(source="visible_targets", many=True, read_only=True)
    created_by = serializers.CharField(source="created_by.get_full_name", read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Inspection
        fields = [
            "id", "programme", "issuing_unit", "kind", "kind_display", "subject", "content", "legal_basis",
            "checked_plan", "starts_on", "ends_on", "self_report_due", "decision_kind", "decision_number",
            "decided_at", "state", "state_display", "team", "targets", "actions", "created_by", "created_at",
        ]
        read_only_fields = fields

    def get_actions(self, inspection) -> list[str]:
        return sorted(selectors.inspection_actions(actor(self.context), inspection))


class InspectionBriefSerializer(serializers.ModelSerializer):
    kind = InspectionKindField(read_only=True)
    state = InspectionStateField(read_only=True)
    issuing_unit = UnitBriefSerializer(source="programme.issuing_unit", read_only=True)

    class Meta:
        model = Inspection
        fields = ["id", "kind", "subject", "decision_number", "state", "issuing_unit"]
        read_only_fields = fields


class ConclusionSummarySerializer(serializers.ModelSerializer):
    state = ConclusionStateField(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)

    class Meta:
        model = Conclusion
        fields = ["id", "state", "state_display", "number", "issued_at"]
        read_only_fields = fields


# `visible_conclusions` in the context: ids of the page's conclusions that the person may see
# (selectors.conclusions_visible_to), read by inspections.api in one query per page.
class InspectionTargetSerializer(serializers.ModelSerializer):
    inspection = InspectionBriefSerializer(read_only=True)
    unit = UnitBriefSerializer(read_only=True, allow_null=True)
    name = serializers.CharField(read_only=True)
    state = TargetStateField(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    self_reported_by = serializers.SerializerMethodField()
    conclusion = serializers.SerializerMethodField()
    actions = serializers.SerializerMethodField()

    class Meta:
        model = InspectionTarget
        fields = [
            "id", "inspection", "unit", "outside_body", "name", "state", "state_display", "self_report_due",
            "self_report", "self_reported_at", "self_reported_by", "conclusion", "actions",
        ]
        read_only_fields = fields

    def get_self_reported_by(self, target) -> str | None:
        return target.self_reported_by.get_full_name() if target.self_reported_by_id else None

    @extend_schema_field(ConclusionSummarySerializer(allow_null=True))
    def get_conclusion(self, target):
        conclusion = getattr(target, "conclusion", None)
        if conclusion is None or conclusion.pk not in self.context.get("visible_conclusions", ()):
            return None
        return ConclusionSummarySerializer(conclusion).data

    def get_actions(self, target) -> list[str]:
        return sorted(selectors.target_actions(actor(self.context), target))


class FindingSerializer(serializers.ModelSerializer):
    target = serializers.IntegerField(source="target_id", read_only=True)
    target_name = serializers.CharField(source="target.name", read_only=True)
    category = FindingCategoryField(read_only=True)
    category_display = serializers.CharField(source="get_category_display", read_only=True)
    severity = SeverityField(read_only=True)
    severity_display = serializers.CharField(source="get_severity_display", read_only=True)
    corrects = serializers.IntegerField(source="corrects_id", read_only=True, allow_null=True)
    recorded_by = serializers.CharField(source="recorded_by.get_full_name", read_only=True)

    class Meta:
        model = Finding
        fields = [
            "id", "inspection", "target", "target_name", "category", "category_display", "severity",
            "severity_display", "description", "corrects", "recorded_by", "recorded_at",
        ]
        read_only_fields = fields


class RecommendationSerializer(serializers.ModelSerializer):
    class Meta:
        model = Recommendation
        fields = ["id", "text", "due"]
        read_only_fields = fields


class ConclusionSerializer(serializers.ModelSerializer):
    target = InspectionTargetBriefSerializer(read_only=True)
    inspection = serializers.IntegerField(source="target.inspection_id", read_only=True)
    state = ConclusionStateField(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    drafted_by = serializers.CharField(source="drafted_by.get_full_name", read_only=True)
    recommendations = RecommendationSerializer(many=True, read_only=True)

    class Meta:
        model = Conclusion
        fields = [
            "id", "target", "inspection", "text", "state", "state_display", "number", "issued_at", "drafted_by",
            "updated_at", "recommendations",
        ]
        read_only_fields = fields


class RemediationReportSerializer(serializers.ModelSerializer):
    submitted_by = serializers.CharField(source="submitted_by.get_full_name", read_only=True)

    class Meta:
        model = RemediationReport
        fields = ["id", "remediation", "version", "text", "submitted_by", "submitted_at"]
        read_only_fields = fields


class RemediationBriefSerializer(serializers.ModelSerializer):
    """A row of the dashboard's overdue list."""

    target = serializers.CharField(source="target.name", read_only=True)
    inspection = serializers.IntegerField(source="target.inspection_id", read_only=True)
    recommendation = serializers.CharField(source="recommendation.text", read_only=True)

    class Meta:
        model = Remediation
        fields = ["id", "inspection", "target", "recommendation", "due"]
        read_only_fields = fields


class RemediationSerializer(serializers.ModelSerializer):
    target = InspectionTargetBriefSerializer(read_only=True)
    inspection = InspectionBriefSerializer(source="target.inspection", read_only=True)
    recommendation = RecommendationSerializer(read_only=True)
    state = RemediationStateField(read_only=True)
    state_display = serializers.CharField(source="get_state_display", read_only=True)
    overdue = serializers.SerializerMethodField()
    # Every version, oldest first, from the prefetch of inspections.api.
    reports = RemediationReportSerializer(many=True, read_only=True)
    actions = serializers.SerializerMethodField()

    class Meta:
        model = Remediation
        fields = [
            "id", "inspection", "target", "recommendation", "due", "state", "state_display", "overdue",
            "reported_at", "verified_at", "reports", "actions",
        ]
        read_only_fields = fields

    def get_overdue(self, remediation) -> bool:
        return remediation.is_overdue(self.context.get("now"))

    def get_actions(self, remediation) -> list[str]:
        return sorted(selectors.remediation_actions(actor(self.context), remediation))


class FindingCountSerializer(serializers.Serializer):
    category = FindingCategoryField()
    severity = SeverityField()
    count = serializers.IntegerField()


class InspectionDashboardSerializer(serializers.Serializer):
    unit = UnitBriefSerializer()
    year = serializers.IntegerField()
    by_state = serializers.DictField(child=serializers.IntegerField(),
                                     help_text=_("How many inspections are in each state."))
    findings = FindingCountSerializer(many=True)
    overdue_remediations = RemediationBriefSerializer(many=True)
    summary = serializers.CharField(
        allow_null=True,
        help_text=_("The year's inspection work in a few Vietnamese sentences, for the year-end report; "
                    "null where the document module is not installed."),
    )


# --- Input -----------------------------------------------------------------------------------

class ProgrammeCreateSerializer(serializers.Serializer):
    issuing_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all())
    department = serializers.PrimaryKeyRelatedField(
        queryset=Department.objects.all(), required=False, allow_null=True,
        help_text=_("The inspection committee, or an advising department; empty for the standing board."),
    )
    year = serializers.IntegerField(min_value=2000, max_value=2100)
    title = serializers.CharField(max_length=500)
    note = serializers.CharField(required=False, allow_blank=True, default="")


class TeamMemberInputSerializer(serializers.Serializer):
    user = serializers.PrimaryKeyRelatedField(queryset=User.objects.filter(is_active=True))
    role = TeamRoleField(required=False, default=TeamRole.MEMBER)
    from_unit = serializers.PrimaryKeyRelatedField(queryset=Unit.objects.all(), required=False, allow_null=True,
                                                   default=None)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        # A PATCH makes every nested field optional and skips the defaults (DRF's partial reaches
        # the children too), but a member without a person is not a shape the service can take.
        if "user" not in values:
            raise serializers.ValidationError({"user": [self.fields["user"].error_messages["required"]]})
        return (values["user"], values.get("role", TeamRole.MEMBER), values.get("from_unit"))


class InspectionCreateSerializer(serializers.Serializer):
    programme = serializers.PrimaryKeyRelatedField(queryset=Programme.objects.none())
    kind = InspectionKindField()
    subject = serializers.CharField(max_length=500)
    content = serializers.CharField(required=False, allow_blank=True, trim_whitespace=False)
    legal_basis = serializers.CharField(required=False, allow_blank=True)
    checked_plan = serializers.PrimaryKeyRelatedField(
        queryset=Plan.objects.none(), required=False, allow_null=True,
        help_text=_("The plan whose implementation is checked; one the person may see."),
    )
    starts_on = serializers.DateField(input_formats=DATE_INPUTS)
    ends_on = serializers.DateField(input_formats=DATE_INPUTS)
    self_report_due = serializers.DateTimeField(input_formats=DATETIME_INPUTS)
    decision_kind = DecisionKindField(required=False)
    target_units = serializers.PrimaryKeyRelatedField(many=True, queryset=Unit.objects.all(), required=False)
    outside_bodies = serializers.ListField(
        child=serializers.CharField(max_length=255), required=False,
        help_text=_("Bodies outside the Youth Union, for a supervision only."),
    )
    team = TeamMemberInputSerializer(many=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            # Only what the person may see: another unit's id reads as "does not exist".
            if "programme" in self.fields:
                self.fields["programme"].queryset = selectors.programmes_visible_to(request.user)
            self.fields["checked_plan"].queryset = plans_visible_to(request.user)


class InspectionUpdateSerializer(InspectionCreateSerializer):
    """Fields of a draft decision that can change; the programme cannot."""

    programme = None


class InspectionFilterSerializer(serializers.Serializer):
    programme = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)
    state = InspectionStateField(required=False)
    kind = InspectionKindField(required=False)


class ProgrammeFilterSerializer(serializers.Serializer):
    year = serializers.IntegerField(required=False, min_value=2000, max_value=2100)


class InspectionTargetFilterSerializer(serializers.Serializer):
    inspection = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID)


class RemediationFilterSerializer(serializers.Serializer):
    state = RemediationStateField(required=False)
    overdue = serializers.BooleanField(required=False, default=False,
                                       help_text=_("Only open remediations past their deadline."))


class InspectionDashboardParamsSerializer(serializers.Serializer):
    unit = serializers.IntegerField(min_value=1, max_value=MAX_ID, help_text=_("The issuing unit."))
    year = serializers.IntegerField(min_value=2000, max_value=2100)


class TextInputSerializer(serializers.Serializer):
    text = serializers.CharField()


class FindingInputSerializer(serializers.Serializer):
    category = FindingCategoryField()
    severity = SeverityField(required=False, default="",
                             help_text=_("Empty for a strength; required for a shortcoming or a violation."))
    description = serializers.CharField()
    corrects = serializers.PrimaryKeyRelatedField(
        queryset=Finding.objects.none(), required=False, allow_null=True, default=None,
        help_text=_("After the conclusion is issued: the finding this one corrects."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None and "corrects" in self.fields:
            self.fields["corrects"].queryset = selectors.findings_visible_to(request.user)


class FindingUpdateSerializer(FindingInputSerializer):
    corrects = None


class RecommendationInputSerializer(serializers.Serializer):
    text = serializers.CharField()
    due = serializers.DateTimeField(input_formats=DATETIME_INPUTS)


class ConclusionInputSerializer(serializers.Serializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False)
    recommendations = RecommendationInputSerializer(
        many=True, required=False,
        help_text=_("Replaces every recommendation of the draft; left out, they stay as they are."),
    )

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if "recommendations" in values:
            values["recommendations"] = [(r["text"], r["due"]) for r in values["recommendations"]]
        return values
