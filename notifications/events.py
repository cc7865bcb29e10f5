"""What a workflow event tells whom: a new task to the people who may take it, a return or an
approval to the author. Texts are written in the site's language (LANGUAGE_CODE, Vietnamese)
whatever language the acting person browses in: they are stored, and read by others."""

from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils import formats, timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from inspections.flows import InspectionDecisionFlow, InspectionTargetFlow, RemediationFlow
from workflows.flows import AssignmentFlow, PlanApprovalFlow

from .models import NotificationKind
from .recipients import task_recipients, unit_handlers
from .services import Message, Recipient, notify, notify_each

# (flow, node) → title. None: no notice, because the author already has the "returned" one
# with the comment, and every drafter of the unit could take the rework step.
TASK_TITLES = {
    (PlanApprovalFlow, "review"): _("A draft plan to review: %(subject)s"),
    (PlanApprovalFlow, "approve"): _("A plan awaiting your approval: %(subject)s"),
    (PlanApprovalFlow, "rework"): None,
    (PlanApprovalFlow, "issue"): _("A plan to number and issue: %(subject)s"),
    (AssignmentFlow, "receive"): _("New work to receive: %(subject)s"),
    (AssignmentFlow, "report"): _("Report the results: %(subject)s"),
    (AssignmentFlow, "review"): _("A report to review from %(where)s: %(subject)s"),
    (InspectionDecisionFlow, "approve"): _("An inspection decision awaiting your approval: %(subject)s"),
    (InspectionDecisionFlow, "rework"): None,
    (InspectionTargetFlow, "self_report"): _("Send the self-report for the inspection: %(subject)s"),
    (InspectionTargetFlow, "draft_conclusion"): _("Draft the conclusion for %(where)s: %(subject)s"),
    (InspectionTargetFlow, "approve_conclusion"): _("A conclusion awaiting your approval, %(where)s: %(subject)s"),
    (InspectionTargetFlow, "issue_conclusion"): _("A conclusion to number and issue, %(where)s: %(subject)s"),
    (RemediationFlow, "report"): _("A remediation to report: %(subject)s"),
    (RemediationFlow, "verify"): _("A remediation report to verify from %(where)s: %(subject)s"),
}
TASK_TITLE = _("New task: %(task)s — %(subject)s")

# (model name, transition) → (kind, title)
TRANSITION_TITLES = {
    ("plan", "return_to_draft"): (NotificationKind.RETURNED, _("Your draft plan was returned: %(subject)s")),
    ("inspection", "return_to_draft"): (NotificationKind.RETURNED,
                                        _("Your inspection decision was returned: %(subject)s")),
    ("conclusion", "return_to_draft"): (NotificationKind.RETURNED,
                                        _("Your draft conclusion was returned: %(subject)s")),
    ("assignment", "return_report"): (NotificationKind.RETURNED, _("Your report was returned: %(subject)s")),
    ("remediation", "reopen"): (NotificationKind.RETURNED,
                                _("Your remediation report was sent back: %(subject)s")),
    ("plan", "approve"): (NotificationKind.APPROVED, _("Your plan was approved: %(subject)s")),
    ("inspection", "approve"): (NotificationKind.APPROVED, _("Your inspection decision was approved: %(subject)s")),
    ("conclusion", "approve"): (NotificationKind.APPROVED, _("Your conclusion was approved: %(subject)s")),
}


def _url(name, pk) -> str:
    try:
        return reverse(name, args=[pk])
    except NoReverseMatch:  # a screen not wired in this deployment: the notice still goes out
        return ""


def _short(text: str) -> str:
    return Truncator(text).chars(150)


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _task_about(task) -> dict | None:
    """subject, where and link of the object a task is about; None for a process of another kind."""
    process = task.process
    flow_class = task.flow_task.flow_class
    if flow_class is PlanApprovalFlow:
        plan = process.plan
        return {"subject": plan.subject, "where": plan.issuing_unit.name, "url": _url("plans:detail", plan.pk)}
    if flow_class is AssignmentFlow:
        assignment = process.assignment
        return {"subject": assignment.plan.subject, "where": assignment.unit.name,
                "url": _url("plans:assignment", assignment.pk), "due": assignment.report_due}
    if flow_class is InspectionDecisionFlow:
        inspection = process.inspection
        return {"subject": inspection.subject, "where": inspection.programme.issuing_unit.name,
                "url": _url("inspections:inspection", inspection.pk)}
    if flow_class is InspectionTargetFlow:
        target = process.inspection_target
        return {"subject": target.inspection.subject, "where": target.name,
                "url": _url("inspections:target", target.pk),
                "due": target.self_report_due if task.flow_task.name == "self_report" else None}
    if flow_class is RemediationFlow:
        remediation = process.remediation
        return {"subject": _short(remediation.recommendation.text), "where": remediation.target.name,
                "url": _url("inspections:remediation", remediation.pk), "due": remediation.due}
    return None


