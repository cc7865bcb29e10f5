"""Sending notifications: one bulk insert whatever the number of recipients; the e-mail copies
go out from a Celery task after the sending transaction commits (notifications.tasks).

Also the person's own writes: open one (mark read), mark all read, save the preference.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

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


def notify_each(*, kind: str, messages: Iterable[Message]) -> list[Notification]:
    """Like notify(), each person with their own text and link: still one insert and one e-mail task."""
    rows = Notification.objects.bulk_create(
        [Notification(recipient_id=m.recipient.user_id, delegated_from_id=m.recipient.delegated_from_id, kind=kind,
                      title=m.title[:300], body=m.body, url=m.url[:300]) for m in dict.fromkeys(messages)]
    )
    ids = [n.pk for n in rows if n.pk is not None]
    if ids:
        from .tasks import notifications_email

        # robust: a broker that is down must not fail the request whose work is committed; the
        # failure is logged and notifications.tasks.send_unsent_emails sends these later.
        transaction.on_commit(lambda: notifications_email.delay(ids), robust=True)
    return rows


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
