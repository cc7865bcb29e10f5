"""Issuing a plan to many units at once: one AssignmentFlow per assignment, started in bulk,
and the receiving units' people told in one insert."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from accounts.models import Unit
from notifications.hooks import guarded
from notifications.models import NotificationKind
from notifications.recipients import unit_handlers
from notifications.services import Message, Recipient, notify_each
from workflows import engine

from .flows import AssignmentFlow
from .inbox import ASSIGNMENT_NOTICES
from .models import Assignment


def assignment_processes_start(assignments) -> None:
    """The process of every new assignment, with its open `receive` task for the unit's people,
    in a fixed number of queries (workflows.engine.processes_start_bulk)."""
    if not assignments:
        return
    processes = engine.processes_start_bulk(
        AssignmentFlow, AssignmentFlow.receive, permission="accounts.handle_assignments",
        content_type=ContentType.objects.get_for_model(Unit), object_pks=[a.unit_id for a in assignments],
    )
    for assignment, process in zip(assignments, processes, strict=True):
        assignment.process = process
    Assignment.objects.bulk_update(assignments, ["process"])
    # These tasks fire no post_save: their units' people are told here, in one bulk insert.
    guarded(f"the assignments of plan {assignments[0].plan_id}", assignments_started, assignments)


def assignments_started(assignments) -> None:
    """Every handler of each receiving unit, resolved in one query and told in one statement
    (the issue costs the same for 10 or 100 units)."""
    handlers = unit_handlers({a.unit_id for a in assignments})
    plan = assignments[0].plan
    marker = 987654321  # one reverse() for every link: an issue may send thousands
    head, tail = reverse("plans:assignment", args=[marker]).split(str(marker), 1)
    with translation.override(settings.LANGUAGE_CODE):
        title = str(ASSIGNMENT_NOTICES["receive"]) % {"subject": plan.subject}
        due = formats.date_format(timezone.localtime(assignments[0].receipt_due), "SHORT_DATETIME_FORMAT")
        body = gettext("%(issuer)s assigned this to your unit. Confirm receipt by %(due)s.") % {
            "issuer": plan.issuing_unit.name, "due": due}
    notify_each(kind=NotificationKind.TASK, messages=[
        Message(Recipient(user_id), title, body, f"{head}{a.pk}{tail}")
        for a in assignments for user_id in handlers.get(a.unit_id, ())
    ])
