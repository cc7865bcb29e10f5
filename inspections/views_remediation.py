"""Remediation of one recommendation: the unit reports what it has put right, the committee
verifies it or reopens it with what is still missing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core import attachments
from core.errors import ActionForbidden, TaskMissing, TransitionNotAllowed
from core.ui import action_forms, back, forbidden, perform_or_forbid

from . import selectors, services
from .forms import RemediationReportForm, rename_service_errors
from .views import history_rows

REMEDIATION_ACTIONS = {
    "verify": (services.remediation_verify, gettext_lazy("The remediation has been verified.")),
    "reopen": (services.remediation_reopen, gettext_lazy("The remediation has been sent back to the unit.")),
}
REMEDIATION_ACTION_FORMS = {
    "verify": (gettext_lazy("Verify the remediation"), gettext_lazy("Comment (optional)"), False, "primary"),
    "reopen": (gettext_lazy("Ask for more remediation"), gettext_lazy("What is still missing (required)"), True,
               "warn"),
}


@login_required
def remediation_detail(request, pk):
    remediation = get_object_or_404(selectors.remediations_visible_to(request.user), pk=pk)
    return _remediation_page(request, remediation)


def _remediation_page(request, remediation, report_form=None):
    user = request.user
    target = remediation.target
    actions = selectors.remediation_actions(user, remediation)
    reports = list(selectors.remediation_reports_visible_to(user).filter(remediation=remediation)
                   .select_related("submitted_by").order_by("-version"))
    if report_form is None:
        # A reopened remediation is usually amended, not rewritten: start from the last version.
        report_form = RemediationReportForm(initial={"text": reports[0].text} if reports else None)
    files = attachments.attachments_by_owner(reports)
    return render(request, "inspections/remediation.html", {
        "remediation": remediation,
        "recommendation": remediation.recommendation,
        "target": target,
        "inspection": target.inspection,
        "overdue": remediation.is_overdue(),
        "actions": actions,
        "action_forms": action_forms(REMEDIATION_ACTION_FORMS, actions),
        "report_form": report_form,
        "reports": [{"report": report, "attachments": files[report.pk]} for report in reports],
        "history": history_rows(user, target.inspection, remediation),
    })


@login_required
@require_POST
def remediation_action(request, pk, action):
    user = request.user
    remediation = get_object_or_404(selectors.remediations_visible_to(user), pk=pk)
    if action == "report":
        return _report(request, remediation)
    if action not in REMEDIATION_ACTIONS:
        raise Http404
    service, success = REMEDIATION_ACTIONS[action]
    comment = request.POST.get("comment", "")
    refused = perform_or_forbid(request, lambda: service(remediation=remediation, by=user, comment=comment), success)
    return refused or back(request, reverse("inspections:remediation", args=[remediation.pk]))


def _report(request, remediation):
    form = RemediationReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            report = services.remediation_report(remediation=remediation, by=request.user,
                                                 text=form.cleaned_data["text"],
                                                 files=form.cleaned_data["attachments"])
        except ActionForbidden as exc:
            return forbidden(request, str(exc))
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            return redirect("inspections:remediation", pk=remediation.pk)
        except TaskMissing:
            messages.error(request, _("This step has already been handled. Reload and try again."))
            return redirect("inspections:remediation", pk=remediation.pk)
        except ValidationError as exc:
            rename_service_errors(form, exc)
        else:
            messages.success(request, _("Remediation report version %(version)s has been sent.") % {
                "version": report.version})
            return redirect("inspections:remediation", pk=remediation.pk)
    return _remediation_page(request, remediation, report_form=form)
