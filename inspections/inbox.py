"""How the inspection's tasks appear in the inbox and in task notices (registered in inspections.apps)."""

from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _

from plans.selectors import STATUS_LABELS
from workflows.registry import About, FlowKind, TaskView

from .flows import InspectionDecisionFlow, InspectionTargetFlow, RemediationFlow
from .statuses import remediation_status, self_report_status


def short(text: str) -> str:
    """A recommendation as a notice title can hold it."""
    return Truncator(text).chars(150)


def _status(code: str) -> dict:
    # The colours and labels of the plans' statuses (inspections.statuses judges by them).
    return {"status": code, "status_label": STATUS_LABELS.get(code, "")} if code else {}


def describe_decision_task(task, now) -> TaskView:
    inspection = task.process.inspection
    return TaskView(what=task.flow_task.task_title, title=inspection.subject, subject=inspection.subject,
                    unit=inspection.programme.issuing_unit.name, number=inspection.decision_number,
                    url=reverse("inspections:inspection", args=[inspection.pk]))


def describe_target_task(task, now) -> TaskView:
    target = task.process.inspection_target
    inspection = target.inspection
    reporting = task.flow_task.name == "self_report"
    due = target.self_report_due if reporting else None
    return TaskView(what=task.flow_task.task_title, title=inspection.subject, subject=inspection.subject,
                    unit=target.name, number=inspection.decision_number, due=due,
                    url=reverse("inspections:target", args=[target.pk]),
                    **_status(self_report_status(target, now) if reporting else ""))


def describe_remediation_task(task, now) -> TaskView:
    remediation = task.process.remediation
    reporting = task.flow_task.name == "report"
    text = remediation.recommendation.text
    return TaskView(what=task.flow_task.task_title, title=text, subject=short(text),
                    unit=remediation.target.name, number=remediation.target.inspection.decision_number,
                    due=remediation.due if reporting else None,
                    url=reverse("inspections:remediation", args=[remediation.pk]),
                    **_status(remediation_status(remediation, now) if reporting else ""))


def _about(inspection_path: str) -> About:
    return About("inspection", key=f"{inspection_path}__id", title=f"{inspection_path}__subject",
                 number=f"{inspection_path}__decision_number")


FLOWS = (
    FlowKind(InspectionDecisionFlow, describe_decision_task,
             related=("process__inspection__programme__issuing_unit",),
             search_paths=("process__inspection__search_text",),
             about=_about("process__inspection"),
             unit_path="process__inspection__programme__issuing_unit",
             notice_titles={
                 "approve": _("An inspection decision awaiting your approval: %(subject)s"),
                 "rework": None,  # the author has the "returned" notice with the comment
             }),
    FlowKind(InspectionTargetFlow, describe_target_task,
             related=("process__inspection_target__unit", "process__inspection_target__inspection"),
             due_paths={"self_report": "process__inspection_target__self_report_due"},
             search_paths=("process__inspection_target__inspection__search_text",),
             about=_about("process__inspection_target__inspection"),
             unit_path="process__inspection_target__unit",
             notice_titles={
                 "self_report": _("Send the self-report for the inspection: %(subject)s"),
                 "draft_conclusion": _("Draft the conclusion for %(where)s: %(subject)s"),
                 "approve_conclusion": _("A conclusion awaiting your approval, %(where)s: %(subject)s"),
                 "issue_conclusion": _("A conclusion to number and issue, %(where)s: %(subject)s"),
             }),
    FlowKind(RemediationFlow, describe_remediation_task,
             related=("process__remediation__target__unit", "process__remediation__target__inspection",
                      "process__remediation__recommendation"),
             due_paths={"report": "process__remediation__due"},
             search_paths=("process__remediation__target__inspection__search_text",),
             about=_about("process__remediation__target__inspection"),
             unit_path="process__remediation__target__unit",
             notice_titles={
                 "report": _("A remediation to report: %(subject)s"),
                 "verify": _("A remediation report to verify from %(where)s: %(subject)s"),
             }),
)
