from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from . import selectors
from .models import Department, Position, Unit, UnitLevel, User


class UnitLevelSerializer(serializers.ModelSerializer):
    class Meta:
        model = UnitLevel
        fields = ["code", "name", "rank"]


class UnitNeighbourSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class UnitSerializer(serializers.ModelSerializer):
    level = UnitLevelSerializer(read_only=True)
    parent_code = serializers.SerializerMethodField()
    predecessors = serializers.SerializerMethodField(help_text="Units merged into this one or split from it.")
    successors = serializers.SerializerMethodField(help_text="Units that took this one's work when it ended.")

    class Meta:
        model = Unit
        fields = ["id", "code", "name", "level", "depth", "path", "parent_code", "document_code", "is_active",
                  "predecessors", "successors"]

    def get_parent_code(self, unit) -> str | None:
        # Filled by the view from one extra query for the whole page, not one per row.
        return self.context.get("parent_codes", {}).get(unit.path[: -Unit.steplen])

    def _neighbours(self, unit, side) -> list[dict]:
        # Also filled by the view for the whole page (accounts.lineage, registered by restructuring).
        found = self.context.get("neighbours", {}).get(unit.pk, {}).get(side, [])
        return [{"id": pk, "code": code, "name": name} for pk, code, name in found]

    @extend_schema_field(UnitNeighbourSerializer(many=True))
    def get_predecessors(self, unit):
        return self._neighbours(unit, "predecessors")

    @extend_schema_field(UnitNeighbourSerializer(many=True))
    def get_successors(self, unit):
        return self._neighbours(unit, "successors")


class DepartmentSerializer(serializers.ModelSerializer):
    class Meta:
        model = Department
        fields = ["id", "code", "name", "document_code"]


class PositionSerializer(serializers.ModelSerializer):
    unit = serializers.SerializerMethodField()
    department = DepartmentSerializer(read_only=True, allow_null=True)  # a unit-level position has none
    role_display = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = Position
        fields = ["id", "unit", "department", "role", "role_display", "valid_from", "valid_to"]

    def get_unit(self, position) -> dict:
        unit = position.unit
        return {"id": unit.id, "code": unit.code, "name": unit.name, "level": unit.level.code}


class MeSerializer(serializers.ModelSerializer):
    full_name = serializers.CharField(source="get_full_name")
    positions = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "full_name", "email", "positions"]

    @extend_schema_field(PositionSerializer(many=True))
    def get_positions(self, user):
        return PositionSerializer(selectors.positions_active(user), many=True).data


class UnitBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = Unit
        fields = ["id", "code", "name"]
