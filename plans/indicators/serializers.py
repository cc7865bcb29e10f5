"""Shapes of indicators, figures and results over the API. Input serializers only parse: their
data goes to plans.indicators.services (writes); the results come from plans.indicators.summary."""

import math

import pandas as pd
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from core.serializers import DATE_INPUTS
from plans.models import Aggregate, Comparison, Indicator, IndicatorKind

from .verdicts import Verdict


# `kind` names the plan's document kind elsewhere in the schema. Two choice sets under one field
# name in several components is an enum-naming collision for drf-spectacular (a warning that fails
# `check --deploy`), so the indicator's kinds are documented inline, not as a shared component.
@extend_schema_field({"type": "string", "allOf": [{"enum": list(IndicatorKind.values)}],
                      "description": ", ".join(IndicatorKind.values)})
class IndicatorKindField(serializers.ChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=IndicatorKind.choices, **kwargs)


class IndicatorSerializer(serializers.ModelSerializer):
    kind = serializers.CharField(read_only=True)
    kind_display = serializers.CharField(source="get_kind_display", read_only=True)
    comparison = serializers.ChoiceField(choices=Comparison.choices, read_only=True)
    aggregate = serializers.ChoiceField(choices=Aggregate.choices, read_only=True)
    target = serializers.DecimalField(max_digits=18, decimal_places=4, coerce_to_string=False, read_only=True)
    unit_target = serializers.DecimalField(max_digits=18, decimal_places=4, coerce_to_string=False,
                                           read_only=True, allow_null=True)
    needs_fraction = serializers.BooleanField(read_only=True)

    class Meta:
        model = Indicator
        fields = ["id", "position", "group", "code", "name", "kind", "kind_display", "unit_of_measure", "target",
                  "comparison", "aggregate", "unit_target", "needs_fraction"]
        read_only_fields = fields


class IndicatorInputSerializer(serializers.Serializer):
    """The fields of plans.indicators.services.indicator_save; PATCH sends only those that change."""

    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=500)
    group = serializers.CharField(max_length=20, required=False, allow_blank=True)
    kind = IndicatorKindField()
    unit_of_measure = serializers.CharField(max_length=40, required=False, allow_blank=True)
    target = serializers.DecimalField(max_digits=18, decimal_places=4)
    comparison = serializers.ChoiceField(choices=Comparison.choices, required=False)
    aggregate = serializers.ChoiceField(choices=Aggregate.choices)
    unit_target = serializers.DecimalField(max_digits=18, decimal_places=4, required=False, allow_null=True)
    position = serializers.IntegerField(min_value=0, required=False,
                                        help_text=_("Order in the plan; 0 or absent: after the others."))


# --- Results --------------------------------------------------------------------------------

def _number(value):
    """A pandas figure as JSON: NaN (no figure) is null, never 0."""
    if value is None:
        return None
    value = float(value)
    return None if math.isnan(value) else value


class IndicatorUnitSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()


class UnitFigureSerializer(serializers.Serializer):
    """One recipient unit's figure for one indicator (the issuing unit's own for its own indicators)."""

    unit = IndicatorUnitSerializer()
    reported = serializers.BooleanField()
    value = serializers.FloatField(allow_null=True)
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    unit_result = serializers.FloatField(allow_null=True, help_text=_("The value, or numerator ÷ denominator × 100."))
    unit_goal = serializers.FloatField(allow_null=True, help_text=_("What the unit is held to, if anything."))
    verdict = serializers.ChoiceField(choices=Verdict.choices, allow_null=True)
    provisional = serializers.BooleanField(
        help_text=_("A figure of a report not accepted yet (not sent, awaiting review, or returned).")
    )


class AcceptedResultSerializer(serializers.Serializer):
    result = serializers.FloatField(allow_null=True)
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    met_units = serializers.IntegerField()
    reported = serializers.IntegerField(help_text=_("Units whose accepted report gave a figure."))
    verdict = serializers.ChoiceField(choices=Verdict.choices, allow_null=True)


class IndicatorResultSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    unit_of_measure = serializers.CharField()
    comparison = serializers.ChoiceField(choices=Comparison.choices)
    aggregate = serializers.ChoiceField(choices=Aggregate.choices)
    target = serializers.FloatField()
    result = serializers.FloatField(allow_null=True, help_text=_("Null when nobody reported, never 0."))
    numerator = serializers.FloatField(allow_null=True)
    denominator = serializers.FloatField(allow_null=True)
    met_units = serializers.IntegerField()
    reported = serializers.IntegerField()
    missing = serializers.IntegerField()
    verdict = serializers.ChoiceField(choices=Verdict.choices, allow_null=True)
    provisional = serializers.IntegerField(
        help_text=_("Of the units counted in the result, those whose report has not been accepted yet: "
                    "the result is provisional while this is above 0.")
    )
    accepted = AcceptedResultSerializer(help_text=_("The same result over accepted reports only."))
    previous = serializers.FloatField(allow_null=True, required=False,
                                      help_text=_("The previous period's result, with ?previous=<plan id>."))
    change = serializers.FloatField(allow_null=True, required=False)
    units = UnitFigureSerializer(many=True)


class RankingRowSerializer(serializers.Serializer):
    unit = IndicatorUnitSerializer()
    rank = serializers.IntegerField(allow_null=True, help_text=_("Null while the unit is judged on nothing."))
    met = serializers.IntegerField(help_text=_("Own targets met or exceeded."))
    judged = serializers.IntegerField(help_text=_("Own targets the unit was judged on."))
    score = serializers.FloatField(allow_null=True, help_text=_("Null while the unit is judged on nothing."))
    provisional = serializers.BooleanField(help_text=_("Judged on figures of a report not accepted yet."))


class IndicatorSummarySerializer(serializers.Serializer):
    plan = serializers.IntegerField()
    recipients = serializers.IntegerField(help_text=_("Recipient units (cancelled assignments left out)."))
    units_missing = serializers.IntegerField(help_text=_("Recipient units that reported no figure at all."))
    units_provisional = serializers.IntegerField(
        help_text=_("Recipient units whose figures are provisional: their report has not been accepted yet.")
    )
    indicators = IndicatorResultSerializer(many=True)
    ranking = RankingRowSerializer(many=True)


def summary_data(summary) -> dict:
    """plans.indicators.summary.Summary as plain data for IndicatorSummarySerializer."""
    recipients = summary.recipients
    names = {unit_id: {"id": int(unit_id), "code": r["code"], "name": r["name"]}
             for unit_id, r in recipients.iterrows()}
    issuer = summary.plan.issuing_unit
    names[issuer.pk] = {"id": issuer.pk, "code": issuer.code, "name": issuer.name}
    figures: dict[int, list] = {}
    for cell in summary.units.itertuples(index=False):
        figures.setdefault(cell.indicator_id, []).append({
            "unit": names[cell.unit_id], "reported": bool(cell.reported), "value": _number(cell.value),
            "numerator": _number(cell.numerator), "denominator": _number(cell.denominator),
            "unit_result": _number(cell.unit_result), "unit_goal": _number(cell.unit_goal), "verdict": cell.verdict,
            "provisional": bool(cell.provisional),
        })
    indicators = [
        {"id": int(indicator_id), "code": r["code"], "name": r["name"], "kind": r["kind"],
         "unit_of_measure": r["unit_of_measure"], "comparison": r["comparison"], "aggregate": r["aggregate"],
         "target": _number(r["target"]), "result": _number(r["result"]), "numerator": _number(r["numerator"]),
         "denominator": _number(r["denominator"]), "met_units": int(r["met_units"]), "reported": int(r["reported"]),
         "missing": int(r["missing"]), "verdict": r["verdict"], "units": figures.get(indicator_id, []),
         "provisional": int(r["provisional"]),
         "accepted": {"result": _number(r["accepted_result"]), "numerator": _number(r["accepted_numerator"]),
                      "denominator": _number(r["accepted_denominator"]), "met_units": int(r["accepted_met_units"]),
                      "reported": int(r["accepted_reported"]), "verdict": r["accepted_verdict"]},
         **({"previous": _number(r["previous"]), "change": _number(r["change"])} if "change" in r else {})}
        for indicator_id, r in summary.indicators.iterrows()
    ]
    ranking = [
        {"unit": names[unit_id], "rank": None if pd.isna(r["rank"]) else int(r["rank"]), "met": int(r["met"]),
         "judged": int(r["judged"]), "score": _number(r["score"]), "provisional": bool(r["provisional"])}
        for unit_id, r in summary.ranking.iterrows()
    ]
    return {"plan": summary.plan.pk, "recipients": len(recipients), "units_missing": summary.units_missing,
            "units_provisional": summary.units_provisional, "indicators": indicators, "ranking": ranking}


