"""Reads of plans, assignments and reports, with the visibility rule built in:
a unit's people see their own unit's plans and the plans addressed to their unit, the issuer
sees every assignment of its plans, and nobody sees another unit's assignment or report."""

import datetime
from collections import Counter
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.paginator import Page, Paginator
from django.db.models import Case, CharField, Count, Exists, F, OuterRef, Q, QuerySet, Subquery, Value, When
from django.utils import timezone
from django.utils.translation import gettext_lazy

from accounts.selectors import user_unit_ids
from core.models import TransitionLog
from core.rules import allowed
from core.text import fold
from core.transitions import history_of

from .models import Assignment, AssignmentState, Plan, PlanState, Report, overdue_on
from .rules import ASSIGNMENT_RULES, PLAN_RULES

# Shorter than the default 3 days given to confirm receipt, so new work does not start amber.
NEAR_DUE_WITHIN = datetime.timedelta(days=2)


def plans_visible_to(user) -> QuerySet[Plan]:
    units = user_unit_ids(user)
    addressed = Assignment.objects.filter(Q(unit_id__in=units) | Q(carried_by_id__in=units)).values("plan_id")
    return Plan.objects.filter(Q(issuing_unit_id__in=units) | Q(pk__in=addressed)).select_related(
        "issuing_unit", "department", "created_by"
    )


def plans_issued_by_units_of(user) -> QuerySet[Plan]:
    """Plans of the person's own units: their drafting rounds and edits are the issuer's business
    (a recipient sees a plan from its issuance on, see plan_history_for)."""
    return Plan.objects.filter(issuing_unit_id__in=user_unit_ids(user))


def plan_list(user, *, state=None, period_from=None, period_to=None, department=None, overdue=False,
              q=None) -> QuerySet[Plan]:
    plans = plans_visible_to(user)
    if state:
        plans = plans.filter(state=state)
    if period_from:
        plans = plans.filter(Q(period_end__isnull=True) | Q(period_end__gte=period_from))
    if period_to:
        plans = plans.filter(Q(period_start__isnull=True) | Q(period_start__lte=period_to))
    if department:
        plans = plans.filter(department_id=department)
    if overdue:
        visible = assignments_visible_to(user).overdue()
        plans = plans.filter(Exists(visible.filter(plan=OuterRef("pk"))))
    if q:
        for word in fold(q).split():
            plans = plans.filter(search_text__contains=word)
    return plans.order_by("-created_at", "-pk")


def plans_with_overdue_work(user, plan_ids) -> set[int]:
    """Which of these plans have overdue work this person may see: one query, stopping at each
    plan's first overdue row (a plan to every commune can have thousands)."""
    visible = assignments_visible_to(user).overdue().filter(plan=OuterRef("pk"))
    return set(Plan.objects.filter(pk__in=plan_ids).filter(Exists(visible)).values_list("pk", flat=True))


def plans_issued_ids(units) -> list[int]:
    return list(Plan.objects.filter(issuing_unit_id__in=units).order_by().values_list("pk", flat=True)) if units else []


def assignments_visible_to(user) -> QuerySet[Assignment]:
    """The assignments of the person's units (or carried on by them) and every assignment of the
    plans their units issued."""
    return Assignment.objects.filter(_visible_assignment(user)).select_related(
        "plan__issuing_unit", "plan__department", "unit", "carried_by")


def reports_visible_to(user) -> QuerySet[Report]:
    """The reports of assignments_visible_to(user), by the same columns on the joined assignment:
    an IN over a subquery of every visible assignment would hash 2,000,000 ids for the centre."""
    return Report.objects.filter(_visible_assignment(user, "assignment__")).select_related(
        "assignment__unit", "submitted_by")


def _visible_assignment(user, prefix: str = "") -> Q:
    """The visibility rule on an assignment's own columns (behind `prefix` when joined).

    The issued plans are read first, as ids: a filter on the plan's issuer would join the plans
    and OR across the two tables, which no index serves, so PostgreSQL would scan all 2,000,000
    assignments of the country. On plain columns of one table each branch has its index.
    """
    units = user_unit_ids(user)
    return (Q(**{f"{prefix}unit_id__in": units}) | Q(**{f"{prefix}plan_id__in": plans_issued_ids(units)})
            | Q(**{f"{prefix}carried_by_id__in": units}))


def plan_progress(plan: Plan) -> QuerySet[Assignment]:
    """The progress matrix: every recipient with its state and due moments, one query."""
    return plan.assignments.select_related("unit").annotate(report_count=Count("reports")).order_by("unit__path")


