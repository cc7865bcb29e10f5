"""Server-rendered screens of plans, assignments and reports.

Thin on purpose: parse a form, call a service (writes) or a selector (reads), render. Objects
are fetched through the selectors, so another unit's plan, assignment or report is a 404.
Every POST answers with a redirect and a message (post/redirect/get).
"""

from collections import Counter

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.selectors import positions_active, units_of
from core import attachments
from core.errors import ActionForbidden, TransitionNotAllowed
from core.transitions import history_of
from core.ui import action_forms, add_service_errors, back, forbidden, history_rows, perform
from workflows.flows import AssignmentFlow, PlanApprovalFlow

from . import selectors, services
from .forms import PlanFilterForm, PlanForm, ReportForm, departments_for
from .indicators.figures import figures_block
from .models import AssignmentState, PlanState

PAGE_SIZE = 20

# name → (service, keyword the comment goes to, success message)
PLAN_ACTIONS = {
    "submit": (services.plan_submit, "comment", gettext_lazy("The draft has been submitted for review.")),
    "review": (services.plan_review, "comment",
               gettext_lazy("The draft has been forwarded to the leader for approval.")),
    "approve": (services.plan_approve, "comment", gettext_lazy("The plan has been approved.")),
    "return": (services.plan_return, "comment", gettext_lazy("The draft has been returned with comments.")),
    "issue": (services.plan_issue, "comment",
              gettext_lazy("The plan has been numbered and issued to the recipient units.")),
    "revoke": (services.plan_revoke, "reason", gettext_lazy("The plan has been revoked.")),
}
ASSIGNMENT_ACTIONS = {
    "receive": (services.assignment_receive, "comment", gettext_lazy("Receipt confirmed.")),
    "accept": (services.assignment_accept, "comment", gettext_lazy("The report has been accepted.")),
    "return": (services.assignment_return, "comment",
               gettext_lazy("The report has been returned to the unit.")),
}

# How each action is offered: button label, comment label, whether the comment is required, style.
ACTION_FORMS = {
    "plan": {
        "submit": (gettext_lazy("Submit for review"), gettext_lazy("Note (optional)"), False, "primary"),
        "review": (gettext_lazy("Forward for approval"), gettext_lazy("Comment (optional)"), False,
                   "primary"),
        "approve": (gettext_lazy("Approve"), gettext_lazy("Comment (optional)"), False, "primary"),
        "issue": (gettext_lazy("Number and issue"), gettext_lazy("Note (optional)"), False, "primary"),
        "return": (gettext_lazy("Return with comments"), gettext_lazy("What must be revised (required)"),
                   True, "warn"),
        "revoke": (gettext_lazy("Revoke the plan"), gettext_lazy("Reason for revoking (required)"), True,
                   "danger"),
    },
    "assignment": {
        "accept": (gettext_lazy("Accept the report"), gettext_lazy("Review comment (optional)"), False,
                   "primary"),
        "return": (gettext_lazy("Return the report"), gettext_lazy("What is missing (required)"), True,
                   "warn"),
    },
}

TRANSITION_LABELS = {
    "submit": gettext_lazy("Submitted for review"),
    "review": gettext_lazy("Forwarded for approval"),
    "approve": gettext_lazy("Approved"),
    "return_to_draft": gettext_lazy("Returned for revision"),
    "issue": gettext_lazy("Issued"),
    "close": gettext_lazy("Closed"),
    "revoke": gettext_lazy("Revoked"),
    "receive": gettext_lazy("Receipt confirmed"),
    "report": gettext_lazy("Report submitted"),
    "accept": gettext_lazy("Report accepted"),
    "return_report": gettext_lazy("Report returned"),
    "cancel": gettext_lazy("Cancelled"),
}