# --- A unit's figures ---------------------------------------------------------------------------

_FIGURE_HELP = _("A number as text or JSON: “1.200” is one thousand two hundred, “51,83” and 51.83 are decimals.")


class FigureInputSerializer(serializers.Serializer):
    code = serializers.CharField(help_text=_("The indicator's code in the plan, e.g. 4c."))
    value = serializers.CharField(required=False, allow_null=True, allow_blank=True, help_text=_FIGURE_HELP)
    numerator = serializers.CharField(required=False, allow_null=True, allow_blank=True, help_text=_FIGURE_HELP)
    denominator = serializers.CharField(required=False, allow_null=True, allow_blank=True, help_text=_FIGURE_HELP)
    note = serializers.CharField(required=False, allow_blank=True, max_length=500)


class FiguresInputSerializer(serializers.Serializer):
    cutoff_date = serializers.DateField(required=False, allow_null=True, input_formats=DATE_INPUTS,
                                        help_text=_("The date the figures are as of: dd/mm/yyyy or yyyy-mm-dd."))
    values = FigureInputSerializer(
        many=True, help_text=_("One entry per indicator reported; an entry without a figure clears it. "
                               "Indicators not listed keep their figures."),
    )

    def entries(self) -> dict:
        """As plans.indicators.services expects them: {code: {...}}."""
        return {row["code"]: {k: v for k, v in row.items() if k != "code"} for row in self.validated_data["values"]}


class FigureSerializer(serializers.Serializer):
    """One indicator with the unit's figure, from plans.indicators.selectors.Entry."""

    id = serializers.IntegerField(source="indicator.pk")
    code = serializers.CharField(source="indicator.code")
    name = serializers.CharField(source="indicator.name")
    kind = serializers.CharField(source="indicator.kind")
    unit_of_measure = serializers.CharField(source="indicator.unit_of_measure")
    needs_fraction = serializers.BooleanField(source="indicator.needs_fraction",
                                              help_text=_("Reported as numerator and denominator, not as a value."))
    target = serializers.DecimalField(source="indicator.target", max_digits=18, decimal_places=4,
                                      coerce_to_string=False, help_text=_("The plan's target."))
    allocated = serializers.DecimalField(max_digits=18, decimal_places=4, coerce_to_string=False, allow_null=True,
                                         help_text=_("The part of the target allocated to this unit, if any."))
    reported = serializers.SerializerMethodField()
    value = serializers.DecimalField(source="value.value", max_digits=18, decimal_places=4, coerce_to_string=False,
                                     allow_null=True, default=None)
    numerator = serializers.DecimalField(source="value.numerator", max_digits=18, decimal_places=4,
                                         coerce_to_string=False, allow_null=True, default=None)
    denominator = serializers.DecimalField(source="value.denominator", max_digits=18, decimal_places=4,
                                           coerce_to_string=False, allow_null=True, default=None)
    note = serializers.CharField(source="value.note", default="")
    cutoff_date = serializers.DateField(source="value.cutoff_date", allow_null=True, default=None)
    updated_at = serializers.DateTimeField(source="value.updated_at", allow_null=True, default=None)

    def get_reported(self, entry) -> bool:
        return entry.value is not None


class FiguresSerializer(serializers.Serializer):
    unit = IndicatorUnitSerializer()
    editable = serializers.BooleanField(help_text=_("Whether the person may enter these figures now."))
    values = FigureSerializer(many=True)