PROGRESS_PAGE_SIZE = 50


@dataclass(frozen=True, slots=True)
class ProgressPage:
    """One page of a plan's progress: the counts of every recipient by status group, then the
    rows of the chosen group and search, paged."""

    summary: list[dict]
    total: int
    accepted: int
    page: Page  # of Assignment, annotated with report_count, in the tree's order
    statuses: dict[int, str]  # by assignment id, for the rows of the page


def plan_progress_page(plan: Plan, now, *, only_units=None, group: str = "", q: str = "",
                       page=None) -> ProgressPage:
    """The plan page's and the progress API's recipients, at any number of them (3,321 communes).

    The statuses are judged in the database by status_case, status_of's twin: the counts are one
    GROUP BY, the rows of the chosen group one narrow query of ids, and only the page's rows are
    read whole. `only_units` keeps a recipient to its own row. `group` is a code of GROUP_LABELS,
    `q` words of the unit's name (case and diacritics ignored, so matched here, not in SQL).
    Queries: three, whatever the number of recipients.
    """
    assignments = plan.assignments.all()
    if only_units is not None:
        assignments = assignments.filter(unit_id__in=only_units)
    judged = assignments.annotate(status=status_case(now))
    counts = Counter(dict(judged.order_by().values_list("status").annotate(n=Count("pk"))))
    chosen = [code for code, in_group in STATUS_GROUPS.items() if in_group == group] if group else list(counts)
    if group:
        judged = judged.filter(status__in=chosen)
    words = fold(q).split()
    listed = judged.order_by("unit__path", "pk")
    if words:
        # Names folded here, not in SQL, to ignore diacritics: read only when searching by them.
        shown = [(pk, status) for pk, status, name in listed.values_list("pk", "status", "unit__name")
                 if all(word in fold(name) for word in words)]
    else:
        # The group's size is known from the counts: only the page's 50 rows are read.
        shown = _Counted(listed.values_list("pk", "status"), sum(counts[code] for code in chosen))
    current = Paginator(shown, PROGRESS_PAGE_SIZE).get_page(page)
    statuses = dict(current.object_list)
    rows = {a.pk: a for a in plan_progress(plan).filter(pk__in=list(statuses))}
    current.object_list = [rows[pk] for pk in statuses if pk in rows]
    return ProgressPage(summary=status_summary(counts), total=counts.total(),
                        accepted=counts[DONE] + counts[DONE_LATE], page=current, statuses=statuses)


class _Counted:
    """Rows whose number is already known, for a Paginator that would count them again."""

    def __init__(self, rows, count: int):
        self.rows, self.count_known = rows, count

    def __len__(self) -> int:
        return self.count_known

    def __getitem__(self, index):
        return list(self.rows[index])


# -- statuses (DESIGN.md §7) ------------------------------------------------------------------------
#
# Every screen, the API, the inbox and the dashboards ask status_of() / due_class() and group its
# answer with STATUS_GROUPS, so a count never says more than the rows under it.
#
# "Completed" means ACCEPTED by the issuer. Whether it was completed on time is decided by the
# moment the unit SENT the version that was accepted (Assignment.reported_at, set again by each
# submission), not by the moment of acceptance: Vietnamese task tracking holds a unit to its own
# submission, and the issuer's review time is not the unit's to keep. Until it is accepted, a sent
# report is "awaiting review": never counted as completed, and not counted against the unit either.

DONE, DONE_LATE = "done", "done-late"
AWAITING_REVIEW = "awaiting-review"
RETURNED, RETURNED_OVERDUE = "returned", "returned-overdue"
NOT_STARTED, IN_TIME, NEAR_DUE = "not-started", "in-time", "near-due"
OVERDUE, CANCELLED = "overdue", "cancelled"


def status_of(*, state: str, report_due, receipt_due=None, reported_at=None, now) -> str:
    """The status of an assignment from its fields: the one rule behind due_class().

    Taken apart from the model so the dashboards can judge their flat rows by it without model
    instances. Returns one of the codes of STATUS_LABELS (the CSS classes st-…/row-… too).
    """
    if state == AssignmentState.CANCELLED:
        return CANCELLED
    if state == AssignmentState.ACCEPTED:
        return DONE_LATE if sent_late(reported_at, report_due) else DONE
    if state == AssignmentState.REPORTED:
        return AWAITING_REVIEW
    returned = was_returned(state, reported_at)
    if overdue_on(state=state, receipt_due=receipt_due, report_due=report_due, now=now):
        return RETURNED_OVERDUE if returned else OVERDUE
    if returned:
        return RETURNED
    due = receipt_due if state == AssignmentState.SENT and receipt_due else report_due
    if due - now <= NEAR_DUE_WITHIN:
        return NEAR_DUE
    return NOT_STARTED if state == AssignmentState.SENT else IN_TIME


