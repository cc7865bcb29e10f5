"""Shapes of the organisation's changes over the API: the UnitChange as read, the body that asks
for an operation (its data goes to restructuring.building, never to model.save()), the preview."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import UnitLevel
from accounts.serializers import UnitBriefSerializer
from core.serializers import DATE_INPUTS, MAX_ID

from .building import OVERRIDE_OBJECTS
from .models import ChangeKind, UnitChange

# Documented as a string, not an enum: "kind" already names PlanKind's enum in several components,
# and a second choice set under that name is an enum-naming collision for drf-spectacular.
KIND_SCHEMA = {"type": "string", "description": "One of: " + ", ".join(ChangeKind.values) + "."}


@extend_schema_field(KIND_SCHEMA)
class KindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=ChangeKind.choices, **kwargs)


# --- Read ------------------------------------------------------------------------------------


class BeforeSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(help_text=("The name as it was before the change."))
    parent = serializers.CharField(help_text=("The name of its parent then; empty for a top unit."))


class AfterSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField(help_text=("The name right after the change."))


class DetailsSerializer(serializers.Serializer):
    before = BeforeSerializer(many=True)
    after = AfterSerializer(many=True)
    carried = serializers.DictField(child=serializers.IntegerField(),
                                    help_text=("How many of each kind of open work went to the successors."))


class UnitChangeSerializer(serializers.ModelSerializer):
    kind = KindField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    predecessors = UnitBriefSerializer(many=True, read_only=True)
    successors = UnitBriefSerializer(many=True, read_only=True)
    details = serializers.SerializerMethodField()
    by = serializers.CharField(source="by.get_full_name", read_only=True)

    class Meta:
        model = UnitChange
        fields = ["id", "kind", "kind_display", "effective_on", "decision", "predecessors", "successors", "details",
                  "by", "at"]
        read_only_fields = fields

    @extend_schema_field(DetailsSerializer)
    def get_details(self, change) -> dict:
        return change.details  # names and counts as they were recorded, passed on as they are


class PreviewCountsSerializer(serializers.Serializer):
    assignments = serializers.IntegerField()
    assignments_carried = serializers.IntegerField()
    plans = serializers.IntegerField()
    recipient_plans = serializers.IntegerField()
    targets = serializers.IntegerField()
    targets_kept = serializers.IntegerField()
    inspections = serializers.IntegerField()
    allocations = serializers.IntegerField()
    tasks = serializers.IntegerField()
    grants = serializers.IntegerField()
    positions_ending = serializers.IntegerField()
    children_moving = serializers.IntegerField()


def _ids(help_text):
    return serializers.ListField(child=serializers.IntegerField(), help_text=help_text)


class PreviewSerializer(serializers.Serializer):
    """What the operation would do, read only: nothing changes until it is applied."""

    applied = serializers.IntegerField(allow_null=True, help_text=(
        "The id of the change when this operation was applied already: applying it again changes nothing."))
    counts = PreviewCountsSerializer()
    assignments = _ids("Ids of the open assignments that move to a successor.")
    assignments_carried = _ids("Ids of the assignments the successor carries on in the ended unit's name: "
                                "it already has that plan, or issued it.")
    plans = _ids("Ids of the open plans the units issued.")
    recipient_plans = _ids("Ids of the open plans addressed to the units.")
    targets = _ids("Ids of the inspection targets that move.")
    targets_kept = _ids("Ids of the inspection targets that stay: the successor is already inspected there.")
    inspections = _ids("Ids of the open inspections of the units' programmes.")
    positions_ending = _ids("Ids of the positions that end.")
    people = _ids("Ids of the people whose positions end.")
    children_moving = _ids("Ids of the units below that move to the successor.")


# --- Input -----------------------------------------------------------------------------------


class NewUnitSerializer(serializers.Serializer):
    code = serializers.CharField(max_length=40)
    name = serializers.CharField(max_length=255)
    level_code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="",
                                       help_text=("By default the level of the first unit that changes."))
    parent_code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="",
                                        help_text=("By default new_parent_code, else the parent of the first "
                                                    "unit that changes."))

    def validate_level_code(self, value):
        if not value:
            return None
        level = UnitLevel.objects.filter(code=value).first()
        if level is None:
            raise serializers.ValidationError(_("No level has the code %(code)s.") % {"code": value})
        return level


class OverrideSerializer(serializers.Serializer):
    object = serializers.ChoiceField(choices=OVERRIDE_OBJECTS)
    id = serializers.IntegerField(min_value=1, max_value=MAX_ID)
    successor = serializers.IntegerField(min_value=0, max_value=99, help_text=(
        "Index into the successors: new_codes first, then new_units."))


class UnitChangeInputSerializer(serializers.Serializer):
    kind = KindField()
    old_codes = serializers.ListField(child=serializers.CharField(max_length=40), min_length=1, max_length=100,
                                      help_text=("The codes of the units that change: one, or several for a merge."))
    new_codes = serializers.ListField(
        child=serializers.CharField(max_length=40), required=False, default=list, max_length=20,
        help_text=("Existing successor units by code: the unit a merge goes into, a dissolved unit's successor "
                    "other than its parent, pieces of a split."))
    new_units = NewUnitSerializer(many=True, required=False, max_length=20, help_text=("Successor units to create."))
    new_name = serializers.CharField(max_length=255, required=False, allow_blank=True, default="",
                                     help_text=("A rename: the new name."))
    new_parent_code = serializers.CharField(max_length=40, required=False, allow_blank=True, default="",
                                            help_text=("A move: the new parent; also the parent of new units."))
    effective_on = serializers.DateField(input_formats=DATE_INPUTS, help_text=_("dd/mm/yyyy or yyyy-mm-dd"))
    decision = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                     help_text=UnitChange._meta.get_field("decision").help_text)
    move_people = serializers.BooleanField(required=False, default=False, help_text=(
        "A merge or a dissolve: re-appoint the people of the units that end in the successor."))
    overrides = OverrideSerializer(many=True, required=False, max_length=10000, help_text=(
        "A split: send single assignments or inspection targets to another successor than the first."))


class UnitChangeFilterSerializer(serializers.Serializer):
    unit = serializers.IntegerField(required=False, min_value=1, max_value=MAX_ID,
                                    help_text="A unit's id: the changes where it is a predecessor or a successor.")
