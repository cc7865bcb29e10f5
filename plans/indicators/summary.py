"""The one aggregation of indicator values, used by the matrix page, the API and the exports.

Rules (DESIGN.md §2.3, ../shared/domain/README.md):
- sum: Σ of the reporting units' values;
- ratio_of_sums: Σ numerators / Σ denominators × 100, never the mean of unit percentages;
  Σ denominators = 0 gives no result;
- all_units: units whose own value reaches the unit-level condition, over the units that
  reported ("16/16");
- province_only: the issuing unit's own figure.
A unit that has not reported is "chưa báo cáo": left out, never counted as zero, and counted
in `missing`. Verdicts compare the result rounded to 2 decimals with the target: below →
không đạt, equal → đạt, above → vượt; mirrored for at-most targets.

A figure is final once its unit's report is accepted by the issuer (the issuer's own figures
always are); until then it is provisional: entered and not yet sent, sent and awaiting review,
or returned. `result` counts every figure and `provisional` says how many units' figures in it
are not final; the `accepted_…` columns are the same result over accepted reports only. Every
screen and document shows both, so nobody reads an unreviewed figure as the province's.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from accounts import lineage
from plans.models import (
    Aggregate,
    AssignmentState,
    Comparison,
    Indicator,
    IndicatorAllocation,
    IndicatorKind,
    IndicatorValue,
    Plan,
)

from .verdicts import EXCEEDED, MET, NOT_MET


@dataclass
class Summary:
    plan: Plan
    indicators: pd.DataFrame  # one row per indicator, index indicator_id
    units: pd.DataFrame  # one row per (indicator, recipient unit), reported or not
    recipients: pd.DataFrame  # index unit_id: code, name, path
    # recipients ranked by the share of their own verdicts met or exceeded; `rank` is missing (NA)
    # for a unit judged on nothing, which has no place in a ranking.
    ranking: pd.DataFrame

    @property
    def units_missing(self) -> int:
        """Recipients that reported no figure at all."""
        reported = self.units.loc[self.units["reported"], "unit_id"].unique()
        return int(len(self.recipients) - len(set(reported) & set(self.recipients.index)))

    @property
    def units_provisional(self) -> int:
        """Recipients with figures whose report has not been accepted yet."""
        return int(self.units.loc[self.units["provisional"], "unit_id"].nunique())


def is_percentage(row) -> bool:
    """Whether an indicator's targets and results are percentages, whatever its unit of measure
    says: its own kind, or a rule whose result is a share (Σ numerators ÷ Σ denominators, units
    meeting ÷ units reporting). `row` is anything with "aggregate" and "kind": a frame row, a dict."""
    return row["aggregate"] in (Aggregate.RATIO_OF_SUMS, Aggregate.ALL_UNITS) or row["kind"] == IndicatorKind.PERCENT


def accepted_only(row) -> dict:
    """An indicator's row of the summary with its result over accepted reports only in place of
    the result over every figure, for the texts that write a result (formatting, exports)."""
    return {**dict(row), **{column: row[f"accepted_{column}"] for column in ACCEPTED_COLUMNS}, "provisional": 0}


def verdicts(results: pd.Series, targets: pd.Series, at_most: pd.Series) -> pd.Series:
    """Verdict codes (plans.indicators.verdicts.Verdict), None where a result or a target is missing."""
    result, target = results.round(2), targets.round(2)
    below, above = result < target, result > target
    out = np.where(result.isna() | target.isna(), None,
                   np.where(at_most, np.where(above, NOT_MET, np.where(below, EXCEEDED, MET)),
                            np.where(below, NOT_MET, np.where(above, EXCEEDED, MET))))
    return pd.Series(out, index=results.index, dtype=object)


def _in_todays_tree(recipients, values, allocations):
    """The same frames with each ended unit's rows given to the unit that carries its work today
    (accounts.lineage): figures added up (Σ values, Σ numerators and denominators, Σ allocations),
    a merged unit's report accepted when all its parts' were."""
    today = lineage.today_of(int(u) for u in recipients.index)
    if not today:
        return recipients, values, allocations

    def new_id(unit_id):
        return today[unit_id][0] if unit_id in today else unit_id

    recipients = (lineage.in_todays_tree(recipients.reset_index()).groupby("unit_id")
                  .agg(code=("code", "first"), name=("name", "first"), path=("path", "first"),
                       accepted=("accepted", "all"))
                  .sort_values("path"))
    values = values.assign(unit_id=values["unit_id"].map(new_id)).groupby(
        ["indicator_id", "unit_id"], as_index=False).agg(
        value=("value", lambda s: s.sum(min_count=1)), numerator=("numerator", lambda s: s.sum(min_count=1)),
        denominator=("denominator", lambda s: s.sum(min_count=1)))
    allocations = allocations.assign(unit_id=allocations["unit_id"].map(new_id)).groupby(
        ["indicator_id", "unit_id"], as_index=False)["allocated"].sum()
    return recipients, values, allocations


def _frames(plan: Plan, rolled_up: bool = False):
    indicators = pd.DataFrame.from_records(
        Indicator.objects.filter(plan=plan).order_by("position", "pk").values(
            "id", "position", "group", "code", "name", "kind", "unit_of_measure", "target", "comparison",
            "aggregate", "unit_target"),
        columns=["id", "position", "group", "code", "name", "kind", "unit_of_measure", "target", "comparison",
                 "aggregate", "unit_target"],
    ).set_index("id")
    for column in ("target", "unit_target"):
        indicators[column] = indicators[column].astype(float)
    recipients = pd.DataFrame.from_records(
        plan.assignments.exclude(state=AssignmentState.CANCELLED).values_list("unit_id", "unit__code", "unit__name",
                                                                                "unit__path", "state"),
        columns=["unit_id", "code", "name", "path", "state"],
    ).set_index("unit_id").sort_values("path")
    recipients["accepted"] = recipients.pop("state") == AssignmentState.ACCEPTED
    values = pd.DataFrame.from_records(
        IndicatorValue.objects.filter(indicator__plan=plan).values_list(
            "indicator_id", "unit_id", "value", "numerator", "denominator"),
        columns=["indicator_id", "unit_id", "value", "numerator", "denominator"],
    )
    for column in ("value", "numerator", "denominator"):
        values[column] = values[column].astype(float)
    allocations = pd.DataFrame.from_records(
        IndicatorAllocation.objects.filter(indicator__plan=plan).values_list("indicator_id", "unit_id", "target"),
        columns=["indicator_id", "unit_id", "allocated"],
    )
    allocations["allocated"] = allocations["allocated"].astype(float)
    if rolled_up:
        recipients, values, allocations = _in_todays_tree(recipients, values, allocations)
    return indicators, recipients, values, allocations


def plan_indicator_summary(plan: Plan, previous: Plan | None = None, *, rolled_up: bool = False) -> Summary:
    """`rolled_up`: per unit of today's tree, the units since merged or dissolved counted in the
    unit that carries their work (gồm cả đơn vị đã sáp nhập); else every unit as it was."""
    indicators, recipients, values, allocations = _frames(plan, rolled_up)
    issuer_only = indicators["aggregate"] == Aggregate.ISSUER_ONLY

    # Every (indicator, recipient) pair, reported or not; the issuer's own rows for its indicators.
    grid = pd.MultiIndex.from_product([indicators.index[~issuer_only], recipients.index],
                                      names=["indicator_id", "unit_id"]).to_frame(index=False)
    issuer_rows = pd.DataFrame({"indicator_id": indicators.index[issuer_only], "unit_id": plan.issuing_unit_id})
    units = pd.concat([grid, issuer_rows], ignore_index=True)
    units = units.merge(values, how="left", on=["indicator_id", "unit_id"])
    units = units.merge(allocations, how="left", on=["indicator_id", "unit_id"])
    meta = indicators[["aggregate", "target", "unit_target", "comparison"]]
    units = units.join(meta, on="indicator_id")
    is_fraction = units["aggregate"] == Aggregate.RATIO_OF_SUMS
    units["reported"] = np.where(is_fraction, units["denominator"].notna(), units["value"].notna())
    with np.errstate(divide="ignore", invalid="ignore"):
        fraction = units["numerator"] / units["denominator"].where(units["denominator"] != 0) * 100
    units["unit_result"] = np.where(is_fraction, fraction, units["value"])
    # A unit's own target: its allocation; for percentages the plan's target applies to each
    # unit; for "units meeting" rules the unit-level condition (any value above 0 if none).
    is_all_units = units["aggregate"] == Aggregate.ALL_UNITS
    condition = units["unit_target"].fillna(np.nextafter(0, 1))
    units["unit_goal"] = units["allocated"].where(
        units["allocated"].notna(),
        np.where(is_fraction, units["target"], np.where(is_all_units, condition, np.nan)),
    )
    units["verdict"] = verdicts(units["unit_result"], units["unit_goal"], units["comparison"] == Comparison.AT_MOST)
    units["meets"] = is_all_units & units["reported"] & (units["unit_result"] >= condition)
    # A bare condition ("organised at least one activity") is met or not; nothing to exceed.
    bare = is_all_units & units["allocated"].isna() & units["unit_target"].isna()
    units.loc[bare, "verdict"] = np.where(units.loc[bare, "meets"], MET, NOT_MET)
    units.loc[~units["reported"], "verdict"] = None
    # Final once the unit's report is accepted; the issuer's own figures have no review.
    units["accepted"] = (units["aggregate"] == Aggregate.ISSUER_ONLY) | units["unit_id"].map(
        recipients["accepted"]).fillna(False).astype(bool)
    units["provisional"] = units["reported"] & ~units["accepted"]

    reported = units[units["reported"]]
    summary = indicators.join(_results(indicators, reported))
    accepted = _results(indicators, reported[reported["accepted"]])
    summary = summary.join(accepted[list(ACCEPTED_COLUMNS)].add_prefix("accepted_"))
    summary["provisional"] = summary["reported"] - summary["accepted_reported"]
    summary["missing"] = np.where(issuer_only, 1 - summary["reported"], len(recipients) - summary["reported"])

    if previous is not None:
        before = plan_indicator_summary(previous).indicators.set_index("code")["result"]
        summary["previous"] = summary["code"].map(before)
        summary["change"] = summary["result"] - summary["previous"]

    judged = units[units["verdict"].notna() & units["unit_id"].isin(recipients.index)]
    ranking = judged.assign(good=judged["verdict"].isin([MET, EXCEEDED])).groupby("unit_id").agg(
        met=("good", "sum"), judged=("good", "count"), provisional=("provisional", "any"))
    ranking = recipients[["code", "name"]].join(ranking).fillna({"met": 0, "judged": 0, "provisional": False})
    ranking["provisional"] = ranking["provisional"].astype(bool)
    # A unit judged on nothing has no share and no rank: it goes last, not to a shared first place.
    ranking["score"] = ranking["met"] / ranking["judged"].where(ranking["judged"] > 0)
    ranking = ranking.sort_values(["score", "met", "name"], ascending=[False, False, True], na_position="last")
    ranking["rank"] = ranking["score"].rank(method="min", ascending=False).astype("Int64")

    units = units.drop(columns=["target", "unit_target", "comparison", "aggregate"])
    return Summary(plan=plan, indicators=summary, units=units, recipients=recipients, ranking=ranking)


# The columns of _results that are given again over accepted reports only, as accepted_….
ACCEPTED_COLUMNS = ("result", "numerator", "denominator", "met_units", "reported", "verdict")


def _results(indicators: pd.DataFrame, reported: pd.DataFrame) -> pd.DataFrame:
    """Each indicator's result from the figures `reported` (rows of the units frame that count)."""
    totals = reported.groupby("indicator_id").agg(
        value_sum=("value", "sum"), numerator=("numerator", "sum"), denominator=("denominator", "sum"),
        met_units=("meets", "sum"), reported=("unit_id", "count"),
    )
    out = indicators[["aggregate", "target", "comparison"]].join(totals)
    out["reported"] = out["reported"].fillna(0).astype(int)
    out["met_units"] = out["met_units"].fillna(0).astype(int)
    ratio = out["aggregate"] == Aggregate.RATIO_OF_SUMS
    all_units = out["aggregate"] == Aggregate.ALL_UNITS
    with np.errstate(divide="ignore", invalid="ignore"):
        result = np.where(
            ratio, out["numerator"] / out["denominator"].where(out["denominator"] != 0) * 100,
            np.where(all_units, out["met_units"] / out["reported"].where(out["reported"] > 0) * 100,
                     out["value_sum"]))
    out["result"] = pd.Series(result, index=out.index).where(out["reported"] > 0)
    out["verdict"] = verdicts(out["result"], out["target"], out["comparison"] == Comparison.AT_MOST)
    return out.drop(columns=["aggregate", "target", "comparison"])