# Việc cần xử lý: what each open workflow step asks of the person.
TASK_LABELS = {
    ("plan", "review"): gettext_lazy("Review the draft"),
    ("plan", "approve"): gettext_lazy("Approve the plan"),
    ("plan", "rework"): gettext_lazy("Revise and resubmit the returned draft"),
    ("plan", "issue"): gettext_lazy("Number and issue the plan"),
    ("assignment", "receive"): gettext_lazy("Confirm receipt"),
    ("assignment", "report"): gettext_lazy("Report the results"),
    ("assignment", "review"): gettext_lazy("Review the unit's report"),
}

# The dashboard colours of DESIGN.md §7, as CSS classes (see app.css, "Status colours").
STATUS_LABELS = {
    "done": gettext_lazy("Done on time"),
    "done-late": gettext_lazy("Done late"),
    "in-time": gettext_lazy("In progress, in time"),
    "near-due": gettext_lazy("Near due"),
    "not-started": gettext_lazy("Not started"),
    "overdue": gettext_lazy("Overdue"),
    "cancelled": gettext_lazy("Cancelled"),
}


# -- attachments: the shared service, registered for Plan and Report in plans.apps -------------------

def attachments_add(*, owner, files, by):
    if files:
        attachments.attachments_add(owner=owner, files=files, by=by)


def attachments_of(obj):
    return list(attachments.attachments_of(obj))


# -- small helpers ------------------------------------------------------------------------------

def _history(obj, entries=None) -> list[dict]:
    return history_rows(obj, history_of(obj) if entries is None else entries, TRANSITION_LABELS)


def _action_forms(kind: str, allowed: set[str]) -> list[dict]:
    return action_forms(ACTION_FORMS[kind], allowed)


def _rollup_cell(states: dict[str, int] | None):
    if not states:
        return None
    labels = dict(AssignmentState.choices)
    return {
        "total": sum(states.values()),
        "accepted": states.get(AssignmentState.ACCEPTED, 0),
        "states": [(code, labels.get(code, code), n) for code, n in sorted(states.items())],
    }


# -- plans ----------------------------------------------------------------------------------------

@login_required
def plan_list(request):
    form = PlanFilterForm(request.GET or None, departments=departments_for(request.user))
    filters = form.filters() if form.is_bound else {}
    if filters.get("department"):
        filters["department"] = filters["department"].pk
    plans = selectors.plan_list(request.user, **filters)
    page = Paginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    # One query for the whole page, whatever its length: which of these plans have overdue work
    # that this person may see.
    overdue = set(
        selectors.assignments_visible_to(request.user).overdue()
        .filter(plan_id__in=[plan.pk for plan in page]).values_list("plan_id", flat=True)
    )
    return render(request, "plans/list.html", {
        "form": form, "page": page, "overdue": overdue, "filtered": bool(filters),
        "can_draft": bool(_drafting_units(request.user)),
    })


@login_required
def plan_detail(request, pk):
    user = request.user
    plan = get_object_or_404(selectors.plans_visible_to(user), pk=pk)
    unit_ids = selectors.user_unit_ids(user)
    is_issuer = plan.issuing_unit_id in unit_ids
    now = timezone.now()
    progress = selectors.plan_progress(plan)
    if not is_issuer:
        # A recipient sees its own row only: other units' work is theirs and the issuer's.
        progress = progress.filter(unit_id__in=unit_ids)
    rollup = selectors.plan_rollup(plan) if is_issuer else {}
    rows = [
        {"assignment": a, "status": status, "status_label": STATUS_LABELS[status],
         "rollup": _rollup_cell(rollup.get(a.pk))}
        for a in progress for status in [selectors.due_class(a, now)]
    ]
    counts = Counter(row["status"] for row in rows)
    actions = selectors.plan_actions(user, plan)
    parent = plan.parent_assignment if plan.parent_assignment_id and is_issuer else None
    indicator_count = plan.indicators.count()
    return render(request, "plans/detail.html", {
        "plan": plan,
        "is_issuer": is_issuer,
        "actions": actions,
        "action_forms": _action_forms("plan", actions),
        "recipients": list(plan.recipients.order_by("path")),
        "rows": rows,
        "summary": [(code, label, counts[code]) for code, label in STATUS_LABELS.items() if counts[code]],
        "accepted": sum(1 for row in rows if row["assignment"].state == AssignmentState.ACCEPTED),
        "parent": parent,
        "indicator_count": indicator_count,
        "indicator_results": is_issuer and indicator_count and plan.state in (PlanState.ISSUED, PlanState.CLOSED),
        "attachments": attachments_of(plan),
        "history": _history(plan, selectors.plan_history_for(request.user, plan)),
    })


