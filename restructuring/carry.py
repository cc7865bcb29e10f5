"""Open work carried from the units that end to their successors, previewed or applied.

`moves` maps each predecessor's id to the successor that takes its work by default; a split can
send single assignments or inspection targets elsewhere (`overrides`, keyed ("assignment", id) or
("target", id)). Closed work stays with the unit that did it. Every step is a bulk statement per
successor, so carrying a district's hundreds of assignments costs a handful of queries.
"""

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.contenttypes.models import ContentType
from django.db.models import F, Q
from guardian.models import GroupObjectPermission
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import Position, Unit, UnitRoleGroup
from accounts.services import unit_role_group
from inspections.models import Inspection, InspectionState, InspectionTarget, Remediation, TargetState
from plans.models import OPEN_ASSIGNMENT_STATES, Assignment, IndicatorAllocation, IndicatorValue, Plan, PlanState

OPEN_PLAN_STATES = [s for s in PlanState.values if s not in (PlanState.CLOSED, PlanState.REVOKED)]
UNISSUED_PLAN_STATES = [PlanState.DRAFT, PlanState.UNDER_REVIEW, PlanState.AWAITING_APPROVAL, PlanState.APPROVED]
OPEN_TARGET_STATES = [s for s in TargetState.values if s != TargetState.CLOSED]
OPEN_TASK_STATUSES = [STATUS.NEW, STATUS.ASSIGNED]


@dataclass
class Carried:
    """What moves, by kind: the lists a preview shows and the counts a change records."""

    assignments: list = field(default_factory=list)        # (assignment, successor id)
    # The successor already has that plan, or issued it: the assignment stays the ended unit's
    # record and the successor carries it on (Assignment.carried_by).
    assignments_carried: list = field(default_factory=list)
    plans: list = field(default_factory=list)              # open plans issued by a predecessor
    recipient_plans: list = field(default_factory=list)    # open plans addressed to a predecessor
    targets: list = field(default_factory=list)
    targets_kept: list = field(default_factory=list)       # the successor is already a target there
    inspections: list = field(default_factory=list)
    allocations: int = 0
    tasks: int = 0
    grants: int = 0

    def counts(self) -> dict:
        return {"assignments": len(self.assignments), "assignments_carried": len(self.assignments_carried),
                "plans": len(self.plans), "recipient_plans": len(self.recipient_plans),
                "targets": len(self.targets), "targets_kept": len(self.targets_kept),
                "inspections": len(self.inspections), "allocations": self.allocations, "tasks": self.tasks,
                "grants": self.grants}


def _successor(moves, overrides, kind, obj, unit_id):
    return overrides.get((kind, obj.pk), moves[unit_id])


