"""Việc cần xử lý: the open human tasks a person may take, whatever flow they belong to.

At volume (a province reviews 129 communes' reports per plan, the centre 3,321) the inbox is
one page of at most PAGE_SIZE tasks in SQL order of their due moment, and above it one line per
group of tasks that share an object ("Review the reports · 01-KH/TĐTN-XDĐ · 12 units"), each
linking to the page that decides for them together. The query count does not depend on the
number of tasks: one count, one page, one aggregate per registered group.
"""

from dataclasses import dataclass

from django.db.models import Case, Count, DateTimeField, F, Min, Q, QuerySet, When
from guardian.models import GroupObjectPermission
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.pagination import CappedPaginator
from core.text import fold

from . import registry

PAGE_SIZE = 50


def inbox_tasks(user) -> QuerySet[Task]:
    """Open human tasks of the user's units' queues, and tasks the user holds.

    The queue test is on (permission, object) pairs taken from the user's groups, a handful per
    person (unit grants of the unit-role groups, object grants such as an inspection team's),
    instead of viewflow's per-object permission scan. A permission with a queue rule (a
    department's drafts go to its head only) is narrowed by that rule.
    """
    pairs = GroupObjectPermission.objects.filter(group__user=user).values_list(
        "content_type__app_label", "permission__codename", "object_pk"
    )
    narrowing: dict[str, Q] = {}
    queue = Q()
    for app_label, codename, object_pk in pairs:
        permission = f"{app_label}.{codename}"
        pair = Q(owner_permission=permission, owner_permission_obj_pk=object_pk)
        rule = registry.queue_rule(permission)
        if rule is not None:
            if permission not in narrowing:
                narrowing[permission] = rule.inbox_filter(user)
            pair &= narrowing[permission]
        queue |= pair
    mine = Q(owner=user, status=STATUS.ASSIGNED)
    condition = mine | (queue & Q(status=STATUS.NEW)) if queue else mine
    return (
        Task.objects.filter(condition, flow_task_type="HUMAN")
        .select_related(*registry.related_paths())
        .order_by("created")
    )


def _ref(node) -> str:
    # The value viewflow stores in Task.flow_task for that node.
    return Task._meta.get_field("flow_task").get_prep_value(node)


def _node_ref(flow_class, node_name) -> str:
    return _ref(getattr(flow_class, node_name))


def _due_moment():
    """Each task's due moment, from the path its flow registered for its step; NULL if none."""
    whens = [When(flow_task=_node_ref(kind.flow_class, node), then=F(path))
             for kind in registry.flow_kinds() for node, path in kind.due_paths.items()]
    return Case(*whens, default=None, output_field=DateTimeField()) if whens else None


@dataclass(frozen=True, slots=True)
class GroupLine:
    what: str
    title: str
    number: str
    count: int
    due: object
    url: str


def task_groups(tasks, *, minimum: int = 2) -> list[GroupLine]:
    """The groups of `tasks` with at least `minimum` tasks: one aggregate query per registered group."""
    lines = []
    for kind in registry.flow_kinds():
        for node, group in kind.groups.items():
            due_path = kind.due_paths.get(node)
            rows = (
                tasks.filter(flow_task=_node_ref(kind.flow_class, node)).order_by()
                .values(group.key, group.title, group.number)
                .annotate(n=Count("pk"), due=Min(due_path) if due_path else Min("created"))
                .filter(n__gte=minimum).order_by("due")
            )
            what = getattr(kind.flow_class, node).task_title
            lines += [GroupLine(str(what), row[group.title], row[group.number] or "", row["n"], row["due"],
                                group.url(row[group.key])) for row in rows]
    return sorted(lines, key=lambda line: (line.due is None, line.due or 0))


# Above this many units among the tasks, the unit filter asks for a plan or an inspection first:
# a list of 3,321 communes is no choice on a phone.
UNIT_CHOICES_MAX = 300


@dataclass(frozen=True, slots=True)
class Choice:
    value: str
    label: str


def about_choices(tasks) -> list[Choice]:
    """The plans and inspections `tasks` are about: one query per registered flow that says."""
    seen: dict[str, Choice] = {}
    for kind in registry.flow_kinds():
        about = kind.about
        if about is None:
            continue
        rows = (tasks.filter(**{f"{about.key}__isnull": False}).order_by()
                .values_list(about.key, about.title, about.number).distinct())
        for pk, title, number in rows:
            value = f"{about.kind}-{pk}"
            seen.setdefault(value, Choice(value, f"{number} · {title}" if number else title))
    return sorted(seen.values(), key=lambda choice: choice.label)


