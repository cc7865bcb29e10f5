"""The e-mail copies: one message per notification, or one daily digest per person who asked.

Each notification is e-mailed once. A sender first claims a few rows (claimed_at set in a short
transaction on rows it could lock, skipping rows another worker holds), commits, sends, and
marks each row emailed_at only once the mail server has accepted its message. A message that
fails gives its claim back, so the task's retry (or the sweep) sends it.

A claim is a lease, not a mark for good: a sender killed in the middle (SIGKILL, the machine
going down) cannot give its claims back, so a claim older than settings.EMAIL_CLAIM_LEASE is
taken again by the next sender, usually the sweep beat runs every few minutes
(`unsent_emails_send`). The lease is longer than a batch of EMAIL_CLAIM_BATCH messages can take
to send with settings.EMAIL_TIMEOUT on each (the settings refuse anything shorter), so a sender
that is alive never has its rows taken from under it. The one window left is between the mail
server accepting a message and emailed_at being written: a sender killed exactly there sends
that one message again after the lease, never loses it.

Sending outside the claim's transaction matters on SQLite, where an open write transaction
blocks every other writer for as long as the mail server takes to answer.
"""

import datetime
import logging
import smtplib

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
# What the sweep still e-mails: older news is read in the app, not by mail a day late.
SWEEP_WINDOW = datetime.timedelta(days=1)

# People who get an e-mail each time: an address, and no preference row saying otherwise.
EACH_TIME = (
    Q(recipient__is_active=True) & ~Q(recipient__email="")
    & ~Q(recipient__notification_pref__email=False) & ~Q(recipient__notification_pref__daily_digest=True)
)

# The mail server itself failed (silent, gone, hung up): the rest of the batch would fail the
# same way, each after a whole EMAIL_TIMEOUT, so the batch stops and its claims go back.
SERVER_DOWN = (TimeoutError, ConnectionError, smtplib.SMTPServerDisconnected)


class EmailsNotSent(RuntimeError):
    """Some e-mails failed and were given back; the task's retry or the sweep sends them."""


def _claimable(now) -> Q:
    """Not e-mailed, and no live claim on it: never claimed, or claimed by a sender that died."""
    return Q(emailed_at__isnull=True) & (
        Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - settings.EMAIL_CLAIM_LEASE)
    )


def _claim(ids, now) -> list[int]:
    """Claim the rows `ids` that are still claimable; the ids this sender won, in pk order."""
    if not ids:
        return []
    with transaction.atomic():
        # Locked by pk alone (no outer join for FOR UPDATE to trip on); rows another worker
        # holds are skipped, and the test, made again once locked, drops those it has claimed
        # or sent and committed meanwhile.
        unsent = Notification.objects.filter(_claimable(now), pk__in=list(ids)).order_by("pk")
        won = list(unsent.select_for_update(skip_locked=True).values_list("pk", flat=True))
        Notification.objects.filter(pk__in=won).update(claimed_at=now)
    return won


def _claimable_ids(rows, now) -> list[int]:
    return list(rows.filter(_claimable(now)).order_by("pk").values_list("pk", flat=True))


def _sent(ids) -> None:
    """The mail server has accepted them: they are never sent again, whoever holds the claim."""
    Notification.objects.filter(pk__in=list(ids), emailed_at__isnull=True).update(emailed_at=timezone.now())


def _release(ids, now) -> None:
    Notification.objects.filter(pk__in=list(ids), claimed_at=now, emailed_at__isnull=True).update(claimed_at=None)


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
    """E-mail the notifications `ids` to those who want one each time. Safe to run twice, or at once.

    Claims EMAIL_CLAIM_BATCH rows at a time, so that each claim is sent well inside its lease.
    Raises EmailsNotSent after trying them all if any failed (given back, for the retry).
    """
    pending = _claimable_ids(Notification.objects.filter(EACH_TIME, pk__in=list(ids)), timezone.now())
    sent, failed = 0, 0
    batch = settings.EMAIL_CLAIM_BATCH
    for start in range(0, len(pending), batch):
        now = timezone.now()
        claimed = _claim(pending[start:start + batch], now)
        if claimed:
            done, not_done = _send_claimed(claimed, now)
            sent, failed = sent + done, failed + not_done
    if failed:
        raise EmailsNotSent(f"{failed} notification e-mail(s) failed; they will be retried")
    return sent


def _send_claimed(claimed, now) -> tuple[int, int]:
    """Send the claimed rows, marking each as the server accepts it; give back the rest."""
    rows = Notification.objects.filter(pk__in=claimed).select_related("recipient", "delegated_from").order_by("pk")
    sent = []
    try:
        # Opening the connection is where a silent server makes us wait: EMAIL_TIMEOUT ends it.
        with mail.get_connection() as connection:
            for notification in rows:
                try:
                    _message(notification, connection).send()
                except SERVER_DOWN:
                    raise
                except Exception:
                    logger.exception("E-mail of notification %s failed", notification.pk)
                    continue
                _sent([notification.pk])
                sent.append(notification.pk)
    except Exception:
        logger.exception("The mail server failed; %s e-mail(s) given back for a retry",
                         len(claimed) - len(sent))
    not_sent = [pk for pk in claimed if pk not in set(sent)]
    _release(not_sent, now)
    return len(sent), len(not_sent)


def unsent_emails_send(*, now=None) -> int:
    """Beat, every few minutes: the e-mails no task has sent. Their task could not be queued
    (broker down when the notification was written), ran out of retries, or died holding
    the claim (its lease has passed). The same claims as the task's, so never twice."""
    now = now or timezone.now()
    rows = Notification.objects.filter(EACH_TIME, created_at__gte=now - SWEEP_WINDOW)
    ids = _claimable_ids(rows, now)
    if not ids:
        return 0
    try:
        return notifications_email_send(ids=ids)
    except EmailsNotSent:
        # Logged per message already; the next sweep tries them again.
        return 0


def digest_recipients(now):
    since = now - DIGEST_WINDOW
    waiting = Notification.objects.filter(_claimable(now), recipient=OuterRef("user"), created_at__gte=since)
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
            claimed = _claim(_claimable_ids(rows, now), now)
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
            _sent(claimed)
            sent += 1
    return sent
