"""The audit trail: every history row (transitions and edits) is one link of a hash chain.

Each `TransitionLog` row stores `hash` = sha256(previous row's hash + its canonical content) and
that previous hash as `prev_hash`. Changing a row's content breaks its own hash; deleting a row
breaks the next row's `prev_hash`; `audit_verify` walks the chain in pk order and names the first
row where either happens. The chain starts at `GENESIS`, or, once old rows have been purged, at the
newest `AuditAnchor` (the hash of the last row removed).

On PostgreSQL the runtime role may only SELECT and INSERT these rows (`manage.py db_roles`), so the
chain is what catches a change made with the owner's rights, outside the application.
"""

import datetime
import decimal
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ImproperlyConfigured
from django.db import models, transaction
from django.utils import timezone

from .hashchain import GENESIS, content_of, label_of, lock_chain, row_hash, utc_iso
from .models import AuditAnchor, TransitionLog

MINIMUM_RETENTION_MONTHS = 12
EDIT = "edit"
# Actions that record a change of content rather than of state: not shown in the state history.
EDIT_ACTIONS = (EDIT, "edit_figures")


# --- edits -----------------------------------------------------------------------------------


def jsonable(value):
    """A field value as JSON keeps it: numbers as text where floats would round, moments in UTC."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, datetime.datetime):
        return utc_iso(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [jsonable(v) for v in value]
        return sorted(items, key=repr) if isinstance(value, set | frozenset) else items
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def snapshot(obj, fields: Iterable[str]) -> dict:
    """The values of `fields` of `obj` as they are now (a foreign key as its id)."""
    values = {}
    for name in fields:
        field = obj._meta.get_field(name)
        values[name] = jsonable(field.value_from_object(obj))
    return values


def changes_between(before: dict, after: dict) -> dict:
    """{"field": [before, after]} for the fields whose value differs."""
    return {
        name: [jsonable(before.get(name)), jsonable(after.get(name))]
        for name in sorted({*before, *after})
        if jsonable(before.get(name)) != jsonable(after.get(name))
    }


def record_change(obj, *, by, before: dict, after: dict, action: str = EDIT, comment: str = ""):
    """One audit row for an edit of `obj`: what changed, before → after. Nothing changed, no row.

    Called by the domain services inside their transaction, so the row commits with the edit.
    """
    changes = changes_between(before, after)
    if not changes:
        return None
    state = getattr(obj, "state", "") or ""
    return TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk, transition=action,
        source=state, target=state, by=by, comment=comment, changes=changes,
    )


# --- verifying -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Verdict:
    count: int
    broken: object = None  # the first TransitionLog row that does not match, or None
    reason: str = ""

    @property
    def intact(self) -> bool:
        return self.broken is None


def verify(using: str = "default", chunk_size: int = 2000) -> Verdict:
    """Walk the chain in pk order in constant memory; stop at the first row that does not match."""
    anchor = AuditAnchor.objects.using(using).order_by("-pk").first()
    expected = anchor.hash if anchor else GENESIS
    count = 0
    rows = TransitionLog.objects.using(using).order_by("pk").iterator(chunk_size=chunk_size)
    for log in rows:
        if anchor is not None and log.pk <= anchor.last_purged_pk:
            return Verdict(count, log, "row older than the purge anchor")
        if log.prev_hash != expected:
            return Verdict(count, log, "previous row missing or changed")
        if log.hash != row_hash(log.prev_hash, content_of(log, label_of(log.content_type_id))):
            return Verdict(count, log, "content changed")
        expected = log.hash
        count += 1
    return Verdict(count)


def rechain(*, since_pk: int, using: str = "default") -> int:
    """Hash the chain again from row `since_pk` on, after its rows were rewritten on purpose.

    For seeding the demo only (its history is written today, then back-dated into 2024): on real
    data this is the very forgery that audit_verify exists to catch, and it needs the owner's right
    to UPDATE, which the runtime role does not have.
    """
    with transaction.atomic(using=using):
        lock_chain(using)
        logs = TransitionLog.objects.using(using)
        previous = logs.filter(pk__lt=since_pk).order_by("-pk").values_list("hash", flat=True).first()
        if previous is None:
            anchor = AuditAnchor.objects.using(using).order_by("-pk").first()
            previous = anchor.hash if anchor else GENESIS
        batch = []
        for log in logs.filter(pk__gte=since_pk).order_by("pk").iterator(chunk_size=2000):
            log.prev_hash = previous
            log.hash = previous = row_hash(previous, content_of(log, label_of(log.content_type_id)))
            batch.append(log)
        logs.bulk_update(batch, ["prev_hash", "hash"], batch_size=2000)
    return len(batch)


# --- retention -------------------------------------------------------------------------------


def retention_months() -> int:
    months = getattr(settings, "AUDIT_RETENTION_MONTHS", 24)
    if not isinstance(months, int) or months < MINIMUM_RETENTION_MONTHS:
        raise ImproperlyConfigured(
            f"AUDIT_RETENTION_MONTHS={months!r}: audit rows must be kept at least "
            f"{MINIMUM_RETENTION_MONTHS} months."
        )
    return months


def retention_cutoff(now: datetime.datetime | None = None) -> datetime.datetime:
    """The moment `retention_months()` calendar months before now (day clamped to the month's end)."""
    now = now or timezone.now()
    months = retention_months()
    year, month = divmod(now.year * 12 + now.month - 1 - months, 12)
    month += 1
    next_month = datetime.date(year + month // 12, month % 12 + 1, 1)
    last_day = (next_month - datetime.timedelta(days=1)).day
    return now.replace(year=year, month=month, day=min(now.day, last_day))


@dataclass(frozen=True)
class Purge:
    deleted: int
    anchor: object = None


def purge(*, cutoff: datetime.datetime, using: str = "default") -> Purge:
    """Delete the oldest part of the chain, up to the first row still inside retention, and record
    the hash it ended with as the anchor the remaining chain starts from.

    The chain is a prefix-closed order by pk: rows are cut only from its start, so every row at or
    after the first one newer than `cutoff` stays, even one stamped earlier (demo backdating).
    Needs the owner role: the runtime role cannot DELETE audit rows.
    """
    with transaction.atomic(using=using):
        lock_chain(using)
        logs = TransitionLog.objects.using(using)
        first_kept = logs.filter(at__gte=cutoff).order_by("pk").values_list("pk", flat=True).first()
        doomed = logs.filter(pk__lt=first_kept) if first_kept is not None else logs.all()
        last = doomed.order_by("-pk").values("pk", "hash").first()
        if last is None:
            return Purge(0)
        # Raw delete: TransitionLog.delete() refuses, and nothing cascades from history rows.
        deleted = doomed._raw_delete(using)
        anchor = AuditAnchor.objects.using(using).create(
            last_purged_pk=last["pk"], hash=last["hash"], cutoff=cutoff, deleted=deleted
        )
    return Purge(deleted, anchor)


# --- reading for export ----------------------------------------------------------------------

# label "app.model" → visible_to(user) QuerySet: who may read the audit trail of such objects, and
# the names of its actions. Registered by the domain apps from AppConfig.ready(); core knows no app.
_visible_to = {}
_action_labels = {}


def register_subject(model: type[models.Model], visible_to, labels: dict | None = None) -> None:
    label = model._meta.concrete_model._meta.label_lower
    _visible_to[label] = visible_to
    _action_labels[label] = labels or {}


def action_label(content_type: ContentType, action: str) -> str:
    return str(_action_labels.get(f"{content_type.app_label}.{content_type.model}", {}).get(action, action))


def subject_content_type(label: str):
    """The content type of the registered model "app.model", or None (an unknown or unregistered label)."""
    if label.lower() not in _visible_to:
        return None
    app_label, _dot, model = label.lower().partition(".")
    return ContentType.objects.get_by_natural_key(app_label, model)


def subject_visible(user, content_type: ContentType, object_id: int) -> bool:
    if not user.is_authenticated:
        return False
    visible_to = _visible_to.get(f"{content_type.app_label}.{content_type.model}")
    if visible_to is None:
        return False
    return visible_to(user).filter(pk=object_id).exists()


def trail(*, start: datetime.datetime | None = None, end: datetime.datetime | None = None,
          content_type: ContentType | None = None, object_id: int | None = None) -> Iterator:
    """Audit rows in chain order, for a period and/or one object, with who acted."""
    rows = TransitionLog.objects.select_related("by", "on_behalf_of", "content_type").order_by("pk")
    if start is not None:
        rows = rows.filter(at__gte=start)
    if end is not None:
        rows = rows.filter(at__lt=end)
    if content_type is not None:
        rows = rows.filter(content_type=content_type, object_id=object_id)
    return rows.iterator(chunk_size=2000)
