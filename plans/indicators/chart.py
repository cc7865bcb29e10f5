"""The results' bar chart: inline SVG, drawn on the server from plans.indicators.results rows."""

from core.vi_format import vi_number, vi_percent

CHART_WIDTH = 400
CHART_LABEL = 44  # the code column
CHART_BARS = 268  # 0 … CHART_MAX %
CHART_MAX = 125
CHART_ROW = 26
CHART_TOP = 22


def _svg(number) -> str:
    # Attributes are written here, never by the template: the vi locale would print 12,5.
    return f"{number:.1f}".removesuffix(".0")


def chart(rows) -> dict:
    """One bar group per indicator on one percent axis: percent-like indicators as their own
    percentage (0–100), counts and sums as result ÷ target, so 20 houses and 204.800 trees compare.
    Results past the axis are drawn to its end and marked."""
    scale = CHART_BARS / CHART_MAX
    groups = []
    for index, row in enumerate(rows):
        target, result = row["target"], row["result"]
        if row["percent_like"]:
            target_pct, result_pct = target, result
            label = vi_percent(result) if result is not None else "—"
        elif target:
            target_pct = 100.0
            result_pct = None if result is None else float(result) / float(target) * 100
            label = vi_percent(round(result_pct)) if result_pct is not None else "—"
        else:  # a target of 0 (e.g. "no incidents"): nothing to divide by, the figure speaks
            target_pct, result_pct = 0.0, None
            label = vi_number(result) if result is not None else "—"
        target_w = min(float(target_pct or 0), CHART_MAX) * scale
        result_w = None if result_pct is None else min(float(result_pct), CHART_MAX) * scale
        groups.append({
            "code": row["code"],
            "title": f"{row['code']}. {row['name']}: {row['result_text']} / {row['target_text']}",
            "verdict": row["verdict"],
            "y": _svg(CHART_TOP + index * CHART_ROW),
            "target_w": _svg(target_w),
            "target_x": _svg(CHART_LABEL + target_w),
            "result_w": None if result_w is None else _svg(max(result_w, 1.5)),
            "clipped": result_pct is not None and result_pct > CHART_MAX,
            "label": label,
        })
    ticks = [{"x": _svg(CHART_LABEL + value * scale), "label": f"{value}%"} for value in (0, 50, 100)]
    return {
        "width": _svg(CHART_WIDTH),
        "height": _svg(CHART_TOP + len(rows) * CHART_ROW + 4),
        "bars_x": _svg(CHART_LABEL),
        "bars_end": _svg(CHART_LABEL + CHART_BARS),
        "label_x": _svg(CHART_LABEL + CHART_BARS + 6),
        "grid_bottom": _svg(CHART_TOP + len(rows) * CHART_ROW - 2),
        "ticks": ticks,
        "groups": groups,
    }
