"""The flows the domain apps run, and what the mechanisms need to know about their tasks.

Each domain app registers its flows in `AppConfig.ready()`: how to describe one of its open
tasks (what the step asks, the subject, the unit, the due moment, the page), the relations to
load with the task so that a whole inbox is described in one query, and the notice title of
each step. The inbox and the task notices ask here; nothing in `workflows/` imports a domain
app, so a third domain app plugs in without a change to this package.
"""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from django.db.models import Q


@dataclass(frozen=True, slots=True)
class TaskView:
    """One open task as the inbox shows it and its notice tells it."""

    what: str  # the step: "Xác nhận đã nhận", "Duyệt kết luận"…
    title: str  # what it is about, in full (the inbox)
    subject: str  # the same, as short as a notice title wants it
    unit: str  # the unit that acts, or is acted upon
    url: str
    where: str = ""  # the inbox's line under the title; the unit when empty
    number: str = ""  # the document number, once there is one
    due: datetime.datetime | None = None
    status: str = ""  # a colour group of DESIGN.md §7 (CSS class st-…), or none
    status_label: str = ""
    # A one-tap action offered in the list itself: (POST url, button label, name).
    quick_action: tuple[str, str, str] | None = None
    # The main button when there is no quick action: (url, label); "Open" the task's page if None.
    main_link: tuple[str, str] | None = None
    # Attributes for the list's markup and tests (data-plan="…").
    data: Mapping[str, str] = field(default_factory=dict)

    @property
    def place(self) -> str:
        return self.where or self.unit


@dataclass(frozen=True, slots=True)
class TaskGroup:
    """How many tasks of one step share one object (the reports of one plan to review), so that
    the inbox shows one line with a count and a link to decide for them together."""

    key: str  # Task path of the shared object's id ("process__assignment__plan_id")
    title: str  # Task path of its subject
    number: str  # Task path of its document number
    url: Callable[[int], str]  # the shared object's id → the page that decides for the group


@dataclass(frozen=True, slots=True)
class About:
    """The object a flow's tasks are about (a plan, an inspection), for the inbox's filter by it.

    Flows about the same kind of object share `kind`: a plan's approval and its assignments are
    both "plan", so choosing a plan keeps the tasks of both."""

    kind: str  # "plan", "inspection": the filter's value is "<kind>-<id>"
    key: str  # Task path of the object's id
    title: str  # Task path of its subject
    number: str  # Task path of its document number


@dataclass(frozen=True, slots=True)
class FlowKind:
    flow_class: type
    describe: Callable[[object, datetime.datetime], TaskView]  # (task, now) → its view
    related: tuple[str, ...] = ()  # select_related paths from Task that `describe` reads
    # node name → notice title ("%(subject)s", "%(where)s" filled in); None: no notice for that
    # step; a node not listed gets the generic title.
    notice_titles: Mapping[str, object] = field(default_factory=dict)
    # node name → Task path of that step's due moment: the inbox sorts and filters on it in SQL.
    due_paths: Mapping[str, str] = field(default_factory=dict)
    # node name → how its tasks group (steps done many at a time, such as reviewing reports).
    groups: Mapping[str, TaskGroup] = field(default_factory=dict)
    # Task paths of the words a search matches (folded subject, number…).
    search_paths: tuple[str, ...] = ()
    about: About | None = None
    # Task path of the unit that acts, or is acted upon (a Unit foreign key): the filter by unit.
    unit_path: str = ""


@dataclass(frozen=True, slots=True)
class QueueRule:
    """A permission whose holders are not all equal: of the people holding it on a unit, only
    some may take a given task (a department's drafts go to that department's head only)."""

    inbox_filter: Callable[[object], Q]  # user → condition on Task rows
    narrow_recipients: Callable[[object, object], object]  # (task, membership queryset) → narrowed


_flows: dict[type, FlowKind] = {}
_queue_rules: dict[str, QueueRule] = {}


def register_flow(kind: FlowKind) -> None:
    _flows[kind.flow_class] = kind


def register_queue_rule(permission: str, rule: QueueRule) -> None:
    _queue_rules[permission] = rule


def flow_kind(flow_class) -> FlowKind | None:
    return _flows.get(flow_class)


def flow_kinds() -> tuple[FlowKind, ...]:
    return tuple(_flows.values())


def queue_rule(permission: str) -> QueueRule | None:
    return _queue_rules.get(permission)


def related_paths() -> list[str]:
    """Every relation the registered flows read to describe a task: one query for an inbox."""
    return sorted({path for kind in _flows.values() for path in kind.related})


NO_NOTICE = object()


def notice_title(flow_class, node_name: str, default):
    """The title of the notice sent when a task of this step is created; NO_NOTICE for none."""
    kind = _flows.get(flow_class)
    if kind is None:
        return NO_NOTICE
    title = kind.notice_titles.get(node_name, default)
    return NO_NOTICE if title is None else title


def describe(task, now) -> TaskView | None:
    kind = _flows.get(task.flow_task.flow_class)
    return kind.describe(task, now) if kind is not None else None


def human_steps() -> dict[str, object]:
    """"Flow.node" → the step's title, for every human step of the registered flows."""
    return {f"{kind.flow_class.__name__}.{node.name}": node.task_title for kind in _flows.values()
            for node in kind.flow_class.instance.nodes() if getattr(node, "task_type", "") == "HUMAN"}


def step_node(step: str):
    """The node named by human_steps()' key, or None."""
    flow_name, _, node_name = step.partition(".")
    for kind in _flows.values():
        if kind.flow_class.__name__ == flow_name and hasattr(kind.flow_class, node_name):
            return getattr(kind.flow_class, node_name)
    return None
