from celery import shared_task

from . import services


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=3)
def generate_due():
    """Every 15 minutes from beat. Idempotent: a period already handled is never issued again,
    so a retry, a late beat or two beats at once change nothing (see services.generate_due)."""
    return len(services.generate_due())
