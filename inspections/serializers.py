"""Shapes of programmes, inspections, targets, findings, conclusions and remediations over the
API: read serializers for answers, plain input serializers for request bodies and query strings.
Inputs are checked for shape only; the rules (dates in order, units below the issuer, who may
act) are the services' and come back as their 400/403/409."""

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import User
from accounts.serializers import DepartmentSerializer, UnitBriefSerializer
from core.serializers import actor

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