def _drafting_units(user):
    return [unit for unit in units_of(user) if user.has_perm("accounts.draft_plans", unit)]


@login_required
def plan_create(request):
    units = _drafting_units(request.user)
    if not units:
        return forbidden(request, _("You may not draft plans: you hold no drafting position in any unit."))
    chosen = request.POST.get("unit") or request.GET.get("unit")
    issuing_unit = next((u for u in units if str(u.pk) == chosen), units[0])
    return _plan_form(request, issuing_unit=issuing_unit, units=units)


@login_required
def plan_create_implementing(request, pk):
    """Cascade: a unit that received an assignment drafts its own plan for the units below it."""
    assignment = get_object_or_404(selectors.assignments_visible_to(request.user), pk=pk)
    if "draft_implementing_plan" not in selectors.assignment_actions(request.user, assignment):
        messages.error(request, _("An implementing plan is drafted by the assigned unit, after it has "
                                  "confirmed receipt and before it reports."))
        return redirect("plans:assignment", pk=assignment.pk)
    return _plan_form(request, issuing_unit=assignment.unit, parent_assignment=assignment)


@login_required
def plan_edit(request, pk):
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)
    if "edit" not in selectors.plan_actions(request.user, plan):
        if plan.state != PlanState.DRAFT:
            messages.error(request, _("Only a draft can be edited."))
            return redirect("plans:detail", pk=plan.pk)
        return forbidden(request, _("You may not edit plans of %(unit)s.") % {"unit": plan.issuing_unit})
    return _plan_form(request, issuing_unit=plan.issuing_unit, plan=plan)


def _plan_form(request, *, issuing_unit, plan=None, parent_assignment=None, units=()):
    user = request.user
    if request.method == "POST":
        form = PlanForm(request.POST, request.FILES, issuing_unit=issuing_unit)
        if form.is_valid():
            try:
                # The plan and its files are saved together or not at all.
                with transaction.atomic():
                    if plan is None:
                        saved = services.plan_create(by=user, issuing_unit=issuing_unit,
                                                     parent_assignment=parent_assignment,
                                                     **form.plan_fields())
                    else:
                        saved = services.plan_update(plan=plan, by=user, **form.plan_fields())
                    attachments_add(owner=saved, files=form.cleaned_data["attachments"], by=user)
            except ValidationError as exc:
                add_service_errors(form, exc)
            except ActionForbidden as exc:
                form.add_error(None, str(exc))
            else:
                messages.success(request, _("The draft plan has been saved.") if plan is None
                                 else _("The changes have been saved."))
                return redirect("plans:detail", pk=saved.pk)
    else:
        initial = _initial(user, issuing_unit, plan, parent_assignment)
        form = PlanForm(initial=initial, issuing_unit=issuing_unit)
    return render(request, "plans/form.html", {
        "form": form, "plan": plan, "issuing_unit": issuing_unit, "units": units,
        "parent_assignment": parent_assignment,
        "attachments": attachments_of(plan) if plan is not None else [],
    })


