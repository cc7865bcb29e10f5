"""The target page, the heart of an inspection: the unit's self-report, the team's findings,
the conclusion notice and the remediation it asks for. Used on phones in the field, so the
page is one column and every form posts on its own."""

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
from core.errors import ActionForbidden, TaskMissing, TransitionNotAllowed
from core.files import DOCX, PDF, file_response
from core.pdf import PdfUnavailable, pdf_available
from core.ui import action_forms, back, forbidden, perform_or_forbid

from . import selectors, services
from .forms import (
    ConclusionForm,
    FindingForm,
    FindingRecordForm,
    SelfReportForm,
    recommendation_formset,
    rename_service_errors,
)
from .models import ConclusionState, FindingCategory
from .views import history_rows

# URL action → (what selectors.target_actions calls it, service, success message).
CONCLUSION_ACTIONS = {
    "submit": ("submit_conclusion", services.conclusion_submit,
               gettext_lazy("The conclusion has been submitted for approval.")),
    "approve": ("approve_conclusion", services.conclusion_approve, gettext_lazy("The conclusion has been approved.")),
    "return": ("return_conclusion", services.conclusion_return,
               gettext_lazy("The conclusion has been returned with comments.")),
    "issue": ("issue_conclusion", services.conclusion_issue,
              gettext_lazy("The conclusion has been numbered and issued to the unit.")),
}
CONCLUSION_ACTION_FORMS = {
    "submit": (gettext_lazy("Submit the conclusion for approval"), gettext_lazy("Note (optional)"), False,
               "primary"),
    "approve": (gettext_lazy("Approve the conclusion"), gettext_lazy("Comment (optional)"), False, "primary"),
    "issue": (gettext_lazy("Number and issue the conclusion"), gettext_lazy("Note (optional)"), False, "primary"),
    "return": (gettext_lazy("Return with comments"), gettext_lazy("What must be revised (required)"), True, "warn"),
}
FINDING_PREFIX = "finding"


def _correct_prefix(finding) -> str:
    return f"c{finding.pk}"


# -- the target page --------------------------------------------------------------------------------

@login_required
def target_detail(request, pk):
    target = get_object_or_404(selectors.targets_visible_to(request.user), pk=pk)
    return _target_page(request, target)


def _target_page(request, target, *, self_report_form=None, finding_form=None, correcting=None):
    """A refused form is shown again: `finding_form` is the new-finding form, or with `correcting`
    (a finding) the correction form under that finding."""
    user = request.user
    inspection = target.inspection
    actions = selectors.target_actions(user, target)
    findings = list(selectors.findings_visible_to(user).filter(target=target).order_by("recorded_at", "pk"))
    # Numbered in the order recorded, so "corrects #2" reads the same for the team and the unit.
    numbers = {finding.pk: n for n, finding in enumerate(findings, start=1)}
    evidence = attachments.attachments_by_owner(findings)

    def correct_form(finding):
        if "correct_finding" not in actions:
            return None
        if correcting is not None and correcting.pk == finding.pk:
            return finding_form
        return FindingRecordForm(prefix=_correct_prefix(finding), initial=FindingForm.initial_from(finding))

    refused_new = finding_form is not None and correcting is None
    new_finding_form = finding_form if refused_new else FindingRecordForm(prefix=FINDING_PREFIX)
    rows = [{"finding": f, "number": numbers[f.pk], "corrects_number": numbers.get(f.corrects_id),
             "files": evidence[f.pk], "correct_form": correct_form(f)} for f in findings]
    groups = [{"code": code, "label": label, "rows": [r for r in rows if r["finding"].category == code]}
              for code, label in FindingCategory.choices]
    conclusion = selectors.conclusions_visible_to(user).filter(target=target).first()
    allowed = {name for name, (selector_name, _s, _m) in CONCLUSION_ACTIONS.items() if selector_name in actions}
    now = timezone.now()
    remediations = [{"remediation": r, "overdue": r.is_overdue(now)}
                    for r in selectors.remediations_visible_to(user).filter(target=target)]
    return render(request, "inspections/target.html", {
        "target": target,
        "inspection": inspection,
        "whole": selectors.sees_whole_inspection(user, inspection),
        "actions": actions,
        "self_report_form": self_report_form or SelfReportForm(),
        "self_report_files": attachments.attachments_of(target) if target.self_reported_at else [],
        "finding_count": len(findings),
        "groups": [group for group in groups if group["rows"]],
        "finding_form": new_finding_form,
        "conclusion": conclusion,
        "recommendations": list(conclusion.recommendations.all()) if conclusion else [],
        "conclusion_issued": conclusion is not None and conclusion.state == ConclusionState.ISSUED,
        "pdf_available": pdf_available(),
        "action_forms": action_forms(CONCLUSION_ACTION_FORMS, allowed),
        "remediations": remediations,
        "history": history_rows(user, inspection, target, *([conclusion] if conclusion else [])),
    })


