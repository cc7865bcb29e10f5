"""Request bodies and query strings of the inspection API: checked here, passed to
inspections.services or the selectors as they are, never to model.save()."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.models import Department, Unit, User
from core.serializers import DATE_INPUTS, DATETIME_INPUTS, MAX_ID
from plans.models import Plan
from plans.selectors import plans_visible_to

from . import selectors
from .models import (
    Finding,
    Programme,
    TeamRole,
)
from .serializers import (
    DecisionKindField,
    FindingCategoryField,
    InspectionKindField,
    InspectionStateField,
    RemediationStateField,
    SeverityField,
    TeamRoleField,
)


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