def _initial(user, issuing_unit, plan, parent_assignment) -> dict:
    if plan is not None:
        return PlanForm.initial_from(plan)
    position = positions_active(user).filter(unit=issuing_unit, department__isnull=False).first()
    initial = {"department": position.department if position else None}
    if parent_assignment is not None:
        parent = parent_assignment.plan
        initial.update({
            "subject": _("Implementing %(subject)s") % {"subject": parent.subject}
            if not parent.number else _("Implementing plan %(number)s: %(subject)s") % {
                "number": parent.number, "subject": parent.subject},
            "period_start": parent.period_start, "period_end": parent.period_end,
            "report_due": parent_assignment.report_due,
        })
    return initial


@login_required
@require_POST
def plan_action(request, pk, action):
    if action not in PLAN_ACTIONS:
        raise Http404
    plan = get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)
    service, comment_kw, success = PLAN_ACTIONS[action]
    comment = request.POST.get("comment", "")
    perform(request, lambda: service(plan=plan, by=request.user, **{comment_kw: comment}), success)
    return back(request, reverse("plans:detail", args=[plan.pk]))


# -- assignments and reports ---------------------------------------------------------------------

@login_required
def assignment_detail(request, pk):
    assignment = get_object_or_404(selectors.assignments_visible_to(request.user), pk=pk)
    return assignment_page(request, assignment)


def assignment_page(request, assignment, report_form=None, figures=None):
    """The assignment page, also shown again by a refused report or figures form.

    `figures`: what a refused figures form or upload shows again (plans.indicators.views).
    """
    user = request.user
    actions = selectors.assignment_actions(user, assignment)
    reports = list(selectors.reports_visible_to(user).filter(assignment=assignment))  # newest first
    if report_form is None:
        # A returned report is usually amended, not rewritten: start from the last version.
        report_form = ReportForm(initial={"text": reports[0].text} if reports else None)
    status = selectors.due_class(assignment, timezone.now())
    return render(request, "plans/assignment.html", {
        "assignment": assignment,
        "plan": assignment.plan,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "actions": actions,
        "action_forms": _action_forms("assignment", actions),
        "report_form": report_form,
        # The unit's indicator figures go in with its report, while the work is received.
        "figures": figures_block(assignment, editable="report" in actions, **(figures or {})),
        "reports": [{"report": r, "attachments": files[r.pk]}
                    for files in [attachments.attachments_by_owner(reports)] for r in reports],
        "implementing": selectors.plans_visible_to(user).filter(parent_assignment=assignment),
        "plan_attachments": attachments_of(assignment.plan),
        "history": _history(assignment),
    })


@login_required
@require_POST
def assignment_action(request, pk, action):
    if action not in ASSIGNMENT_ACTIONS:
        raise Http404
    assignment = get_object_or_404(selectors.assignments_visible_to(request.user), pk=pk)
    service, comment_kw, success = ASSIGNMENT_ACTIONS[action]
    comment = request.POST.get("comment", "")
    perform(request, lambda: service(assignment=assignment, by=request.user, **{comment_kw: comment}),
             success)
    return back(request, reverse("plans:assignment", args=[assignment.pk]))


@login_required
@require_POST
def assignment_report(request, pk):
    user = request.user
    assignment = get_object_or_404(selectors.assignments_visible_to(user), pk=pk)
    form = ReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            with transaction.atomic():
                report = services.assignment_report(assignment=assignment, by=user,
                                                    text=form.cleaned_data["text"])
                attachments_add(owner=report, files=form.cleaned_data["attachments"], by=user)
        except (TransitionNotAllowed, ActionForbidden) as exc:
            messages.error(request, str(exc))
            return redirect("plans:assignment", pk=assignment.pk)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Report version %(version)s has been sent to %(unit)s.") % {
                "version": report.version, "unit": assignment.plan.issuing_unit})
            return redirect("plans:assignment", pk=assignment.pk)
    # Shown again with the errors, keeping what the officer typed.
    return assignment_page(request, assignment, report_form=form)