@login_required
@require_POST
def target_action(request, pk, action):
    user = request.user
    target = get_object_or_404(selectors.targets_visible_to(user), pk=pk)
    if action == "self_report":
        return _self_report(request, target)
    if action not in CONCLUSION_ACTIONS:
        raise Http404
    conclusion = selectors.conclusions_visible_to(user).filter(target=target).first()
    page = reverse("inspections:target", args=[target.pk])
    if conclusion is None:
        messages.error(request, _("No conclusion has been drafted for this unit yet."))
        return redirect(page)
    _name, service, success = CONCLUSION_ACTIONS[action]
    comment = request.POST.get("comment", "")
    refused = perform_or_forbid(request, lambda: service(conclusion=conclusion, by=user, comment=comment), success)
    return refused or back(request, page)


def _self_report(request, target):
    form = SelfReportForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.target_self_report(target=target, by=request.user, text=form.cleaned_data["text"],
                                        files=form.cleaned_data["attachments"])
        except ActionForbidden as exc:
            return forbidden(request, str(exc))
        except TransitionNotAllowed as exc:
            messages.error(request, str(exc))
            return redirect("inspections:target", pk=target.pk)
        except TaskMissing:
            messages.error(request, _("This step has already been handled. Reload and try again."))
            return redirect("inspections:target", pk=target.pk)
        except ValidationError as exc:
            rename_service_errors(form, exc)
        else:
            messages.success(request, _("The self-report has been sent to the inspection team."))
            return redirect("inspections:target", pk=target.pk)
    return _target_page(request, target, self_report_form=form)


# -- findings -----------------------------------------------------------------------------------------

@login_required
@require_POST
def finding_record(request, pk):
    """A new finding, or with `corrects` a correction of an earlier one after the conclusion is issued."""
    user = request.user
    target = get_object_or_404(selectors.targets_visible_to(user), pk=pk)
    if not selectors.is_team_member(user, target.inspection):
        return forbidden(request, _("Only the inspection team records findings."))
    corrects = None
    if request.POST.get("corrects"):
        corrects = get_object_or_404(selectors.findings_visible_to(user).filter(target=target),
                                     pk=request.POST["corrects"])
    form = FindingRecordForm(request.POST, request.FILES,
                             prefix=_correct_prefix(corrects) if corrects else FINDING_PREFIX)
    if form.is_valid():
        try:
            finding = services.finding_record(target=target, by=user, corrects=corrects,
                                              files=form.cleaned_data["evidence"], **form.finding_fields())
        except ActionForbidden as exc:
            return forbidden(request, str(exc))
        except ValidationError as exc:
            rename_service_errors(form, exc, {"attachments": "evidence"})
        else:
            messages.success(request, _("The correction has been recorded.") if corrects
                             else _("The finding has been recorded."))
            return redirect(reverse("inspections:target", args=[target.pk]) + f"#finding-{finding.pk}")
    return _target_page(request, target, finding_form=form, correcting=corrects)


