"""Screens of an assignment: the unit's page (receipt, report, its indicator figures), the
report versions the issuer reviews, and their actions. Thin, like plans.views."""

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

from core import attachments
from core.errors import ActionForbidden, TransitionNotAllowed
from core.ui import add_service_errors, back, perform

from . import selectors, services
from .forms import ReportForm
from .indicators import selectors as indicator_selectors
from .indicators import services as indicator_services
from .indicators.figures import figures_block, save_figures
from .screens import attachments_of, buttons, history
from .selectors import STATUS_LABELS
from .views_documents import document_card

RETURNED_STATUSES = (selectors.RETURNED, selectors.RETURNED_OVERDUE)

# name → (service, keyword the comment goes to, success message)
ASSIGNMENT_ACTIONS = {
    "receive": (services.assignment_receive, "comment", gettext_lazy("Receipt confirmed.")),
    "accept": (services.assignment_accept, "comment", gettext_lazy("The report has been accepted.")),
    "return": (services.assignment_return, "comment",
               gettext_lazy("The report has been returned to the unit.")),
}


@login_required
def assignment_detail(request, pk):
    assignment = get_object_or_404(selectors.assignments_visible_to(request.user), pk=pk)
    return assignment_page(request, assignment)


def assignment_page(request, assignment, report_form=None, figures=None):
    """The assignment page, also shown again by a refused report or figures form.

    `figures`: what a refused figures form or upload shows again (below).
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
        # Who returned the report, when, and why: shown to both sides, above everything else.
        "returned": selectors.last_return(assignment) if status in RETURNED_STATUSES else None,
        "actions": actions,
        "action_forms": buttons("assignment", actions),
        "report_form": report_form,
        # The unit's indicator figures go in with its report, while the work is received.
        "figures": figures_block(assignment, editable="report" in actions, **(figures or {})),
        "reports": [{"report": r, "attachments": files[r.pk]}
                    for files in [attachments.attachments_by_owner(reports)] for r in reports],
        "implementing": selectors.plans_visible_to(user).filter(parent_assignment=assignment),
        "plan_attachments": attachments_of(assignment.plan),
        **document_card(user, assignment.plan),  # the plan's document, as issued (plans/_document.html)
        "history": history(assignment),
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
            report = services.assignment_report(assignment=assignment, by=user, text=form.cleaned_data["text"],
                                                files=form.cleaned_data["attachments"])
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
        "action_forms": buttons("assignment", actions),
        "attachments": attachments_of(report),
        "history": history(assignment),
    })


# -- the unit's indicator figures, entered on this page ---------------------------------------

@login_required
@require_POST
def assignment_figures(request, pk):
    assignment = get_object_or_404(selectors.assignments_visible_to(request.user), pk=pk)
    entries = indicator_selectors.unit_entries(assignment)

    def save(posted, cutoff_date):
        return indicator_services.indicator_values_set(assignment=assignment, by=request.user, entries=posted,
                                             cutoff_date=cutoff_date)

    def show_again(shown):
        return assignment_page(request, assignment, figures={"entries": entries, **shown})

    url = reverse("plans:assignment", args=[assignment.pk]) + "#chi-tieu"
    return save_figures(request, entries, save, success_url=url, show_again=show_again)


@login_required
@require_POST
def assignment_figures_upload(request, pk):
    from .indicators.excel import assignment_upload  # openpyxl is loaded only for an upload

    assignment = get_object_or_404(selectors.assignments_visible_to(request.user), pk=pk)
    url = reverse("plans:assignment", args=[assignment.pk]) + "#chi-tieu"
    upload = request.FILES.get("file")
    if upload is None:
        errors = [_("Choose the filled-in Excel file.")]
    else:
        try:
            count = assignment_upload(assignment=assignment, by=request.user, file=upload)
        except ActionForbidden as exc:
            messages.error(request, str(exc))
            return redirect(url)
        except ValidationError as exc:
            if not indicator_selectors.may_enter_figures(request.user, assignment):
                messages.error(request, " ".join(exc.messages))  # no upload form to show them on
                return redirect(url)
            errors = exc.messages
        else:
            messages.success(request, _("Figures saved for %(count)s indicators.") % {"count": count})
            return redirect(url)
    return assignment_page(request, assignment, figures={"upload_errors": errors})