def plan(moves: dict[int, int], overrides: dict | None = None) -> Carried:
    """What would move: reads only."""
    overrides = overrides or {}
    carried = Carried()
    olds = list(moves)
    # The open work of the ending units, and work they were carrying on for units ended before.
    assignments = (Assignment.objects.filter(Q(unit_id__in=olds, carried_by__isnull=True) | Q(carried_by_id__in=olds),
                                             state__in=OPEN_ASSIGNMENT_STATES)
                   .select_related("plan", "unit").order_by("plan_id", "pk"))
    successor_plans = set(Assignment.objects.filter(unit_id__in=set(moves.values()) | {
        u for (kind, _), u in overrides.items() if kind == "assignment"}).values_list("unit_id", "plan_id"))
    taken = set()
    for assignment in assignments:
        holder = assignment.carried_by_id or assignment.unit_id
        target = _successor(moves, overrides, "assignment", assignment, holder)
        if (assignment.carried_by_id or (target, assignment.plan_id) in successor_plans
                or (target, assignment.plan_id) in taken or assignment.plan.issuing_unit_id == target):
            carried.assignments_carried.append((assignment, target))
        else:
            taken.add((target, assignment.plan_id))
            carried.assignments.append((assignment, target))
    carried.plans = list(Plan.objects.filter(issuing_unit_id__in=olds, state__in=OPEN_PLAN_STATES)
                         .select_related("issuing_unit"))
    # Plans not issued yet are readdressed; an issued plan's recipients are who it was sent to, and
    # its work moves through the assignments.
    carried.recipient_plans = list(Plan.objects.filter(recipients__in=olds, state__in=UNISSUED_PLAN_STATES).distinct())
    targets = InspectionTarget.objects.filter(unit_id__in=olds, state__in=OPEN_TARGET_STATES).select_related(
        "inspection", "unit")
    existing = set(InspectionTarget.objects.filter(unit_id__in=set(moves.values())).values_list("unit_id",
                                                                                                "inspection_id"))
    for target in targets:
        successor = _successor(moves, overrides, "target", target, target.unit_id)
        (carried.targets_kept if (successor, target.inspection_id) in existing else carried.targets).append(
            (target, successor))
    carried.inspections = list(Inspection.objects.filter(programme__issuing_unit_id__in=olds)
                               .exclude(state=InspectionState.CLOSED).select_related("programme"))
    carried.allocations = IndicatorAllocation.objects.filter(
        unit_id__in=olds, indicator__plan__state__in=OPEN_PLAN_STATES).count()
    unit_type = ContentType.objects.get_for_model(Unit)
    carried.tasks = Task.objects.filter(owner_permission_content_type=unit_type, status__in=OPEN_TASK_STATUSES,
                                        owner_permission_obj_pk__in=[str(pk) for pk in olds]).count()
    carried.grants = GroupObjectPermission.objects.filter(group__unit_role__unit_id__in=olds).exclude(
        content_type=unit_type).count()
    return carried


def apply(moves: dict[int, int], *, by, reason: str, overrides: dict | None = None) -> Carried:
    """Move it all, in the caller's transaction, rows locked first (a unit reporting now on a
    moving assignment holds its row: the move waits and then carries the report along)."""
    overrides = overrides or {}
    olds = list(moves)
    list(Assignment.objects.select_for_update().filter(Q(unit_id__in=olds) | Q(carried_by_id__in=olds),
                                                       state__in=OPEN_ASSIGNMENT_STATES).values_list("pk", flat=True))
    carried = plan(moves, overrides)
    _assignments(carried, by=by, reason=reason)
    _plans(carried, moves)
    _targets(carried)
    _programmes(carried, moves)
    _allocations(moves)
    _tasks(carried, moves)
    _grants(moves)
    return carried


def _by_successor(pairs, key=lambda obj: obj.pk):
    """{successor id: [key of each object going there]} of (object, successor id) pairs."""
    grouped = defaultdict(list)
    for obj, successor in pairs:
        grouped[successor].append(key(obj))
    return grouped


def _assignments(carried, *, by, reason):
    for successor, ids in _by_successor(carried.assignments).items():
        Assignment.objects.filter(pk__in=ids).update(unit_id=successor)
        IndicatorValue.objects.filter(assignment_id__in=ids).update(unit_id=successor)
    for successor, ids in _by_successor(carried.assignments_carried).items():
        Assignment.objects.filter(pk__in=ids).update(carried_by_id=successor)


def _plans(carried, moves):
    for plan in carried.plans:
        successor = moves[plan.issuing_unit_id]
        changes = {"issuing_unit_id": successor}
        if plan.department_id and not plan.number:
            changes["department"] = None  # a draft's department was the old unit's
        Plan.objects.filter(pk=plan.pk).update(**changes)
    through = Plan.recipients.through
    for plan in carried.recipient_plans:
        rows = list(through.objects.filter(plan_id=plan.pk, unit_id__in=list(moves)))
        present = set(through.objects.filter(plan_id=plan.pk).values_list("unit_id", flat=True))
        through.objects.filter(pk__in=[r.pk for r in rows]).delete()
        issuer = moves.get(plan.issuing_unit_id, plan.issuing_unit_id)
        through.objects.bulk_create([through(plan_id=plan.pk, unit_id=moves[r.unit_id]) for r in rows
                                     if moves[r.unit_id] not in present and moves[r.unit_id] != issuer],
                                    ignore_conflicts=True)


