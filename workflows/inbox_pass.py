"""The inbox's order, groups and choices, from one narrow pass over a person's tasks.

The centre has 12,920 reports to review at once. Counting them, grouping them by plan, listing
their plans and sorting them by due moment were four scans of the same rows, 450 ms at national
scale. One pass reads, in the page's order, each task's id, step and due moment and the ids its
flow registered (the object it is about, the object it groups by, its unit); the labels are read
afterwards, one query per kind of object, for the few objects found.
"""

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import F
from viewflow.workflow.models import Task

from . import registry


@dataclass(frozen=True, slots=True)
class GroupLine:
    what: str
    title: str
    number: str
    count: int
    due: object
    url: str


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str


def ref(node) -> str:
    # The value viewflow stores in Task.flow_task for that node.
    return Task._meta.get_field("flow_task").get_prep_value(node)


def node_ref(flow_class, node_name: str) -> str:
    return ref(getattr(flow_class, node_name))


def _walk(path: str):
    """The model a Task path ends on, and the field it names there."""
    model = Task
    *relations, last = path.split("__")
    for name in relations:
        model = model._meta.get_field(name).related_model
    return model, last


def _spec(title_path: str, number_path: str) -> tuple:
    """(model, title field, number field) of the object two Task paths read: flows about the same
    kind of object (a plan's approval and its assignments) share one."""
    model, title = _walk(title_path)
    return model, title, _walk(number_path)[1]


def _labels(wanted: dict[tuple, set]) -> dict[tuple, dict]:
    """spec → {object id: (title, number)}: one query per kind of object."""
    return {(model, title, number): {pk: (t, n) for pk, t, n in model.objects.filter(pk__in=ids).values_list(
                "pk", title, number)}
            for (model, title, number), ids in wanted.items()}


@dataclass(frozen=True, slots=True)
class Rows:
    """The tasks of one pass, in the page's order: (id, node, *keys). No moments: parsing the
    centre's 25,840 timestamps cost more than the query; the order is SQL's, and the few moments
    shown (a group's soonest) are read afterwards from `source`."""

    columns: tuple[str, ...]
    rows: list[tuple]
    source: object  # the tasks queryset, with due_at when `due`
    due: bool

    @property
    def entries(self) -> list[tuple[int, int]]:
        """Each task's id and flow, as its place in registry.flow_kinds(): the page reads each
        flow's tasks with that flow's relations only (page_tasks)."""
        places = {kind.flow_class: n for n, kind in enumerate(registry.flow_kinds())}
        return [(row[0], places.get(row[1].flow_class, -1)) for row in self.rows]

    def column(self, path: str) -> int:
        return self.columns.index(path)


def key_paths(*, groups: bool = True, units: bool = True) -> list[str]:
    paths = set()
    for kind in registry.flow_kinds():
        if kind.about:
            paths.add(kind.about.key)
        if groups:
            paths.update(group.key for group in kind.groups.values())
        if units and kind.unit_path:
            paths.add(f"{kind.unit_path}_id")
    return sorted(paths)


def read(tasks, *, due: bool, paths: list[str]) -> Rows:
    """One query: the tasks' ids, steps, due moments and `paths`, most urgent first (steps without
    a due moment last), as the page lists them."""
    ordered = tasks.order_by(F("due_at").asc(nulls_last=True), "created", "pk") if due else tasks
    columns = ("pk", "flow_task", *paths)
    return Rows(columns, list(ordered.values_list(*columns)), tasks, due)


def abouts(rows: Rows) -> list[Choice]:
    """The plans and inspections the tasks are about, by label."""
    wanted: dict[tuple, set] = defaultdict(set)
    kinds = [kind.about for kind in registry.flow_kinds() if kind.about]
    found = []
    for about in kinds:
        at, spec = rows.column(about.key), _spec(about.title, about.number)
        ids = {row[at] for row in rows.rows if row[at] is not None}
        wanted[spec] |= ids
        found.append((about, spec, ids))
    labels = _labels(wanted)
    seen: dict[str, Choice] = {}
    for about, spec, ids in found:
        for pk in ids & labels[spec].keys():
            title, number = labels[spec][pk]
            value = f"{about.kind}-{pk}"
            seen.setdefault(value, Choice(value, f"{number} · {title}" if number else title))
    return sorted(seen.values(), key=lambda choice: choice.label)


