"""The deadline sweep: reminders before due, the overdue notice, two levels of escalation.

Run every few minutes by beat (`deadlines.tasks.sweep`) or by hand (`manage.py deadlines_sweep`).
Each level of each step is sent exactly once, however many sweeps run, at the same time or
after a crash:

1. per step kind, one range query on its (state, due) index finds the open rows due by the
   horizon (deadlines.policy.horizons) whose last level is not yet recorded;
2. per batch of rows, in ONE transaction: work out the levels whose moment has come and that
   are not recorded; insert their `DeadlineEvent` rows with this batch's claim uuid, ignoring
   conflicts on the unique (step, object, level, due); read back the rows carrying the claim,
   which are exactly the ones this transaction inserted; write their notifications; commit.

A concurrent sweep inserting the same event waits on the unique index until the first one
commits, then skips it; if the first one dies, its transaction rolls back and the next sweep
sends. Claims are inserted in the same (sorted) order by every sweep, so two sweeps never
deadlock on each other's keys. Nothing is ever sent outside the transaction that records it:
the e-mail copies are queued on commit.
"""

import logging
import uuid
from collections import Counter
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation

from notifications.models import Notification

from .messages import KIND, title_and_body
from .models import DeadlineEvent, Level
from .policy import LevelClock, horizons, policies
from .recipients import Directory
from .steps import steps

logger = logging.getLogger(__name__)

BATCH_SIZE = 2000
LEVEL_ORDER = {level: index for index, level in enumerate(Level.values)}


@dataclass
class SweepResult:
    candidates: int = 0
    events: int = 0
    notifications: int = 0
    levels: Counter = field(default_factory=Counter)

    def as_dict(self) -> dict:
        return {"candidates": self.candidates, "events": self.events, "notifications": self.notifications,
                "levels": dict(self.levels)}


def deadlines_sweep(*, now=None, batch_size: int = BATCH_SIZE) -> SweepResult:
    now = now or timezone.now()
    result = SweepResult()
    with translation.override(settings.LANGUAGE_CODE):
        all_policies = policies()
        until = horizons(now, all_policies)
        for step in steps():
            policy = all_policies[step.kind]
            candidates = step.candidates(until[step.kind])
            if not candidates:
                continue
            result.candidates += len(candidates)
            clock = LevelClock(policy, [c.due for c in candidates])
            for start in range(0, len(candidates), batch_size):
                with transaction.atomic():
                    _sweep_batch(step, clock, candidates[start:start + batch_size], now, result)
    logger.info("deadlines sweep: %s", result.as_dict())
    return result


def _sweep_batch(step, clock, candidates, now, result):
    by_id = {c.object_id: c for c in candidates}
    recorded = set(
        DeadlineEvent.objects.filter(step_kind=step.kind, object_id__in=list(by_id))
        .order_by().values_list("object_id", "level", "due")
    )
    wanted = sorted(
        ((c.object_id, level, c.due) for c in candidates for level in clock.levels_due(c.due, now)
         if (c.object_id, level, c.due) not in recorded),
        key=lambda key: (key[0], LEVEL_ORDER[key[1]], key[2]),
    )
    if not wanted:
        return
    claim = uuid.uuid4()
    DeadlineEvent.objects.bulk_create(
        [DeadlineEvent(step_kind=step.kind, object_id=object_id, level=level, due=due, claim=claim, created_at=now)
         for object_id, level, due in wanted],
        ignore_conflicts=True,
    )
    # What this transaction won: a concurrent sweep's rows (or ones it already committed) are not ours.
    won = sorted(DeadlineEvent.objects.filter(claim=claim).order_by().values_list("object_id", "level"),
                 key=lambda key: (key[0], LEVEL_ORDER[key[1]]))
    if not won:
        return
    directory = Directory(step, [by_id[object_id] for object_id in dict.fromkeys(o for o, _level in won)],
                          today=timezone.localdate(now))
    url_of = step.url_maker()
    notifications = []
    for object_id, level in won:
        c = by_id[object_id]
        title, body = title_and_body(level, what=step.what(c.subject), unit=c.unit_name, due=c.due)
        url = url_of(object_id)
        notifications += [
            Notification(recipient_id=r.user_id, delegated_from_id=r.delegated_from_id, kind=KIND[level],
                         title=title[:300], body=body, url=url, created_at=now)
            for r in directory.recipients(c, level)
        ]
        result.levels[level] += 1
    result.events += len(won)
    _send(notifications)
    result.notifications += len(notifications)


def _send(notifications):
    """notifications.services.notify for many messages at once: one insert for the batch, and
    one e-mail task after commit. notify() takes one title for all its recipients, so calling it
    per event would cost an insert and a queued task per row."""
    rows = Notification.objects.bulk_create(notifications)
    ids = [n.pk for n in rows if n.pk is not None]
    if ids:
        from notifications.tasks import notifications_email

        # robust: if the broker is gone, the e-mail sweep of notifications sends them later.
        transaction.on_commit(lambda: notifications_email.delay(ids), robust=True)
