"""Every state change goes through here: lock the row, check, transition, save, log."""

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django_fsm import can_proceed

from .audit import EDIT_ACTIONS
from .errors import TransitionNotAllowed
from .models import TransitionLog

# (person, unit) → the leader they stand in for there, or None. Set by accounts (delegation,
# ủy quyền) from its AppConfig.ready(): core knows no project app.
_delegation = None


def register_delegation(resolver) -> None:
    global _delegation
    _delegation = resolver


def history_of(obj):
    """The state changes of `obj`. Edits of its content are audit rows too (core.audit), but the
    history timeline, the API's history and the rules reading it ("the last return") are about states."""
    return (
        TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk)
        .exclude(transition__in=EDIT_ACTIONS)
        .select_related("by", "on_behalf_of")
        .order_by("at", "pk")
    )


def transition_log(*, obj, transition: str, source: str, by, comment: str = "", on_behalf_of=None) -> TransitionLog:
    return TransitionLog.objects.create(
        on_behalf_of=on_behalf_of,
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


def apply(obj, transition: str, *, by, comment: str = "", label: str | None = None, acting_unit=None, then=None,
          **kwargs):
    """Run `obj.<transition>(**kwargs)` on a row locked in the caller's transaction, then log it.

    The caller has already re-read `obj` with `lock()`, so the state checked here is the
    committed one and a concurrent second caller waits, then sees the new state and fails.
    Leaders' steps pass `acting_unit`: a deputy acting there for an absent leader is logged as such.
    `then()` runs after the new state is saved and before the history row is written: that row
    takes the audit chain's lock until commit (core.hashchain), one writer in the whole database
    at a time, so the rest of the step's work (the workflow, its notices) is done before it.
    """
    assert transaction.get_connection().in_atomic_block, "transitions run inside a transaction"
    method = getattr(obj, transition)
    if not can_proceed(method):
        raise TransitionNotAllowed(obj, label or transition)
    source = obj.state
    on_behalf_of = _delegation(by, acting_unit) if acting_unit is not None and _delegation else None
    method(**kwargs)
    obj.save()
    if then is not None:
        then()
    return transition_log(obj=obj, transition=transition, source=source, by=by, comment=comment,
                          on_behalf_of=on_behalf_of)


def apply_in_bulk(model, objs, *, transition: str, target: str, by, comment: str = "") -> None:
    """The same transition for many rows, in two statements, with one log row each.

    Why a bulk path: revoking a plan issued to 3,321 communes cancels every open assignment at
    once; `apply()` per row would lock, check, save and log each (several queries apiece). The
    caller has locked the rows (select_for_update) and chosen only those whose state allows
    the transition, so the state machine's check is the caller's filter here.
    """
    assert transaction.get_connection().in_atomic_block, "transitions run inside a transaction"
    content_type = ContentType.objects.get_for_model(model)
    logs = [TransitionLog(content_type=content_type, object_id=obj.pk, transition=transition, source=obj.state,
                          target=target, by=by, comment=comment) for obj in objs]
    model.objects.filter(pk__in=[obj.pk for obj in objs]).update(state=target)
    TransitionLog.objects.bulk_create(logs)
