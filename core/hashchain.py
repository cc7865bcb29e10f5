"""The hash chain under the audit trail (core.audit): canonical content, hash, appending under a lock.

Imports no model of core, so core.models can seal rows on save and migrations can chain old rows.
"""

import datetime
import hashlib
import json

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db import connections
from django.utils import timezone

GENESIS = "0" * 64
# Key of the PostgreSQL advisory lock that serializes appends to the chain (any constant will do,
# as long as nothing else uses it): "audit" in ASCII.
CHAIN_LOCK_KEY = 0x6175646974


# --- canonical content and hash --------------------------------------------------------------


def utc_iso(moment: datetime.datetime) -> str:
    return moment.astimezone(datetime.UTC).isoformat(timespec="microseconds")


def content_of(log, content_type_label: str) -> dict:
    """Every field that matters, as plain JSON values. Works on the historical model too (migrations)."""
    return {
        "content_type": content_type_label,
        "object_id": log.object_id,
        "action": log.transition,
        "from": log.source,
        "to": log.target,
        "by": log.by_id,
        "at": utc_iso(log.at),
        "comment": log.comment,
        "on_behalf_of": log.on_behalf_of_id,
        "changes": log.changes,
    }


def row_hash(prev_hash: str, content: dict) -> str:
    # sort_keys and fixed separators: the same content always gives the same bytes.
    body = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{body}".encode()).hexdigest()


def label_of(content_type_id: int) -> str:
    content_type = ContentType.objects.get_for_id(content_type_id)  # cached after the first query
    return f"{content_type.app_label}.{content_type.model}"


# --- appending -------------------------------------------------------------------------------


def chain_head(using: str) -> str:
    """The hash the next row links to: the last row's, else the purge anchor's, else GENESIS."""
    TransitionLog, AuditAnchor = apps.get_model("core", "TransitionLog"), apps.get_model("core", "AuditAnchor")
    last = TransitionLog.objects.using(using).order_by("-pk").values_list("hash", flat=True).first()
    if last is not None:
        return last
    anchor = AuditAnchor.objects.using(using).order_by("-pk").values_list("hash", flat=True).first()
    return anchor or GENESIS


def lock_chain(using: str) -> None:
    """Serialize appends until this transaction ends.

    Two writers that both read the head before either inserts would fork the chain. On PostgreSQL
    a transaction-scoped advisory lock makes the second wait until the first commits (its row is
    then the head it reads). SQLite already runs one write transaction at a time (IMMEDIATE).
    The lock is held to commit, so services log their transition near the end of their work.
    """
    connection = connections[using]
    assert connection.in_atomic_block, "the chain is extended inside a transaction"
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [CHAIN_LOCK_KEY])


def seal(logs: list, using: str) -> None:
    """Give unsaved rows, in the order they will be inserted, their prev_hash and hash.
    Call inside the transaction that inserts them, after lock_chain()."""
    previous = chain_head(using)
    for log in logs:
        if log.at is None:
            log.at = timezone.now()
        log.prev_hash = previous
        log.hash = previous = row_hash(previous, content_of(log, label_of(log.content_type_id)))
