"""Targets, figures and results the way a plan and its officers write them: "80%", "≤ 2 vụ",
"1.234/2.000 (61,70%)", "16/16 đơn vị". Text for the screens; the documents have their own
sentences (plans.indicators.exports).

An "indicator" here is a mapping with the Indicator's fields (a summary frame row, or
fields_of(indicator) for a model instance), so the pages format both the same way.
"""

import math

from django.utils.translation import gettext as _

from core.vi_format import vi_fraction, vi_number, vi_percent
from plans.models import Aggregate, Comparison, IndicatorKind

from .summary import is_percentage
from .verdicts import EXCEEDED, MET, NO_RESULT, NOT_MET, Verdict

VERDICT_CSS = {EXCEEDED: "v-exceeded", MET: "v-met", NOT_MET: "v-not-met"}


def known(value):
    """A figure from the summary's frames, or None: NaN means "no figure", never 0."""
    if value is None:
        return None
    try:
        return None if math.isnan(value) else value
    except TypeError:
        return value


def editable_text(value) -> str:
    """A stored figure as a form shows it again: parse_vi_number reads it back unchanged."""
    return "" if value is None else vi_number(value)


def fields_of(indicator) -> dict:
    """What the texts below read from an Indicator, as a mapping."""
    return {"aggregate": indicator.aggregate, "kind": indicator.kind, "target": indicator.target,
            "comparison": indicator.comparison, "unit_of_measure": indicator.unit_of_measure}


def with_unit(number_text: str, unit_of_measure: str) -> str:
    """ "1.200 đơn vị máu"; a percentage sign follows its number as in vi_percent: "45,50%"."""
    unit_of_measure = (unit_of_measure or "").strip()
    if unit_of_measure == "%":
        return f"{number_text}%"
    return f"{number_text} {unit_of_measure}".strip()


def target_text(indicator, target=None) -> str:
    """The plan's target (or a given one) the way the plan writes it: "80%", "≤ 2 vụ", "1.000 đơn vị máu"."""
    target = indicator["target"] if target is None else target
    if is_percentage(indicator):
        text = vi_percent(target)
    elif indicator["kind"] == IndicatorKind.YES_NO:
        text = str(_("Yes") if target else _("No"))
    else:
        text = with_unit(vi_number(target), indicator["unit_of_measure"])
    return f"≤ {text}" if indicator["comparison"] == Comparison.AT_MOST else text


def figure_text(indicator, value, numerator, denominator) -> str:
    """One unit's figure: "1.234/2.000 (61,70%)", "Có", "12"."""
    if indicator["aggregate"] == Aggregate.RATIO_OF_SUMS:
        if known(denominator) is None:
            return "—"
        percent = numerator / denominator * 100 if denominator else None
        return vi_fraction(numerator, denominator, percent)
    if known(value) is None:
        return "—"
    if indicator["kind"] == IndicatorKind.YES_NO:
        return str(_("Yes") if value else _("No"))
    if indicator["kind"] == IndicatorKind.PERCENT:
        return vi_percent(value)  # one way to write a percentage everywhere: 45,50%
    return vi_number(value)


def result_text(row) -> str:
    """The plan-wide result: "16.107/31.076 (51,83%)", "16/16 đơn vị", "1.234 đơn vị máu"."""
    if not row["reported"]:
        return "—"
    aggregate = row["aggregate"]
    if aggregate == Aggregate.RATIO_OF_SUMS:
        return vi_fraction(row["numerator"], row["denominator"], known(row["result"]))
    if aggregate == Aggregate.ALL_UNITS:
        return _("%(met)s/%(reported)s units") % {"met": vi_number(row["met_units"]),
                                                   "reported": vi_number(row["reported"])}
    if row["kind"] == IndicatorKind.PERCENT:
        return vi_percent(known(row["result"]))
    return with_unit(vi_number(known(row["result"])), row["unit_of_measure"])


def unit_goal_text(indicator, allocated) -> tuple[str, bool]:
    """What one unit is held to, and whether it is its own (else the whole plan's target)."""
    fields = fields_of(indicator)
    if allocated is not None:
        return target_text(fields, allocated), True
    if indicator.aggregate == Aggregate.ALL_UNITS:
        if indicator.kind == IndicatorKind.YES_NO:
            return str(_("Yes")), True
        return (f"≥ {vi_number(indicator.unit_target)}" if indicator.unit_target is not None else "> 0"), True
    # A percentage holds for every unit; the issuer's own indicators are the issuer's alone.
    return target_text(fields), indicator.aggregate in (Aggregate.RATIO_OF_SUMS, Aggregate.ISSUER_ONLY)


def verdict_badge(code) -> dict:
    """A verdict code of the summary (or None) as the pages show it: code, CSS class, label."""
    if code in VERDICT_CSS:
        return {"code": code, "css": VERDICT_CSS[code], "label": Verdict(code).label}
    return {"code": "", "css": "v-none", "label": NO_RESULT}
