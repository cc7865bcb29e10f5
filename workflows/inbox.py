"""Việc cần xử lý: the open human tasks a person may take, whatever flow they belong to.

At volume (a province reviews 129 communes' reports per plan, the centre 3,321) the inbox is
one page of at most PAGE_SIZE tasks in SQL order of their due moment, and above it one line per
group of tasks that share an object ("Review the reports · 01-KH/TĐTN-XDĐ · 12 units"), each
linking to the page that decides for them together. The query count does not depend on the
number of tasks: one narrow pass gives the order, the groups and the choices (inbox_pass), kept a
short while for the same tasks, and one query reads the page's rows.
"""

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db.models import Case, Count, DateTimeField, F, Max, Q, QuerySet, Sum, When
from guardian.models import GroupObjectPermission
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from core.text import fold

from . import inbox_pass, registry
from .inbox_pass import Choice, GroupLine, node_ref, ref

__all__ = ["Choice", "GroupLine", "inbox_page", "inbox_tasks"]

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


def _due_moment():
    """Each task's due moment, from the path its flow registered for its step; NULL if none."""
    whens = [When(flow_task=node_ref(kind.flow_class, node), then=F(path))
             for kind in registry.flow_kinds() for node, path in kind.due_paths.items()]
    return Case(*whens, default=None, output_field=DateTimeField()) if whens else None


# Above this many units among the tasks, the unit filter asks for a plan or an inspection first:
# a list of 3,321 communes is no choice on a phone.
UNIT_CHOICES_MAX = 300


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
    ("plan-12", the `abouts` choices) and `unit` those done by or about one unit (`units`).
    The choices are those of the person's tasks: every plan, and the units of the chosen plan.
    """
    tasks = inbox_tasks(user)
    found = _remembered(user, tasks, now, (step, overdue, q, about, unit),
                        lambda: _summary(tasks, now, step=step, overdue=overdue, q=q, about=about, unit=unit))
    # The whole order is in memory, so the count is exact: the centre sees its 12,920 tasks.
    current = Paginator(found["entries"], PAGE_SIZE).get_page(page)
    current.object_list = inbox_pass.page_tasks(current.object_list)
    rows = []
    for task in current:
        view = registry.describe(task, now)
        if view is not None:
            rows.append({"task": task, "node": task.flow_task.name, "view": view})
    return {"page": current, "rows": rows, "groups": found["groups"], "about": found["about"],
            "abouts": found["abouts"], "units": found["units"]}


def _summary(tasks, now, *, step, overdue, q, about, unit) -> dict:
    """The filtered tasks' ids in the page's order, their groups, and the choices of the filters:
    one narrow pass when nothing is filtered, one per set otherwise (inbox_pass)."""
    due = _due_moment()
    filtered = bool(step or overdue or q or about or unit is not None)
    if due is not None:
        tasks = tasks.annotate(due_at=due)
    paths = inbox_pass.key_paths()
    every = inbox_pass.read(tasks, due=due is not None and not filtered,
                            paths=paths if not filtered else inbox_pass.key_paths(groups=False, units=False))
    abouts = inbox_pass.abouts(every)
    node = registry.step_node(step) if step else None
    if node is not None:
        tasks = tasks.filter(flow_task=ref(node))
    if overdue and due is not None:
        tasks = tasks.filter(due_at__lt=now)
    for word in fold(q).split():
        search = [path for kind in registry.flow_kinds() for path in kind.search_paths]
        match = Q()
        for path in search:
            match |= Q(**{f"{path}__contains": word})
        tasks = tasks.filter(match) if search else tasks.none()
    # Only a plan or inspection of the person's own tasks is a filter; anything else is ignored.
    if about not in {choice.value for choice in abouts}:
        about = ""
    if about:
        tasks = tasks.filter(about_filter(about))
    of_units = tasks
    if unit is not None:
        tasks = tasks.filter(unit_filter(unit))
    rows = inbox_pass.read(tasks, due=due is not None, paths=paths) if filtered else every
    # More tasks than units could be listed, with no plan chosen: a plan first, without reading
    # the distinct units of the centre's 12,920 tasks to find out there are 3,321.
    if not about and unit is None and len(rows.rows) > UNIT_CHOICES_MAX:
        units = None
    else:
        units = inbox_pass.units(rows if unit is None else inbox_pass.read(of_units, due=False, paths=paths),
                                 most=UNIT_CHOICES_MAX)
    return {"entries": rows.entries, "groups": inbox_pass.groups(rows), "abouts": abouts, "units": units,
            "about": about}


def _remembered(user, tasks, now, filters: tuple, summarise) -> dict:
    """The summary kept INBOX_SUMMARY_SECONDS for these filters while the person's open tasks are
    the same ones (their count, largest and summed ids: a task taken, done or arrived changes
    them). A due moment moved, or one just passed, shows in the order within that time; the rows
    of the page are read afresh on every request."""
    seconds = settings.INBOX_SUMMARY_SECONDS
    if not seconds:
        return summarise()
    fingerprint = tuple(tasks.order_by().aggregate(n=Count("pk"), top=Max("pk"), total=Sum("pk")).values())
    key = "inbox:" + hashlib.sha256(repr((user.pk, filters)).encode()).hexdigest()
    kept = cache.get(key)
    if kept and kept["fingerprint"] == fingerprint and 0 <= (now - kept["at"]).total_seconds() < seconds:
        return kept["summary"]
    summary = summarise()
    cache.set(key, {"fingerprint": fingerprint, "at": now, "summary": summary}, seconds)
    return summary