def groups(rows: Rows, *, minimum: int = 2) -> list[GroupLine]:
    """The groups of at least `minimum` tasks of one step sharing an object, soonest due first.

    The rows come most urgent first, so a group's first task is its soonest (or, for a step
    without a due moment, its oldest): only those tasks' moments are read."""
    steps = {node_ref(kind.flow_class, node): (kind, node, group)
             for kind in registry.flow_kinds() for node, group in kind.groups.items()}
    key_at = {step: rows.column(group.key) for step, (_kind, _node, group) in steps.items()}
    refs: dict[object, str] = {}
    counts: dict[tuple, list] = {}  # (step ref, object id) → [count, first task id]
    for row in rows.rows:
        node = row[1]
        step = refs.get(node) or refs.setdefault(node, ref(node))
        if step in key_at:
            entry = counts.setdefault((step, row[key_at[step]]), [0, row[0]])
            entry[0] += 1
    shown = {key: first for key, (count, first) in counts.items() if count >= minimum and key[1] is not None}
    wanted: dict[tuple, set] = defaultdict(set)
    for step, pk in shown:
        group = steps[step][2]
        wanted[_spec(group.title, group.number)].add(pk)
    labels = _labels(wanted)
    moments = {pk: (due, created) for pk, due, created in rows.source.filter(pk__in=shown.values()).values_list(
        "pk", "due_at" if rows.due else "created", "created")} if shown else {}
    lines = []
    for (step, pk), first in shown.items():
        kind, name, group = steps[step]
        spec = _spec(group.title, group.number)
        if pk not in labels[spec]:
            continue
        title, number = labels[spec][pk]
        due, created = moments.get(first, (None, None))
        lines.append(GroupLine(str(getattr(kind.flow_class, name).task_title), title, number or "",
                               counts[(step, pk)][0], due if name in kind.due_paths else created, group.url(pk)))
    return sorted(lines, key=lambda line: (line.due is None, line.due or 0))


def units(rows: Rows, *, most: int) -> list[Choice] | None:
    """The units the tasks are done by or about, in the tree's order; None above `most`."""
    wanted: dict[tuple, set] = defaultdict(set)
    for kind in registry.flow_kinds():
        if kind.unit_path:
            at = rows.column(f"{kind.unit_path}_id")
            wanted[_spec(f"{kind.unit_path}__name", f"{kind.unit_path}__path")].update(
                row[at] for row in rows.rows if row[at] is not None)
    if len(set().union(*wanted.values())) > most:
        return None
    seen: dict[int, tuple[str, str]] = {}
    for names in _labels(wanted).values():
        seen.update((pk, (path, name)) for pk, (name, path) in names.items())
    return [Choice(str(pk), name) for pk, (_path, name) in sorted(seen.items(), key=lambda item: item[1])]


def page_tasks(entries) -> list:
    """The tasks of (id, flow place) `entries`, in that order: one query per flow among them,
    each with only its flow's relations (all flows' were 22 joins a row, 41 ms for 50 rows)."""
    kinds = registry.flow_kinds()
    by_kind: dict[int, list[int]] = defaultdict(list)
    for pk, place in entries:
        by_kind[place].append(pk)
    shown = {}
    for place, ids in by_kind.items():
        related = kinds[place].related if 0 <= place < len(kinds) else registry.related_paths()
        shown.update((task.pk, task) for task in Task.objects.filter(pk__in=ids).select_related(*related))
    return [shown[pk] for pk, _place in entries if pk in shown]
