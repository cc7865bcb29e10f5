from celery import shared_task

from . import services


@shared_task(autoretry_for=(Exception,), retry_backoff=True, max_retries=5)
def sync_position_groups():
    services.role_groups_grant_missing()
    added, removed = services.positions_sync_groups()
    return {"added": added, "removed": removed}
