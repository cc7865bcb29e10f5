from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from accounts.serializers import UnitBriefSerializer
from core.serializers import CommentSerializer

from .models import Emulation, Score, ScoreSheet


class EmulationSerializer(serializers.ModelSerializer):
    year = serializers.IntegerField(source="table.year", read_only=True)
    organiser = UnitBriefSerializer(source="table.organiser", read_only=True)

    class Meta:
        model = Emulation
        fields = ["id", "table", "year", "organiser", "subject", "state", "number", "issued_at",
                  "self_assessment_due", "verification_due", "decision_text"]
        read_only_fields = fields


class ScoreSerializer(serializers.ModelSerializer):
    criterion_code = serializers.SerializerMethodField()
    criterion_name = serializers.CharField(source="criterion.name", read_only=True)
    max_points = serializers.DecimalField(source="criterion.max_points", max_digits=6, decimal_places=2,
                                          read_only=True)
    source = serializers.CharField(source="criterion.source", read_only=True)
    adjusted = serializers.BooleanField(read_only=True)

    class Meta:
        model = Score
        fields = ["criterion", "criterion_code", "criterion_name", "max_points", "source", "self_points",
                  "verified_points", "final_points", "adjusted", "computed", "note", "verify_comment"]
        read_only_fields = fields

    def get_criterion_code(self, score) -> str:
        return f"{score.criterion.group.code}.{score.criterion.code}"


class ClusterBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    head = UnitBriefSerializer()


class ScoreSheetSerializer(serializers.ModelSerializer):
    unit = UnitBriefSerializer(read_only=True)
    cluster = ClusterBriefSerializer(read_only=True)
    scores = ScoreSerializer(many=True, read_only=True)

    class Meta:
        model = ScoreSheet
        fields = ["id", "emulation", "unit", "cluster", "state", "submitted_at", "verified_at", "approved_at",
                  "scores"]
        read_only_fields = fields


class PlaceSerializer(serializers.Serializer):
    sheet = serializers.IntegerField(source="sheet.pk")
    unit = UnitBriefSerializer(source="sheet.unit")
    state = serializers.CharField(source="sheet.state")
    rank = serializers.IntegerField()
    tied_with = serializers.ListField(child=serializers.IntegerField(), help_text=_("Units on the same total."))
    self_total = serializers.DecimalField(max_digits=8, decimal_places=2)
    verified_total = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    final_total = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True)
    total = serializers.DecimalField(max_digits=8, decimal_places=2, help_text=_("The total that ranks."))
    previous_total = serializers.DecimalField(max_digits=8, decimal_places=2, allow_null=True,
                                              help_text=_("The unit's final total the year before, if scored."))
    provisional = serializers.BooleanField()


class ClusterStandingSerializer(serializers.Serializer):
    cluster = ClusterBriefSerializer()
    places = PlaceSerializer(many=True)


class StandingsSerializer(serializers.Serializer):
    final = serializers.BooleanField()
    max_total = serializers.DecimalField(max_digits=8, decimal_places=2)
    clusters = ClusterStandingSerializer(many=True)
    overall = PlaceSerializer(many=True)


# --- input ---------------------------------------------------------------------------------------

class EmulationOpenSerializer(serializers.Serializer):
    table = serializers.IntegerField()
    subject = serializers.CharField(max_length=500)
    self_assessment_due = serializers.DateTimeField()
    verification_due = serializers.DateTimeField()


class AssessEntrySerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    points = serializers.CharField(required=False, allow_blank=True, help_text=_("Judged criteria only."))
    note = serializers.CharField(required=False, allow_blank=True)


class AssessSerializer(serializers.Serializer):
    entries = AssessEntrySerializer(many=True)


class VerifyEntrySerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    points = serializers.CharField(required=False, allow_blank=True)
    comment = serializers.CharField(required=False, allow_blank=True,
                                    help_text=_("Required when the points differ from the unit's."))


class VerifySerializer(CommentSerializer):
    entries = VerifyEntrySerializer(many=True, required=False)


class EvidenceSerializer(serializers.Serializer):
    criterion = serializers.IntegerField()
    files = serializers.ListField(child=serializers.FileField(), allow_empty=False)


class DecideSerializer(serializers.Serializer):
    decision_text = serializers.CharField(required=False, allow_blank=True, default="")
