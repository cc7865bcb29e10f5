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
from .models import NotificationKind
from .recipients import task_recipients
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
    recipients = [r for r in task_recipients(task) if r.user_id != actor]
    if not recipients:
        return
    with translation.override(settings.LANGUAGE_CODE):
        step = str(node.task_title or node.name)
        body = gettext("Unit: %(where)s.") % {"where": view.unit}
        if view.due:
            body += " " + gettext("Due: %(due)s.") % {"due": _when(view.due)}
        notify(recipients=recipients, kind=NotificationKind.TASK, body=body, url=view.url,
               title=str(title) % {"task": step, "subject": view.subject, "where": view.unit})


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
