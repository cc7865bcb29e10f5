"""The standings' bar chart: inline SVG drawn on the server, one chart a cluster, each unit's
total as a bar out of the scoring table's maximum."""

from decimal import Decimal

from .exports import points_text
from .results import Standings

CHART_WIDTH = 520
CHART_BARS = 440  # 0 … the table's maximum; the total is written after the bar
CHART_ROW = 36  # the unit's name over its bar: names run to 40 letters and more
NAME_Y, BAR_Y, BAR_HEIGHT, VALUE_Y = 12, 16, 14, 27


def _svg(number) -> str:
    # Attributes are written here, never by the template: the vi locale would print 12,5.
    return f"{number:.1f}".removesuffix(".0")


def bar_width(total: Decimal, maximum: Decimal) -> float:
    if maximum <= 0:
        return 0.0
    return float(min(max(total, Decimal(0)), maximum) / maximum) * CHART_BARS


def chart(standings: Standings) -> dict:
    maximum = standings.max_total
    clusters = []
    for cluster in standings.clusters:
        bars = [{
            "unit": row.sheet.unit.name,
            "code": row.sheet.unit.code,
            "total": points_text(row.total),
            "place": row.cluster_place.rank,
            "tied": row.cluster_place.tied,
            "provisional": row.provisional,
            "y": _svg(index * CHART_ROW),
            "width": _svg(bar_width(row.total, maximum)),
        } for index, row in enumerate(cluster.sheets)]
        clusters.append({
            "id": f"emulation-cluster-{cluster.cluster.pk}",
            "name": cluster.cluster.name,
            "height": _svg(len(bars) * CHART_ROW + 2),
            "bars": bars,
        })
    return {
        "width": _svg(CHART_WIDTH),
        "maximum": points_text(maximum),
        "bars_w": _svg(CHART_BARS),
        "name_y": _svg(NAME_Y),
        "bar_y": _svg(BAR_Y),
        "bar_h": _svg(BAR_HEIGHT),
        "value_x": _svg(CHART_BARS + 6),
        "value_y": _svg(VALUE_Y),
        "clusters": clusters,
    }
