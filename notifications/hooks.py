"""Signal receivers: a new human task, a return, an approval. Connected in apps.ready().

Each runs in a savepoint of the business transaction, so the notices commit (or roll back)
with the change they announce, and a failure here is logged, never raised: a plan must not
fail to be approved because its author could not be told."""

import logging

from django.db import transaction
from viewflow.workflow.status import STATUS

from . import events

logger = logging.getLogger(__name__)


def guarded(label, handler, obj):
    """Run `handler(obj)` in a savepoint; log a failure instead of raising it."""
    try:
        with transaction.atomic():
            handler(obj)
    except Exception:
        logger.exception("Notifications for %s were not sent", label)


def task_saved(sender, instance, created, raw=False, **kwargs):
    # viewflow creates a human task with its permission already set, in one save.
    if created and not raw and instance.flow_task_type == "HUMAN" and instance.status == STATUS.NEW:
        guarded(f"task {instance.pk}", events.task_created, instance)


def transition_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        guarded(f"history entry {instance.pk}", events.transition_logged, instance)