@login_required
def finding_edit(request, pk):
    user = request.user
    finding = get_object_or_404(selectors.findings_visible_to(user), pk=pk)
    target = get_object_or_404(selectors.targets_visible_to(user), pk=finding.target_id)
    if not selectors.is_team_member(user, target.inspection):
        return forbidden(request, _("Only the inspection team edits findings."))
    page = reverse("inspections:target", args=[target.pk])
    if "record_finding" not in selectors.target_actions(user, target):
        messages.error(request, _("Findings can be edited only while the inspection is under way and before the "
                                  "conclusion is issued. Record a correction instead."))
        return redirect(page)
    if request.method == "POST":
        form = FindingForm(request.POST)
        if form.is_valid():
            try:
                services.finding_update(finding=finding, by=user, **form.finding_fields())
            except ActionForbidden as exc:
                return forbidden(request, str(exc))
            except ValidationError as exc:
                rename_service_errors(form, exc)
            else:
                messages.success(request, _("The finding has been changed."))
                return redirect(page + f"#finding-{finding.pk}")
    else:
        form = FindingForm(initial=FindingForm.initial_from(finding))
    return render(request, "inspections/finding_form.html", {
        "form": form, "finding": finding, "target": target, "inspection": target.inspection,
    })


# -- the conclusion -------------------------------------------------------------------------------------

@login_required
def conclusion_edit(request, pk):
    user = request.user
    target = get_object_or_404(selectors.targets_visible_to(user), pk=pk)
    inspection = target.inspection
    if not selectors.is_team_head(user, inspection):
        return forbidden(request, _("The conclusion is drafted by the head of the inspection team."))
    page = reverse("inspections:target", args=[target.pk])
    if "edit_conclusion" not in selectors.target_actions(user, target):
        messages.error(request, _("Only a draft conclusion can be edited, once the decision has been issued."))
        return redirect(page)
    conclusion = getattr(target, "conclusion", None)
    recommendations = list(conclusion.recommendations.all()) if conclusion else []
    if request.method == "POST":
        form = ConclusionForm(request.POST)
        rows = recommendation_formset(request.POST)
        if form.is_valid() and rows.is_valid():
            try:
                services.conclusion_save(target=target, by=user, text=form.cleaned_data["text"],
                                         recommendations=[row for f in rows for row in [f.row()] if row])
            except ActionForbidden as exc:
                return forbidden(request, str(exc))
            except ValidationError as exc:
                rename_service_errors(form, exc)
            else:
                messages.success(request, _("The draft conclusion has been saved."))
                return redirect(page + "#ket-luan")
    else:
        form = ConclusionForm(initial={"text": conclusion.text if conclusion else ""})
        rows = recommendation_formset(recommendations=recommendations)
    findings = selectors.findings_visible_to(user).filter(target=target).order_by("recorded_at", "pk")
    return render(request, "inspections/conclusion_form.html", {
        "form": form, "rows": rows, "target": target, "inspection": inspection, "conclusion": conclusion,
        "findings": [{"finding": f, "number": n} for n, f in enumerate(findings, start=1)],
    })


def _conclusion_document(request, pk):
    """The conclusion whose notice is asked for: whoever sees the conclusion may download it."""
    return get_object_or_404(selectors.conclusions_visible_to(request.user), pk=pk)


@login_required
def conclusion_docx(request, pk):
    conclusion = _conclusion_document(request, pk)
    from . import documents  # python-docx is loaded only when a notice is asked for

    return file_response(documents.conclusion_docx(conclusion), documents.file_name(conclusion, "docx"), DOCX)


@login_required
def conclusion_pdf(request, pk):
    """The notice as PDF: of an issued one the stored file, of a draft a preview. Without LibreOffice
    the page says why and offers the .docx."""
    conclusion = _conclusion_document(request, pk)
    from . import documents

    try:
        content = documents.conclusion_pdf(conclusion)
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect(reverse("inspections:target", args=[conclusion.target_id]) + "#ket-luan")
    return file_response(content, documents.file_name(conclusion, "pdf"), PDF)
