"""Where an ended unit's figures are shown in today's tree (gồm cả đơn vị đã sáp nhập).

The restructuring app, which sits above every domain, knows which unit took over which; the
screens that count by unit (dashboards, indicators) sit below it, so it registers its answer here
at start-up and they ask here. Without it every unit stands for itself.
"""

from collections.abc import Callable, Iterable

# unit ids → {id of an ended unit: (id, code, name, path) of the active unit that carries its work}
_today_of: Callable[[set[int]], dict[int, tuple]] | None = None
# unit ids → {id: {"predecessors": [(id, code, name)…], "successors": [...]}}, the direct neighbours
_neighbours_of: Callable[[set[int]], dict[int, dict]] | None = None
# unit ids → {id: {itself and every unit whose work it took over, however many changes back}}
_absorbed_of: Callable[[set[int]], dict[int, set[int]]] | None = None


def register(today_of: Callable[[set[int]], dict[int, tuple]],
             neighbours_of: Callable[[set[int]], dict[int, dict]] | None = None,
             absorbed_of: Callable[[set[int]], dict[int, set[int]]] | None = None) -> None:
    global _today_of, _neighbours_of, _absorbed_of
    _today_of = today_of
    _neighbours_of = neighbours_of
    _absorbed_of = absorbed_of


def absorbed_of(unit_id: int) -> set[int]:
    """The unit and every unit it took over (merged into it, dissolved into it): whose work a
    rolled-up figure of the unit counts."""
    if _absorbed_of is None:
        return {unit_id}
    return _absorbed_of({unit_id}).get(unit_id, {unit_id})


def neighbours_of(unit_ids: Iterable[int]) -> dict[int, dict]:
    """The units each unit came from and went to in its changes (the units API shows them)."""
    ids = set(unit_ids)
    if _neighbours_of is None or not ids:
        return {}
    return _neighbours_of(ids)


def today_of(unit_ids: Iterable[int]) -> dict[int, tuple]:
    ids = set(unit_ids)
    if _today_of is None or not ids:
        return {}
    return _today_of(ids)


def in_todays_tree(frame):
    """A pandas frame of rows per unit (columns unit_id, code, name, path) with each ended unit's
    rows relabelled as the unit that carries its work today; the caller groups them."""
    today = today_of(int(unit_id) for unit_id in frame["unit_id"].unique())
    if not today:
        return frame
    original = list(frame["unit_id"])
    for position, column in enumerate(("unit_id", "code", "name", "path")):
        frame[column] = [today[u][position] if u in today else value
                         for u, value in zip(original, frame[column], strict=True)]
    return frame
