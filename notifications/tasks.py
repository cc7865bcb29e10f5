"""Thin Celery tasks: take ids, call notifications.emails, retry with backoff."""

from celery import shared_task

from . import emails


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def notifications_email(ids):
    """Queued by services.notify() after the sending transaction commits."""
    return emails.notifications_email_send(ids=ids)


@shared_task
def send_unsent_emails():
    """Beat, every 5 minutes (settings.CELERY_BEAT_SCHEDULE): what no task sent. No retry of its
    own: the next run is the retry."""
    return emails.unsent_emails_send()


@shared_task
def send_daily_digests():
    """Beat, 07:00 (settings.CELERY_BEAT_SCHEDULE)."""
    return emails.daily_digests_send()