def _targets(carried):
    for successor, ids in _by_successor(carried.targets).items():
        InspectionTarget.objects.filter(pk__in=ids).update(unit_id=successor)


def _programmes(carried, moves):
    """The open inspections' programmes go to the successor, unless it has its own for that year
    and department (then they stay, named in the preview as inspections)."""
    for programme in {inspection.programme for inspection in carried.inspections}:
        successor = moves[programme.issuing_unit_id]
        clash = type(programme).objects.filter(issuing_unit_id=successor, department_id=programme.department_id,
                                               year=programme.year).exists()
        if not clash:
            type(programme).objects.filter(pk=programme.pk).update(issuing_unit_id=successor)


def _allocations(moves):
    rows = IndicatorAllocation.objects.filter(unit_id__in=list(moves), indicator__plan__state__in=OPEN_PLAN_STATES)
    for allocation in rows:
        successor = moves[allocation.unit_id]
        merged = IndicatorAllocation.objects.filter(indicator_id=allocation.indicator_id, unit_id=successor)
        # Two merged units' shares of one target become the successor's share: their sum.
        if merged.update(target=F("target") + allocation.target):
            allocation.delete()
        else:
            IndicatorAllocation.objects.filter(pk=allocation.pk).update(unit_id=successor)


def _tasks(carried, moves):
    """Queued tasks follow their unit; a task someone of the old unit had taken goes back to the
    successor's queue (that person's position ends)."""
    unit_type = ContentType.objects.get_for_model(Unit)
    open_tasks = Task.objects.filter(owner_permission_content_type=unit_type, status__in=OPEN_TASK_STATUSES)
    # A split sends some assignments and targets elsewhere than the default: their tasks go with them,
    # and so do the tasks of the targets' remediation processes.
    moved = [(a, s) for a, s in [*carried.assignments, *carried.assignments_carried, *carried.targets]
             if a.process_id]
    by_successor = _by_successor(moved, key=lambda obj: obj.process_id)
    target_successor = {t.pk: s for t, s in carried.targets}
    remediations = Remediation.objects.filter(target_id__in=list(target_successor)).exclude(process=None)
    for target_id, process_id in remediations.values_list("target_id", "process_id"):
        by_successor[target_successor[target_id]].append(process_id)
    old_pks = [str(pk) for pk in moves]
    for successor, process_ids in by_successor.items():
        open_tasks.filter(process_id__in=process_ids, owner_permission_obj_pk__in=old_pks).update(
            owner_permission_obj_pk=str(successor))
    for old, successor in moves.items():
        open_tasks.filter(owner_permission_obj_pk=str(old)).update(owner_permission_obj_pk=str(successor))
    # Taken tasks of people who no longer hold a position in the task's unit go back to the queue.
    taken = list(open_tasks.filter(status=STATUS.ASSIGNED, owner_permission_obj_pk__in=[
        str(s) for s in set(moves.values())]).values_list("pk", "owner_id", "owner_permission_obj_pk"))
    holding = set(Position.objects.active_on().filter(user_id__in={owner for _, owner, _ in taken})
                  .values_list("user_id", "unit_id"))
    dropped = [pk for pk, owner, unit_pk in taken if (owner, int(unit_pk)) not in holding]
    Task.objects.filter(pk__in=dropped).update(owner=None, status=STATUS.NEW)


def _grants(moves):
    """Object grants to an old unit's role groups (an inspection team's, a plan's readers) are
    given to the successor's group of the same role."""
    unit_type = ContentType.objects.get_for_model(Unit)
    links = {link.group_id: link for link in UnitRoleGroup.objects.filter(unit_id__in=list(moves))}
    grants = GroupObjectPermission.objects.filter(group_id__in=list(links)).exclude(content_type=unit_type)
    successors = Unit.objects.in_bulk(set(moves.values()))
    for grant in grants:
        link = links[grant.group_id]
        group = unit_role_group(unit=successors[moves[link.unit_id]], role=link.role)
        GroupObjectPermission.objects.get_or_create(group=group, permission_id=grant.permission_id,
                                                    content_type_id=grant.content_type_id, object_pk=grant.object_pk)
