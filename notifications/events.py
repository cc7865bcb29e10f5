"""What a workflow event tells whom: a new task to the people who may take it, a return or an
approval to the author. Texts are written in the site's language (LANGUAGE_CODE, Vietnamese)
whatever language the acting person browses in: they are stored, and read by others."""

from django.conf import settings
from django.utils import formats, timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from workflows import registry as flows

from . import registry
from .models import Notification, NotificationKind
from .recipients import responsible_only, task_recipients
from .services import Recipient, notify

TASK_TITLE = _("New task: %(task)s — %(subject)s")


def _when(moment) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT")


def _actor_id(task):
    """Who just finished the step before: told nothing about the next step they queued themselves."""
    return (
        Task.objects.filter(process_id=task.process_id, status=STATUS.DONE).exclude(pk=task.pk)
        .order_by("-finished", "-pk").values_list("owner_id", flat=True).first()
    )


def task_created(task) -> None:
    node = task.flow_task
    title = flows.notice_title(node.flow_class, node.name, TASK_TITLE)
    if title is flows.NO_NOTICE:
        return
    view = flows.describe(task, timezone.now())
    actor = _actor_id(task)
    # One person responsible for the step (notifications.registry) is told alone; the inbox
    # still lists the task for everyone who may take it.
    may_take = task_recipients(task)
    recipients = [r for r in responsible_only(task, may_take) if r.user_id != actor]
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        step = str(node.task_title or node.name)
        body = gettext("Unit: %(where)s.") % {"where": view.unit}
        if view.due:
            body += " " + gettext("Due: %(due)s.") % {"due": _when(view.due)}
        returned = _return_comment(task, may_take, view.url)
        if returned:
            body += "\n" + returned  # why the work came back, as the "returned" notice says it
        notify(recipients=recipients, kind=NotificationKind.TASK, body=body, url=view.url,
               title=str(title) % {"task": step, "subject": view.subject, "where": view.unit})


def _return_comment(task, may_take, url) -> str:
    """What the "returned" notice that reopened this step says (who returned it, the comment), if one did.

    A return (a report sent back, a remediation reopened) tells its author why (transition_logged)
    and then opens the step again for the whole unit: without this, the unit's task notice, on
    top of everyone's list, said only "report the results", without the reviewer's comment. Only
    a notice since the step before this one was opened belongs to this return, not an earlier
    round's. Looked up among the people who may take the task, on the (recipient, sent at) index.
    """
    before = (  # the human step just done (a gateway after it is done later, after the notice)
        Task.objects.filter(process_id=task.process_id, status=STATUS.DONE, flow_task_type="HUMAN")
        .exclude(pk=task.pk).order_by("-finished", "-pk").values_list("created", flat=True).first()
    )
    if before is None or not may_take:
        return ""
    return (
        Notification.objects.filter(recipient_id__in=[r.user_id for r in may_take], kind=NotificationKind.RETURNED,
                                    url=url, created_at__gte=before)
        .order_by("-pk").values_list("body", flat=True).first()
    ) or ""


def transition_logged(log) -> None:
    label = f"{log.content_type.app_label}.{log.content_type.model}"
    entry = registry.transition_notice(label, log.transition)
    if entry is None:
        return
    kind, title = entry
    about = registry.author_of(label, log.subject)
    if about is None or about.author_id is None or about.author_id == log.by_id:
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
        notify(recipients=[Recipient(about.author_id)], kind=kind, title=str(title) % {"subject": about.subject},
               body=body, url=about.url)
