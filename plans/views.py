"""Server-rendered screens of plans, assignments and reports.

Thin on purpose: parse a form, call a service (writes) or a selector (reads), render. Objects
are fetched through the selectors, so another unit's plan, assignment or report is a 404.
Every POST answers with a redirect and a message (post/redirect/get).
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.selectors import positions_active, units_of
from core.errors import ActionForbidden
from core.pagination import CappedPaginator
from core.ui import add_service_errors, back, forbidden, perform

from . import documents, selectors, services
from .forms import PlanFilterForm, PlanForm, departments_for
from .models import AssignmentState, PlanState
from .progress_table import progress_rows
from .screens import attachments_of, buttons, history
from .selectors import STATUS_LABELS
from .views_documents import document_card

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
    page = CappedPaginator(plans, PAGE_SIZE).get_page(request.GET.get("page"))
    # One query for the whole page, whatever its length: which of these plans have overdue work
    # that this person may see.
    overdue = selectors.plans_with_overdue_work(request.user, [plan.pk for plan in page])
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
    group = request.GET.get("nhom", "")
    progress = selectors.plan_progress_page(
        plan, timezone.now(), only_units=None if is_issuer else unit_ids,
        group=group if group in selectors.GROUP_LABELS else "", q=request.GET.get("q", "")[:100],
        page=request.GET.get("page"))
    page_rows = list(progress.page)
    comments = selectors.return_comments(page_rows)
    rollup = selectors.plan_rollup(plan, assignments=[a.pk for a in page_rows]) if is_issuer else {}
    rows = [
        {"assignment": a, "status": status, "status_label": STATUS_LABELS[status],
         "group": selectors.STATUS_GROUPS[status], "return_comment": comments.get(a.pk, ""),
         "rollup": _rollup_cell(rollup.get(a.pk))}
        for a in page_rows for status in [progress.statuses[a.pk]]
    ]
    actions = selectors.plan_actions(user, plan)
    parent = plan.parent_assignment if plan.parent_assignment_id and is_issuer else None
    indicator_count = plan.indicators.count()
    return render(request, "plans/detail.html", {
        "plan": plan,
        "is_issuer": is_issuer,
        "actions": actions,
        "action_forms": buttons("plan", actions),
        **recipients_named(plan),
        "rows": rows,
        "rows_html": progress_rows(rows, is_issuer=is_issuer),
        "progress": progress,
        "group": group,
        "summary": progress.summary,
        "accepted": progress.accepted,
        "parent": parent,
        "indicator_count": indicator_count,
        "indicator_results": is_issuer and indicator_count and plan.state in (PlanState.ISSUED, PlanState.CLOSED),
        "attachments": attachments_of(plan),
        "history": history(plan, selectors.plan_history_for(request.user, plan)),
        **document_card(user, plan),
    })


def recipients_named(plan) -> dict:
    """The card names as many recipients as the document does (documents.RECIPIENTS_NAMED), and
    counts the rest, which the progress table lists, paged: an issue to 3,321 communes named them
    all in 2.5 MB."""
    recipients = plan.recipients.order_by("path")
    count = recipients.count()
    return {"recipients": list(recipients[:documents.RECIPIENTS_NAMED]), "recipient_count": count,
            "recipients_more": max(count - documents.RECIPIENTS_NAMED, 0)}


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
                files = form.cleaned_data["attachments"]
                if plan is None:
                    saved = services.plan_create(by=user, issuing_unit=issuing_unit, files=files,
                                                 parent_assignment=parent_assignment, **form.plan_fields())
                else:
                    saved = services.plan_update(plan=plan, by=user, files=files, **form.plan_fields())
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
