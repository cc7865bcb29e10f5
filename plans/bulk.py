"""One decision for many units of a plan: accept the selected reports, return them, remind the
units. Each object goes through the ordinary service in its own transaction, so one refusal
(a report already handled, another plan's assignment slipped into the ids, no permission)
never undoes the others, and every object's history gets its own row."""

from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core import transitions
from core.errors import ActionForbidden, TaskMissing, TransitionNotAllowed
from core.rules import require
from notifications.models import NotificationKind
from notifications.recipients import unit_handlers
from notifications.services import Message, Recipient, notify_each

from . import selectors, services
from .models import Assignment, AssignmentState
from .rules import ASSIGNMENT_RULES

# The most one request may decide: a province's 129 communes fit, the centre works in pages.
MAX_IDS = 500
PENDING = (AssignmentState.SENT, AssignmentState.RECEIVED)
ACTIONS = {
    "accept": gettext_lazy("Accept the selected reports"),
    "return": gettext_lazy("Return the selected reports"),
    "remind": gettext_lazy("Remind the selected units"),
    "extend": gettext_lazy("Extend the deadline of the selected units"),
}


@dataclass
class BulkResult:
    done: list[Assignment] = field(default_factory=list)
    refused: list[tuple[int, str, str]] = field(default_factory=list)  # (id, unit or "", why)

    def as_dict(self) -> dict:
        return {"done": [a.pk for a in self.done],
                "refused": [{"id": pk, "unit": unit, "reason": why} for pk, unit, why in self.refused]}


def _remind(*, assignment: Assignment, by, comment: str = ""):
    """A reminder from the issuer to the unit's people, logged in the assignment's history."""
    with transaction.atomic():
        assignment = transitions.lock(Assignment, assignment.pk)
        require(ASSIGNMENT_RULES, "remind", by, assignment)
        if not ASSIGNMENT_RULES["remind"].when(assignment):
            raise TransitionNotAllowed(assignment, _("remind"))
        transitions.transition_log(obj=assignment, transition="remind", source=assignment.state, by=by,
                                   comment=comment)
        with translation.override(settings.LANGUAGE_CODE):
            title = _("Reminder from %(issuer)s: %(subject)s") % {
                "issuer": assignment.plan.issuing_unit.name, "subject": assignment.plan.subject}
            due = formats.date_format(timezone.localtime(assignment.report_due), "SHORT_DATETIME_FORMAT")
            body = comment or _("Please report by %(due)s.") % {"due": due}
        url = reverse("plans:assignment", args=[assignment.pk])
        notify_each(kind=NotificationKind.REMINDER, messages=[
            Message(Recipient(user_id), title, body, url) for user_id in unit_handlers([assignment.unit_id]).get(
                assignment.unit_id, ())
        ])
    return assignment


def _extend(*, assignment: Assignment, by, comment: str, until):
    """A later report deadline for one unit, with the reason in its history; the deadline as
    issued stays on the row (Assignment.original_report_due)."""
    with transaction.atomic():
        assignment = transitions.lock(Assignment, assignment.pk)
        require(ASSIGNMENT_RULES, "extend", by, assignment)
        if not ASSIGNMENT_RULES["extend"].when(assignment):
            raise TransitionNotAllowed(assignment, _("extend the deadline"))
        if until <= assignment.report_due:
            raise ValidationError({"until": _("The new deadline must be later than the current one.")})
        before = assignment.report_due
        assignment.extend(until)
        assignment.save(update_fields=["report_due", "original_report_due"])
        when = "%d/%m/%Y %H:%M"
        transitions.transition_log(obj=assignment, transition="extend", source=assignment.state, by=by,
                                   comment=f"{timezone.localtime(before):{when}} → {timezone.localtime(until):{when}}: "
                                           f"{comment}")
    return assignment


SERVICES = {
    "accept": services.assignment_accept,
    "return": services.assignment_return,
    "remind": _remind,
    "extend": _extend,
}


def assignments_bulk(*, plan, by, action: str, ids, comment: str = "", until=None) -> BulkResult:
    """Run `action` on each assignment of `plan` named in `ids`; say what was done and what was
    refused and why. A required comment (or new deadline) is checked once, before anything is done."""
    if action not in SERVICES:
        raise ValidationError({"action": _("Choose accept, return, remind or extend.")})
    ids = list(dict.fromkeys(int(pk) for pk in ids))
    if not ids:
        raise ValidationError({"ids": _("Choose at least one unit.")})
    if len(ids) > MAX_IDS:
        raise ValidationError({"ids": _("At most %(max)s units at once.") % {"max": MAX_IDS}})
    if action == "return" and not (comment or "").strip():
        raise ValidationError({"comment": _("A comment is required to return it.")})
    extra = {}
    if action == "extend":
        if not (comment or "").strip():
            raise ValidationError({"comment": _("Say why the deadline is extended.")})
        if until is None or until <= timezone.now():
            raise ValidationError({"until": _("Choose a new deadline in the future.")})
        extra["until"] = until
    mine = {a.pk: a for a in selectors.assignments_visible_to(by).filter(plan=plan, pk__in=ids)}
    result = BulkResult()
    for pk in ids:
        assignment = mine.get(pk)
        if assignment is None:
            result.refused.append((pk, "", _("Not an assignment of this plan.")))
            continue
        try:
            SERVICES[action](assignment=assignment, by=by, comment=comment, **extra)
        except (ActionForbidden, TransitionNotAllowed, ValidationError) as exc:
            reason = " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)
            result.refused.append((pk, assignment.unit.name, reason))
        except TaskMissing:
            result.refused.append((pk, assignment.unit.name, _("This step has already been handled.")))
        else:
            result.done.append(assignment)
    return result


def pending_ids(plan) -> list[int]:
    """Every unit of the plan that has not reported yet: what "remind all" reminds."""
    return list(plan.assignments.filter(state__in=PENDING).order_by("unit__path").values_list("pk", flat=True))
