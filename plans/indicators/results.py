"""The issuer's results page in blocks: a row per indicator, the units × indicators matrix,
the ranking of units and the units that reported nothing. All read one Summary
(plans.indicators.summary), like the API and the documents."""

from django.utils.translation import gettext as _

from core.vi_format import vi_percent
from plans.models import Aggregate

from .formatting import figure_text, known, result_text, target_text, verdict_badge
from .summary import Summary, accepted_only, is_percentage
from .verdicts import NOT_REPORTED


def result_rows(summary: Summary) -> list[dict]:
    rows = []
    for indicator_id, row in summary.indicators.iterrows():
        rows.append({
            "id": indicator_id,
            "code": row["code"],
            "name": row["name"],
            "aggregate": row["aggregate"],
            "kind": row["kind"],
            "issuer_only": row["aggregate"] == Aggregate.ISSUER_ONLY,
            "percent_like": is_percentage(row),
            "target": known(row["target"]),
            "result": known(row["result"]),
            "target_text": target_text(row),
            "result_text": result_text(row),
            "reported": int(row["reported"]),
            "missing": int(row["missing"]),
            "verdict": verdict_badge(row["verdict"]),
            # Figures of reports not accepted yet are counted above and marked; here they are left out.
            "provisional": int(row["provisional"]),
            "accepted_text": result_text(accepted_only(row)),
            "accepted_verdict": verdict_badge(row["accepted_verdict"]),
        })
    return rows


def missing_units(summary: Summary) -> list[dict]:
    reported = set(summary.units.loc[summary.units["reported"], "unit_id"])
    return [{"code": r["code"], "name": r["name"]} for unit_id, r in summary.recipients.iterrows()
            if unit_id not in reported]


def matrix(summary: Summary) -> dict:
    """Units (rows) × the indicators units report on (columns), each cell with the unit's verdict."""
    indicators_frame = summary.indicators[summary.indicators["aggregate"] != Aggregate.ISSUER_ONLY]
    columns = [{"id": i, "code": r["code"], "name": r["name"], "target_text": target_text(r), "meta": r}
               for i, r in indicators_frame.iterrows()]
    cells = {(c.indicator_id, c.unit_id): c for c in summary.units.itertuples(index=False)}
    rows = []
    provisional_mark = _("provisional: the report is not accepted yet")
    for unit_id, unit in summary.recipients.iterrows():
        row_cells, reported_any, provisional_any = [], False, False
        for column in columns:
            cell = cells.get((column["id"], unit_id))
            if cell is None or not cell.reported:
                row_cells.append({"code": column["code"], "css": "v-missing", "verdict": "missing",
                                  "text": "", "title": NOT_REPORTED})
                continue
            reported_any = True
            provisional_any = provisional_any or bool(cell.provisional)
            verdict = verdict_badge(cell.verdict)
            meta = column["meta"]
            if meta["aggregate"] == Aggregate.RATIO_OF_SUMS:
                text = vi_percent(known(cell.unit_result))
            else:
                text = figure_text(meta, cell.value, cell.numerator, cell.denominator)
            title = figure_text(meta, cell.value, cell.numerator, cell.denominator)
            title = f"{title} · {verdict['label']}"
            row_cells.append({"code": column["code"], "css": verdict["css"], "verdict": verdict["code"] or "none",
                              "text": text, "provisional": bool(cell.provisional),
                              "title": f"{title} · {provisional_mark}" if cell.provisional else title})
        rows.append({"code": unit["code"], "name": unit["name"], "cells": row_cells, "reported_any": reported_any,
                     "provisional": provisional_any})
    return {"columns": columns, "rows": rows}


def ranking(summary: Summary) -> list[dict]:
    """The units by their share of own targets met; one judged on nothing gets no rank and no share."""
    return [
        {"rank": None if share is None else int(r["rank"]), "code": r["code"], "name": r["name"],
         "met": int(r["met"]), "judged": int(r["judged"]), "provisional": bool(r["provisional"]),
         "score": vi_percent(None if share is None else round(float(share) * 100, 2))}
        for _unit_id, r in summary.ranking.iterrows() for share in [known(r["score"])]
    ]
