"""Writes of the registers. Each runs inside the caller's transaction (the issue or the receipt)
or its own, so a row exists exactly when the number or the receipt it records was committed."""

import dataclasses
import datetime
import heapq

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from core import transitions
from core.models import DocumentSequence, TransitionLog
from core.numbering import DocumentNumber, number_next

from . import registry
from .models import DocumentKind, IncomingEntry, OutgoingEntry
from .registry import IncomingDocument, OutgoingDocument
from .rules import require_register_paper

PAPER = "register_paper"


def _in_transaction():
    assert transaction.get_connection().in_atomic_block, "register rows are written in the numbering transaction"


def signer_of(obj, *, transition: str = "approve", default=None) -> str:
    """The name of whoever last took `transition` on `obj` (the leader who approved it signs it)."""
    entry = (TransitionLog.objects.filter(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk,
                                          transition=transition)
             .select_related("by").order_by("-at", "-pk").first())
    person = entry.by if entry is not None else default
    return person.get_full_name() if person is not None else ""


def outgoing_record(*, number: DocumentNumber, unit, department, kind: str, subject: str, signer: str,
                    recipients: str, issued_at: datetime.datetime | datetime.date, by, document=None,
                    reason: str = "") -> OutgoingEntry:
    """The register row of a number just taken by core.numbering, in the transaction that took it."""
    _in_transaction()
    day = timezone.localdate(issued_at) if isinstance(issued_at, datetime.datetime) else issued_at
    issuer_department = department if department is not None and department.issues_own_documents else None
    return OutgoingEntry.objects.create(
        # The sequence's owner is the register's issuer: the scope is "owner|kind|period".
        issuer=number.scope.split("|", 1)[0], issuer_unit=unit, issuer_department=issuer_department,
        year=day.year, number=number.text, number_scope=number.scope, number_seq=number.seq, issued_on=day,
        kind=kind, subject=subject, signer=signer, recipients=recipients,
        content_type=ContentType.objects.get_for_model(document) if document is not None else None,
        object_id=document.pk if document is not None else None,
        on_paper=document is None, reason=reason, registered_by=by,
    )


def _paper_errors(*, unit, department, kind, subject, issued_on, signer, recipients, reason) -> dict:
    errors = {}
    if kind not in DocumentKind.values:
        errors["kind"] = [_("Choose the kind of document.")]
    for field, value, message in (
        ("subject", subject, _("Enter the subject line.")),
        ("signer", signer, _("Enter who signed the document.")),
        ("recipients", recipients, _("Enter the recipients.")),
        ("reason", reason, _("A reason is required to register a document issued on paper.")),
    ):
        if not (value or "").strip():
            errors[field] = [message]
    if not isinstance(issued_on, datetime.date):
        errors["issued_on"] = [_("Enter the date of the document.")]
    elif issued_on > timezone.localdate():
        errors["issued_on"] = [_("The date of the document cannot be in the future.")]
    if department is not None and department.unit_id != unit.pk:
        errors["department"] = [_("The department is not part of %(unit)s.") % {"unit": unit.name}]
    return errors


def outgoing_register_paper(*, unit, by, kind: str, subject: str, issued_on: datetime.date, signer: str,
                            recipients: str, reason: str, department=None) -> OutgoingEntry:
    """Register a document issued on paper outside the system: it takes its number from the same
    sequence as the documents issued here, and the registration is in the audit history."""
    require_register_paper(by, unit, department)
    errors = _paper_errors(unit=unit, department=department, kind=kind, subject=subject, issued_on=issued_on,
                           signer=signer, recipients=recipients, reason=reason)
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        number = number_next(unit=unit, department=department, kind_code=kind, day=issued_on)
        entry = outgoing_record(number=number, unit=unit, department=department, kind=kind, subject=subject.strip(),
                                signer=signer.strip(), recipients=recipients.strip(), issued_at=issued_on, by=by,
                                reason=reason.strip())
        transitions.transition_log(obj=entry, transition=PAPER, source="", by=by, comment=reason.strip())
    return entry


def _arrival_number_next(unit, year: int) -> int:
    # Core's sequence table, under a scope of its own: insert-if-missing never blocks, the UPDATE
    # takes the row lock, so two receipts of one unit at once get 1 and 2, never a gap.
    scope = f"incoming:unit:{unit.pk}|{year}"
    DocumentSequence.objects.bulk_create([DocumentSequence(scope=scope)], ignore_conflicts=True)
    DocumentSequence.objects.filter(scope=scope).update(last_number=F("last_number") + 1)
    return DocumentSequence.objects.get(scope=scope).last_number