def _actor_id(task):
    """Who just finished the step before: told nothing about the next step they queued themselves."""
    return (
        Task.objects.filter(process_id=task.process_id, status=STATUS.DONE).exclude(pk=task.pk)
        .order_by("-finished", "-pk").values_list("owner_id", flat=True).first()
    )


def task_created(task) -> None:
    node = task.flow_task
    title = TASK_TITLES.get((node.flow_class, node.name), TASK_TITLE)
    about = _task_about(task) if title is not None else None
    if about is None:
        return
    actor = _actor_id(task)
    recipients = [r for r in task_recipients(task) if r.user_id != actor]
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        step = str(node.task_title or node.name)
        body = gettext("Unit: %(where)s.") % {"where": about["where"]}
        if about.get("due") and node.name in ("receive", "report", "self_report"):
            body += " " + gettext("Due: %(due)s.") % {"due": _when(about["due"])}
        notify(recipients=recipients, kind=NotificationKind.TASK, body=body, url=about["url"],
               title=str(title) % {"task": step, **about})


def assignments_started(assignments) -> None:
    """The receive tasks the bulk start inserted without signals: every handler of each receiving
    unit, resolved in one query and inserted in one statement (the issue costs the same for 10 or
    100 units)."""
    if not assignments:
        return
    handlers = unit_handlers({a.unit_id for a in assignments})
    plan = assignments[0].plan
    with translation.override(settings.LANGUAGE_CODE):
        title = str(TASK_TITLES[AssignmentFlow, "receive"]) % {"subject": plan.subject}
        body = gettext("%(issuer)s assigned this to your unit. Confirm receipt by %(due)s.") % {
            "issuer": plan.issuing_unit.name, "due": _when(assignments[0].receipt_due)}
    notify_each(kind=NotificationKind.TASK, messages=[
        Message(Recipient(user_id), title, body, _url("plans:assignment", a.pk))
        for a in assignments for user_id in handlers.get(a.unit_id, ())
    ])


def _author_and_about(log):
    """(author id, subject, link) of the object a return or an approval is about."""
    obj = log.subject
    model = log.content_type.model
    if model == "plan":
        return obj.created_by_id, obj.subject, _url("plans:detail", obj.pk)
    if model == "inspection":
        return obj.created_by_id, obj.subject, _url("inspections:inspection", obj.pk)
    if model == "conclusion":
        target = obj.target
        return obj.drafted_by_id, f"{target.inspection.subject} — {target.name}", _url("inspections:target", target.pk)
    if model == "assignment":
        last = obj.reports.order_by("-version").values_list("submitted_by_id", flat=True).first()
        return last, obj.plan.subject, _url("plans:assignment", obj.pk)
    if model == "remediation":
        last = obj.reports.order_by("-version").values_list("submitted_by_id", flat=True).first()
        return last, _short(obj.recommendation.text), _url("inspections:remediation", obj.pk)
    return None, "", ""


def transition_logged(log) -> None:
    entry = TRANSITION_TITLES.get((log.content_type.model, log.transition))
    if entry is None:
        return
    kind, title = entry
    author_id, subject, url = _author_and_about(log)
    if author_id is None or author_id == log.by_id:
        return
    with translation.override(settings.LANGUAGE_CODE):
        by = log.by.get_full_name()
        if log.on_behalf_of_id:
            by = gettext("%(deputy)s on behalf of %(leader)s") % {"deputy": by,
                                                                 "leader": log.on_behalf_of.get_full_name()}
        if kind == NotificationKind.RETURNED:
            body = gettext("%(by)s returned it with this comment:") % {"by": by}
        else:
            body = gettext("%(by)s approved it.") % {"by": by}
        if log.comment:
            body = f"{body}\n{log.comment}"
        notify(recipients=[Recipient(author_id)], kind=kind, title=str(title) % {"subject": subject}, body=body,
               url=url)