def status_case(now) -> Case:
    """status_of in SQL, for counting and filtering thousands of rows in the database. The same
    branches in the same order; tests/plans/test_progress_paging.py checks the two agree on
    every combination of state and moments."""
    sent, received = AssignmentState.SENT, AssignmentState.RECEIVED
    returned = Q(state=received, reported_at__isnull=False)
    overdue = Q(state=sent, receipt_due__lt=now) | Q(state__in=[sent, received], report_due__lt=now)
    near = now + NEAR_DUE_WITHIN
    near_due = Q(state=sent, receipt_due__lte=near) | ((~Q(state=sent) | Q(receipt_due__isnull=True))
                                                       & Q(report_due__lte=near))
    return Case(
        When(state=AssignmentState.CANCELLED, then=Value(CANCELLED)),
        When(state=AssignmentState.ACCEPTED, reported_at__gt=F("report_due"), then=Value(DONE_LATE)),
        When(state=AssignmentState.ACCEPTED, then=Value(DONE)),
        When(state=AssignmentState.REPORTED, then=Value(AWAITING_REVIEW)),
        When(overdue & returned, then=Value(RETURNED_OVERDUE)),
        When(overdue, then=Value(OVERDUE)),
        When(returned, then=Value(RETURNED)),
        When(near_due, then=Value(NEAR_DUE)),
        When(state=sent, then=Value(NOT_STARTED)),
        default=Value(IN_TIME), output_field=CharField(),
    )


def deadline_status(due, now) -> str:
    """The colour of a step with only a deadline of its own (the issuer's review of a report)."""
    if due is None:
        return ""
    if due < now:
        return OVERDUE
    return NEAR_DUE if due - now <= NEAR_DUE_WITHIN else IN_TIME


def was_returned(state: str, reported_at) -> bool:
    """Back in "received" with a submission on record: the issuer returned the report
    (Assignment.return_report keeps reported_at; only a new submission moves it)."""
    return state == AssignmentState.RECEIVED and reported_at is not None


def sent_late(reported_at, report_due) -> bool:
    """Whether the report (the version sent last) came in after the deadline."""
    return reported_at is not None and reported_at > report_due


def due_class(assignment: Assignment, now=None) -> str:
    """The status of an assignment now (status_of): the plan's progress rows, the assignment and
    report pages, the API's `due_class`, the inbox and the dashboards all read it from here."""
    return status_of(state=assignment.state, report_due=assignment.report_due, receipt_due=assignment.receipt_due,
                     reported_at=assignment.reported_at, now=now or timezone.now())


# due_class's statuses as people read them; the CSS classes are the codes (app.css, "Status colours"
# and "Status" at the end).
STATUS_LABELS = {
    DONE: gettext_lazy("Done on time"),
    DONE_LATE: gettext_lazy("Done late"),
    AWAITING_REVIEW: gettext_lazy("Reported, awaiting review"),
    RETURNED: gettext_lazy("Returned, to report again"),
    RETURNED_OVERDUE: gettext_lazy("Returned, overdue: report again"),
    IN_TIME: gettext_lazy("In progress, in time"),
    NEAR_DUE: gettext_lazy("Near due"),
    NOT_STARTED: gettext_lazy("Not started"),
    OVERDUE: gettext_lazy("Overdue"),
    CANCELLED: gettext_lazy("Cancelled"),
}

