"""How the emulation's tasks appear in the inbox and in task notices (registered in emulation.apps)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from plans.selectors import STATUS_LABELS, deadline_status
from workflows.registry import About, FlowKind, TaskView

from .flows import ScoreSheetFlow

NOTICES = {
    "assess": _("Assess your unit's emulation scores: %(subject)s"),
    "verify": _("An emulation score sheet to verify, %(where)s: %(subject)s"),
    "approve": _("An emulation score sheet awaiting approval, %(where)s: %(subject)s"),
}


def _due(sheet, node_name):
    emulation = sheet.emulation
    return {"assess": emulation.self_assessment_due, "verify": emulation.verification_due}.get(node_name)


def describe_sheet_task(task, now) -> TaskView:
    sheet = task.process.score_sheet
    emulation = sheet.emulation
    due = _due(sheet, task.flow_task.name)
    status = deadline_status(due, now) if due else ""
    return TaskView(what=task.flow_task.task_title, title=emulation.subject, subject=emulation.subject,
                    unit=sheet.unit.name, number=emulation.number, due=due, status=status,
                    status_label=STATUS_LABELS.get(status, ""),
                    url=reverse("emulation:sheet", args=[sheet.pk]))


FLOWS = (
    FlowKind(ScoreSheetFlow, describe_sheet_task,
             related=("process__score_sheet__unit", "process__score_sheet__emulation"),
             due_paths={"assess": "process__score_sheet__emulation__self_assessment_due",
                        "verify": "process__score_sheet__emulation__verification_due"},
             search_paths=("process__score_sheet__emulation__search_text",),
             about=About("emulation", key="process__score_sheet__emulation_id",
                         title="process__score_sheet__emulation__subject",
                         number="process__score_sheet__emulation__number"),
             unit_path="process__score_sheet__unit",
             notice_titles=NOTICES),
)
