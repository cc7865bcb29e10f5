"""Every state change goes through here: lock the row, check, transition, save, log."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django_fsm import can_proceed

from .errors import TransitionNotAllowed
from .models import TransitionLog


def history_of(obj):
    return (
        TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
        .select_related("by")
        .order_by("at", "pk")
    )


def transition_log(*, obj, transition: str, source: str, by, comment: str = "") -> TransitionLog:
    return TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        transition=transition,
        source=source,
        target=obj.state,
        by=by,
        comment=comment,
    )


def lock(model, pk):
    """Re-read the row under a write lock. Call inside transaction.atomic()."""
    return model.objects.select_for_update().get(pk=pk)


def apply(obj, transition: str, *, by, comment: str = "", label: str | None = None, **kwargs):
    """Run `obj.<transition>(**kwargs)` on a row locked in the caller's transaction, then log it.

    The caller has already re-read `obj` with `lock()`, so the state checked here is the
    committed one and a concurrent second caller waits, then sees the new state and fails.
    """
    assert transaction.get_connection().in_atomic_block, "transitions run inside a transaction"
    method = getattr(obj, transition)
    if not can_proceed(method):
        raise TransitionNotAllowed(obj, label or transition)
    source = obj.state
    method(**kwargs)
    obj.save()
    return transition_log(obj=obj, transition=transition, source=source, by=by, comment=comment)