def incoming_record(*, assignment, unit, arrived_at: datetime.datetime, sender: str, document_number: str,
                    document_date, subject: str) -> IncomingEntry:
    """The arrival of `assignment` in `unit`'s register, once: in the receipt's transaction, with
    the assignment's row locked by the caller, so a second confirmation finds the first's row."""
    _in_transaction()
    content_type = ContentType.objects.get_for_model(assignment)
    existing = IncomingEntry.objects.filter(content_type=content_type, object_id=assignment.pk).first()
    if existing is not None:
        return existing
    year = timezone.localdate(arrived_at).year
    try:
        # A savepoint: should the unique constraint still catch a second row (a caller that did
        # not lock the assignment), the receipt's transaction goes on with the first row.
        with transaction.atomic():
            return IncomingEntry.objects.create(
                unit=unit, year=year, arrival_number=_arrival_number_next(unit, year), arrived_at=arrived_at,
                sender=sender, document_number=document_number, document_date=document_date, subject=subject,
                content_type=content_type, object_id=assignment.pk,
            )
    except IntegrityError:
        return IncomingEntry.objects.get(content_type=content_type, object_id=assignment.pk)


# --- Backfill: the documents of before the registers ---------------------------------------------

class BackfillRefused(Exception):
    """A document the backfill cannot register with the number it holds. The message names it, in
    English: it is for the operator who runs the command, not for the screens."""


@dataclasses.dataclass
class BackfillResult:
    outgoing: int = 0
    incoming: int = 0
    refused: list[str] = dataclasses.field(default_factory=list)


def _has_outgoing_row(document) -> bool:
    return OutgoingEntry.objects.filter(content_type=ContentType.objects.get_for_model(document),
                                        object_id=document.pk).exists()


def _outgoing_needed(item: OutgoingDocument) -> bool:
    """Whether `item` still needs its row; BackfillRefused when the number it holds cannot be it. The
    row is written from the number as taken, so that must be a place its sequence has given out and
    no other row holds: a place ahead of the sequence would make the next issue of that scope fail
    on the register's constraint."""
    if _has_outgoing_row(item.document):
        return False
    if item.number_seq is None or not item.number_scope:
        raise BackfillRefused(f"{item.label}: numbered outside the sequences, not registered")
    if item.issued_at is None:
        raise BackfillRefused(f"{item.label}: no date of issue, not registered")
    last = DocumentSequence.objects.filter(scope=item.number_scope).values_list("last_number", flat=True).first()
    if last is None or item.number_seq > last:
        raise BackfillRefused(f"{item.label}: number {item.number_seq} is ahead of its sequence "
                              f"{item.number_scope}, not registered")
    if OutgoingEntry.objects.filter(number_scope=item.number_scope, number_seq=item.number_seq).exists():
        raise BackfillRefused(f"{item.label}: its number is registered for another document, not registered")
    return True


def outgoing_backfill(item: OutgoingDocument) -> OutgoingEntry | None:
    """The row of a document numbered before the register existed, with the number and the date it
    took then, never a new number (its sequence is past it). None when it has its row already;
    BackfillRefused when its number cannot be placed (_outgoing_needed)."""
    with transaction.atomic():
        if not _outgoing_needed(item):
            return None
        number = DocumentNumber(seq=item.number_seq, text=item.number_text, scope=item.number_scope)
        try:
            with transaction.atomic():  # a second backfill at the same moment wrote it first
                return outgoing_record(number=number, unit=item.unit, department=item.department, kind=item.kind,
                                       subject=item.subject, signer=item.signer, recipients=item.recipients,
                                       issued_at=item.issued_at, by=item.by, document=item.document)
        except IntegrityError:
            if _has_outgoing_row(item.document):
                return None
            raise BackfillRefused(f"{item.label}: its number is registered for another document, "
                                  "not registered") from None


def _has_incoming_row(assignment) -> bool:
    return IncomingEntry.objects.filter(content_type=ContentType.objects.get_for_model(assignment),
                                        object_id=assignment.pk).exists()


def incoming_backfill(item: IncomingDocument) -> IncomingEntry | None:
    """The row of a receipt confirmed before the register existed, dated when it arrived. No arrival
    number was given then, so it takes the next of the unit's register for that year: receipts of a
    past year are numbered 1, 2, 3… in the order they arrived, those of the current year follow the
    ones registered since. None when the receipt has its row already."""
    with transaction.atomic():
        if _has_incoming_row(item.assignment):
            return None
        return incoming_record(assignment=item.assignment, unit=item.unit, arrived_at=item.arrived_at,
                               sender=item.sender, document_number=item.document_number,
                               document_date=item.document_date, subject=item.subject)


def backfill(*, dry_run: bool = False) -> BackfillResult:
    """Write the missing rows of every registered source (registers.registry): outgoing in number
    order, incoming in arrival order, each in its own transaction, so a run stopped halfway is taken
    up by the next and a second run writes nothing. `dry_run` counts what would be written."""
    result = BackfillResult()
    outgoing = sorted((item for source in registry.outgoing_sources() for item in source()),
                      key=lambda item: (item.number_scope, item.number_seq or 0, item.label))
    for item in outgoing:
        try:
            result.outgoing += _outgoing_needed(item) if dry_run else (outgoing_backfill(item) is not None)
        except BackfillRefused as exc:
            result.refused.append(str(exc))
    incoming = heapq.merge(*(source() for source in registry.incoming_sources()), key=lambda item: item.arrived_at)
    for item in incoming:
        if dry_run:
            result.incoming += not _has_incoming_row(item.assignment)
        else:
            result.incoming += incoming_backfill(item) is not None
    return result
