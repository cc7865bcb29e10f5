"""Sending notifications: one bulk insert whatever the number of recipients; the e-mail copies
go out from a Celery task after the sending transaction commits (notifications.tasks).

Also the person's own writes: open one (mark read), mark all read, save the preference.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from core.copy import Written, copy_rows

from .models import Notification, NotificationPreference


@dataclass(frozen=True)
class Recipient:
    user_id: int
    delegated_from_id: int | None = None


@dataclass(frozen=True)
class Message:
    """One notification for one person, when each person's text or link differs (bulk paths)."""

    recipient: Recipient
    title: str
    body: str = ""
    url: str = ""


def notify(*, recipients: Iterable[Recipient], kind: str, title: str, body: str = "",
           url: str = "") -> list[Notification]:
    return notify_each(kind=kind, messages=[Message(r, title, body, url) for r in recipients])


def notify_each(*, kind: str, messages: Iterable[Message]) -> Sequence[Notification]:
    """Like notify(), each person with their own text and link: still one insert and one e-mail task.

    Written by COPY on PostgreSQL (core.copy), and given back as Notification objects made only
    when read: a plan issued to every commune sends 6,642 notices and reads none of them.
    """
    fields = ("recipient_id", "delegated_from_id", "title", "body", "url")
    rows = [(m.recipient.user_id, m.recipient.delegated_from_id, m.title[:300], m.body, m.url[:300])
            for m in dict.fromkeys(messages)]
    same = {"kind": kind, "created_at": timezone.now()}
    ids = copy_rows(Notification, fields, rows, same=same)
    if ids:
        from .tasks import notifications_email

        # robust: a broker that is down must not fail the request whose work is committed; the
        # failure is logged and notifications.tasks.send_unsent_emails sends these later.
        transaction.on_commit(lambda: notifications_email.delay(ids), robust=True)
    return Written(Notification, ids, fields, rows, same)


def notification_open(*, notification: Notification) -> Notification:
    """Mark read on first opening; opening again keeps the first moment."""
    if notification.read_at is None:
        now = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now)
        notification.read_at = now
    return notification


def notifications_read_all(*, user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def preference_of(user) -> NotificationPreference:
    """The saved preference, or the default (e-mail each time) without writing a row."""
    return NotificationPreference.objects.filter(user=user).first() or NotificationPreference(user=user)


def preference_save(*, user, email: bool, daily_digest: bool) -> NotificationPreference:
    preference, _ = NotificationPreference.objects.update_or_create(
        user=user, defaults={"email": email, "daily_digest": daily_digest}
    )
    return preference