# The four groups of official tracking (DESIGN.md §7), and two kept apart from them: a report
# awaiting the issuer's review (sent, not yet completed) and cancelled work (never owed).
GROUP_ON_TIME, GROUP_LATE, GROUP_IN_PROGRESS, GROUP_OVERDUE = "on-time", "late", "in-progress", "overdue"
GROUP_LABELS = {
    GROUP_ON_TIME: gettext_lazy("Done on time"),
    GROUP_LATE: gettext_lazy("Done late"),
    GROUP_IN_PROGRESS: gettext_lazy("In progress, not yet due"),
    GROUP_OVERDUE: gettext_lazy("Overdue, not done"),
    AWAITING_REVIEW: gettext_lazy("Reported, awaiting review"),
    CANCELLED: gettext_lazy("Cancelled"),
}
STATUS_GROUPS = {
    DONE: GROUP_ON_TIME,
    DONE_LATE: GROUP_LATE,
    NOT_STARTED: GROUP_IN_PROGRESS, IN_TIME: GROUP_IN_PROGRESS, NEAR_DUE: GROUP_IN_PROGRESS,
    RETURNED: GROUP_IN_PROGRESS,
    OVERDUE: GROUP_OVERDUE, RETURNED_OVERDUE: GROUP_OVERDUE,
    AWAITING_REVIEW: AWAITING_REVIEW,
    CANCELLED: CANCELLED,
}


# The status a group stands for when it is alone in it: not listed again under the group.
_MAIN = {GROUP_ON_TIME: DONE, GROUP_LATE: DONE_LATE, GROUP_IN_PROGRESS: IN_TIME, GROUP_OVERDUE: OVERDUE,
         AWAITING_REVIEW: AWAITING_REVIEW, CANCELLED: CANCELLED}


def status_summary(statuses) -> list[dict]:
    """Counts of `statuses` (codes of due_class) by group, as the plan page's legend shows them:
    the four official groups and "awaiting review" always, cancelled when there is any; each
    group with the statuses it is made of when that says more (near due, not started, returned…)."""
    counts = Counter(statuses)
    groups = []
    for group, label in GROUP_LABELS.items():
        parts = [{"code": code, "label": STATUS_LABELS[code], "count": counts[code]}
                 for code in STATUS_LABELS if STATUS_GROUPS[code] == group and counts[code]]
        total = sum(part["count"] for part in parts)
        if group == CANCELLED and not total:
            continue
        telling = any(part["code"] != _MAIN[group] for part in parts)
        groups.append({"code": group, "label": label, "count": total, "parts": parts if telling else []})
    return groups


def return_comments(assignments) -> dict[int, str]:
    """The reviewer's comment on each of `assignments` whose report was returned (status returned
    or returned-overdue): the comment stored on its last report version. One query."""
    ids = [a.pk for a in assignments if was_returned(a.state, a.reported_at)]
    if not ids:
        return {}
    comments: dict[int, str] = {}
    rows = Report.objects.filter(assignment_id__in=ids).order_by("assignment_id", "-version").values_list(
        "assignment_id", "review_comment")
    for assignment_id, comment in rows:
        comments.setdefault(assignment_id, comment)
    return comments


def last_return(assignment: Assignment):
    """The history entry of the latest return of this assignment's report (who, when, comment), or None."""
    return history_of(assignment).filter(transition="return_report").last()


def plan_rollup(plan: Plan, *, assignments=None) -> dict[int, dict[str, int]]:
    """For each assignment of `plan` (or of those ids), the states of its implementing plans' assignments."""
    parents = Q(plan__parent_assignment__plan=plan)
    if assignments is not None:
        parents &= Q(plan__parent_assignment_id__in=assignments)
    rows = (
        Assignment.objects.filter(parents)
        .exclude(plan__state=PlanState.REVOKED)
        .values("plan__parent_assignment_id", "state")
        .annotate(n=Count("pk"))
    )
    rollup: dict[int, dict[str, int]] = {}
    for row in rows:
        rollup.setdefault(row["plan__parent_assignment_id"], {})[row["state"]] = row["n"]
    return rollup


PUBLIC_PLAN_TRANSITIONS = ("issue", "revoke", "close")


def plan_history_for(user, plan: Plan):
    """The issuer sees every step; a recipient only what happened from issuance on, never the
    drafting rounds and their comments."""
    history = history_of(plan)
    if plan.issuing_unit_id in user_unit_ids(user):
        return history
    return history.filter(transition__in=PUBLIC_PLAN_TRANSITIONS)


def with_approver(plans):
    """Plans annotated with the id of the leader who approved each last (the "sign" rule reads it)."""
    approvals = TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(Plan),
                                             object_id=OuterRef("pk"), transition="approve").order_by("-at", "-pk")
    return plans.annotate(approver_pk=Subquery(approvals.values("by_id")[:1]))


def plan_actions(user, plan: Plan) -> set[str]:
    """Which actions the UI and API offer this person on this plan now (plans.rules)."""
    return allowed(PLAN_RULES, user, plan)


def assignment_actions(user, assignment: Assignment) -> set[str]:
    return allowed(ASSIGNMENT_RULES, user, assignment)
