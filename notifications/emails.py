"""The e-mail copies: one message per notification, or one daily digest per person who asked.

Each notification is e-mailed at most once. A sender first claims the rows (emailed_at set in
a short transaction on rows it could lock, skipping rows another worker holds), commits, then
sends; a message that fails to send gives its claim back so the task's retry sends it. Sending
outside the transaction matters on SQLite, where an open write transaction blocks every other
writer for as long as the mail server takes to answer.
"""

import datetime
import logging

from django.conf import settings
from django.core import mail
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from .models import Notification, NotificationPreference

logger = logging.getLogger(__name__)

DIGEST_WINDOW = datetime.timedelta(days=1)

# People who get an e-mail each time: an address, and no preference row saying otherwise.
EACH_TIME = (
    Q(recipient__is_active=True) & ~Q(recipient__email="")
    & ~Q(recipient__notification_pref__email=False) & ~Q(recipient__notification_pref__daily_digest=True)
)


def _claim(rows, now) -> list[int]:
    """Mark `rows` (unsent) as e-mailed at `now`; the ids this sender won."""
    candidates = list(rows.filter(emailed_at__isnull=True).values_list("pk", flat=True))
    if not candidates:
        return []
    with transaction.atomic():
        # Locked by pk alone (no outer join for FOR UPDATE to trip on); rows another worker
        # holds are skipped, and the emailed_at test drops those it has already committed.
        unsent = Notification.objects.filter(pk__in=candidates, emailed_at__isnull=True)
        ids = list(unsent.select_for_update(skip_locked=True).values_list("pk", flat=True))
        Notification.objects.filter(pk__in=ids).update(emailed_at=now)
    return ids


def _release(ids, now) -> None:
    Notification.objects.filter(pk__in=ids, emailed_at=now).update(emailed_at=None)


def open_link(notification) -> str:
    """The notification's "open" address: marks it read, then goes to what it is about."""
    path = reverse("notifications:open", args=[notification.pk])
    return getattr(settings, "SITE_URL", "").rstrip("/") + path


def _render(name: str, context: dict) -> str:
    with translation.override("vi"):
        return render_to_string(f"email/{name}", context)


def _message(notification, connection) -> mail.EmailMessage:
    context = {"notification": notification, "link": open_link(notification),
               "site_url": getattr(settings, "SITE_URL", "")}
    subject = " ".join(_render("notification_subject.txt", context).split())
    return mail.EmailMessage(subject=subject, body=_render("notification_body.txt", context),
                             to=[notification.recipient.email], connection=connection)


def notifications_email_send(*, ids) -> int:
    """E-mail the notifications `ids` to those who want one each time. Safe to run twice."""
    now = timezone.now()
    claimed = _claim(Notification.objects.filter(EACH_TIME, pk__in=list(ids)), now)
    if not claimed:
        return 0
    rows = Notification.objects.filter(pk__in=claimed).select_related("recipient", "delegated_from")
    failed = []
    with mail.get_connection() as connection:
        for notification in rows:
            try:
                _message(notification, connection).send()
            except Exception:
                logger.exception("E-mail of notification %s failed", notification.pk)
                failed.append(notification.pk)
    if failed:
        _release(failed, now)
        raise RuntimeError(f"{len(failed)} notification e-mail(s) failed; they will be retried")
    return len(claimed)


def digest_recipients(now):
    since = now - DIGEST_WINDOW
    waiting = Notification.objects.filter(recipient=OuterRef("user"), emailed_at__isnull=True, created_at__gte=since)
    return (
        NotificationPreference.objects.filter(daily_digest=True, email=True, user__is_active=True)
        .exclude(user__email="").filter(Exists(waiting)).select_related("user")
    )


def daily_digests_send(*, now=None) -> int:
    """One e-mail per person on the daily digest with what they were sent in the last day
    and not yet e-mailed. Run again, it finds nothing left to send."""
    now = now or timezone.now()
    sent = 0
    with mail.get_connection() as connection:
        for preference in digest_recipients(now):
            user = preference.user
            rows = Notification.objects.filter(recipient=user, created_at__gte=now - DIGEST_WINDOW)
            claimed = _claim(rows, now)
            if not claimed:
                continue
            items = list(Notification.objects.filter(pk__in=claimed).select_related("delegated_from"))
            context = {"user": user, "items": [(n, open_link(n)) for n in items],
                       "site_url": getattr(settings, "SITE_URL", "")}
            subject = " ".join(_render("digest_subject.txt", context).split())
            try:
                mail.EmailMessage(subject=subject, body=_render("digest_body.txt", context), to=[user.email],
                                  connection=connection).send()
            except Exception:
                logger.exception("Daily digest of user %s failed", user.pk)
                _release(claimed, now)
                continue
            sent += 1
    return sent