def unit_choices(tasks) -> list[Choice] | None:
    """The units `tasks` are done by or about, in the tree's order; None when there are too many
    to choose from. One query per registered flow that names its unit."""
    seen: dict[int, tuple[str, str]] = {}
    for kind in registry.flow_kinds():
        path = kind.unit_path
        if not path:
            continue
        rows = (tasks.filter(**{f"{path}__isnull": False}).order_by()
                .values_list(f"{path}__id", f"{path}__name", f"{path}__path").distinct()[:UNIT_CHOICES_MAX + 1])
        seen.update((pk, (tree_path, name)) for pk, name, tree_path in rows)
        if len(seen) > UNIT_CHOICES_MAX:
            return None
    return [Choice(str(pk), name) for pk, (_path, name) in sorted(seen.items(), key=lambda item: item[1])]


def about_filter(value: str) -> Q:
    """The tasks about the object named "<kind>-<id>", a value of about_choices."""
    kind_name, _, pk = value.rpartition("-")
    abouts = [kind.about for kind in registry.flow_kinds() if kind.about and kind.about.kind == kind_name]
    match = Q(pk__in=[])
    for about in abouts:
        match |= Q(**{about.key: int(pk)})
    return match


def unit_filter(unit_id: int) -> Q:
    match = Q(pk__in=[])
    for kind in registry.flow_kinds():
        if kind.unit_path:
            match |= Q(**{f"{kind.unit_path}_id": unit_id})
    return match


def inbox_page(user, now, *, step: str = "", overdue: bool = False, q: str = "", about: str = "",
               unit: int | None = None, page=None):
    """One page of the inbox, filtered, most urgent first; steps without a due moment last.

    `step` names one human step ("AssignmentFlow.review", registry.human_steps()), `overdue`
    keeps tasks past their due moment, `q` searches the words the flows registered (subject,
    number), ignoring case and diacritics, `about` keeps the tasks of one plan or inspection
    ("plan-12", about_choices) and `unit` those done by or about one unit (unit_choices).
    The choices are those of the person's tasks: every plan, and the units of the chosen plan.
    """
    tasks = inbox_tasks(user)
    choices = {"abouts": about_choices(tasks)}
    due = _due_moment()
    if due is not None:
        tasks = tasks.annotate(due_at=due)
    node = registry.step_node(step) if step else None
    if node is not None:
        tasks = tasks.filter(flow_task=_ref(node))
    if overdue and due is not None:
        tasks = tasks.filter(due_at__lt=now)
    for word in fold(q).split():
        paths = [path for kind in registry.flow_kinds() for path in kind.search_paths]
        match = Q()
        for path in paths:
            match |= Q(**{f"{path}__contains": word})
        tasks = tasks.filter(match) if paths else tasks.none()
    # Only a plan or inspection of the person's own tasks is a filter; anything else is ignored.
    if about not in {choice.value for choice in choices["abouts"]}:
        about = ""
    if about:
        tasks = tasks.filter(about_filter(about))
    of_units = tasks
    if unit is not None:
        tasks = tasks.filter(unit_filter(unit))
    groups = task_groups(tasks)
    ordered = tasks.order_by(F("due_at").asc(nulls_last=True), "created", "pk") if due is not None else tasks
    # Sorted narrow, then read whole: the sort needs only the due moment's joins, and the two
    # dozen joins of a row as shown are made for the page's rows, not for the centre's 12,920.
    current = CappedPaginator(ordered.values_list("pk", flat=True), PAGE_SIZE).get_page(page)
    ids = list(current.object_list)
    shown = {task.pk: task for task in Task.objects.filter(pk__in=ids).select_related(*registry.related_paths())}
    current.object_list = [shown[pk] for pk in ids if pk in shown]
    # More tasks than units could be listed, with no plan chosen: a plan first, without reading
    # the distinct units of the centre's 12,920 tasks to find out there are 3,321.
    many = not about and unit is None and current.paginator.count > UNIT_CHOICES_MAX
    choices["units"] = None if many else unit_choices(of_units)
    rows = []
    for task in current:
        view = registry.describe(task, now)
        if view is not None:
            rows.append({"task": task, "node": task.flow_task.name, "view": view})
    return {"page": current, "rows": rows, "groups": groups, "about": about, **choices}