@login_required
def report_detail(request, pk):
    """One version of a unit's report: the issuer's review screen."""
    user = request.user
    report = get_object_or_404(selectors.reports_visible_to(user), pk=pk)
    assignment = get_object_or_404(selectors.assignments_visible_to(user), pk=report.assignment_id)
    versions = list(selectors.reports_visible_to(user).filter(assignment=assignment))
    is_latest = bool(versions) and versions[0].pk == report.pk
    actions = selectors.assignment_actions(user, assignment) if is_latest else set()
    status = selectors.due_class(assignment, timezone.now())
    return render(request, "plans/report.html", {
        "report": report,
        "assignment": assignment,
        "plan": assignment.plan,
        "status": status,
        "status_label": STATUS_LABELS[status],
        "versions": versions,
        "is_latest": is_latest,
        "action_forms": _action_forms("assignment", actions),
        "attachments": attachments_of(report),
        "history": _history(assignment),
    })


# -- Việc cần xử lý -------------------------------------------------------------------------------

@login_required
def inbox(request):
    now = timezone.now()
    # Each row names the issuer of the assigned plan as well: fetched in the same query.
    tasks = selectors.inbox_tasks(request.user).select_related("process__assignment__plan__issuing_unit")
    rows = [_task_row(task, now) for task in tasks]
    # Most urgent first; steps without a due moment (approvals) after the dated ones.
    rows.sort(key=lambda row: (row["due"] is None, row["due"] or now))
    return render(request, "plans/inbox.html", {"rows": rows, "today": timezone.localdate()})


def _task_row(task, now) -> dict:
    node = task.flow_task.name
    process = task.process
    if process.flow_class is PlanApprovalFlow:
        plan = process.plan
        return {"task": task, "what": TASK_LABELS.get(("plan", node), node), "plan": plan,
                "title": plan.subject, "number": plan.number, "where": plan.issuing_unit.name,
                "due": None, "status": "", "url": reverse("plans:detail", args=[plan.pk]), "node": node}
    if process.flow_class is AssignmentFlow:
        assignment = process.assignment
        plan = assignment.plan
        due = {"receive": assignment.receipt_due, "report": assignment.report_due}.get(node)
        status = selectors.due_class(assignment, now) if due else ""
        return {"task": task, "what": TASK_LABELS.get(("assignment", node), node), "plan": plan,
                "assignment": assignment, "title": plan.subject, "number": plan.number,
                "where": f"{plan.issuing_unit.name} → {assignment.unit.name}", "due": due,
                "status": status, "status_label": STATUS_LABELS.get(status, ""),
                "url": reverse("plans:assignment", args=[assignment.pk]), "node": node}
    return _inspection_task_row(task, node, now)


def _inspection_task_row(task, node, now) -> dict:
    """Steps of an inspection: the decision, a target's self-report and conclusion, a remediation."""
    process = task.process
    row = {"task": task, "what": task.flow_task.task_title, "node": node, "status": "", "due": None}
    if hasattr(process, "remediation"):
        remediation = process.remediation
        inspection = remediation.target.inspection
        overdue = node == "report" and remediation.is_overdue(now)
        row.update(title=remediation.recommendation.text, number=inspection.decision_number,
                   where=remediation.target.name, due=remediation.due if node == "report" else None,
                   status="overdue" if overdue else "", status_label=STATUS_LABELS["overdue"] if overdue else "",
                   url=reverse("inspections:remediation", args=[remediation.pk]))
    elif hasattr(process, "inspection_target"):
        target = process.inspection_target
        inspection = target.inspection
        due = target.self_report_due if node == "self_report" else None
        overdue = due is not None and due < now
        row.update(title=inspection.subject, number=inspection.decision_number, where=target.name, due=due,
                   status="overdue" if overdue else "", status_label=STATUS_LABELS["overdue"] if overdue else "",
                   url=reverse("inspections:target", args=[target.pk]))
    else:
        inspection = process.inspection
        row.update(title=inspection.subject, number=inspection.decision_number,
                   where=inspection.programme.issuing_unit.name,
                   url=reverse("inspections:inspection", args=[inspection.pk]))
    return row
