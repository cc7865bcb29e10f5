from celery import shared_task

from .sweep import deadlines_sweep


@shared_task
def sweep():
    """Beat runs this every 5 minutes. Safe to run twice or at once (deadlines.sweep); a sweep
    that dies is redone by the next one, so no retry of its own."""
    return deadlines_sweep().as_dict()
