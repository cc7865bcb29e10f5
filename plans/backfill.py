"""The register rows of plans issued and receipts confirmed before the registers existed, as
plans.services.plan_issue and assignment_receive write them now (registers.registry's sources,
registered in plans.registration; written by the `registers_backfill` command)."""

from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.utils import timezone

from core.transitions import history_of
from registers.models import IncomingEntry, OutgoingEntry
from registers.registry import IncomingDocument, OutgoingDocument

from .models import Assignment, Plan

CHUNK = 500


def _without_row(queryset, entry_model):
    rows = entry_model.objects.filter(content_type=ContentType.objects.get_for_model(queryset.model),
                                      object_id=OuterRef("pk"))
    return queryset.filter(~Exists(rows))


def _issued_by(plan: Plan):
    """Who issued the plan (the register's "registered by" at the issue); its drafter if no history says."""
    issue = history_of(plan).filter(transition="issue").last()
    return issue.by if issue is not None else plan.created_by


def plans_unregistered():
    """Every numbered plan without its outgoing row (issued, closed or revoked since: it was sent)."""
    from . import documents  # python-docx is loaded only when the backfill runs

    plans = (_without_row(Plan.objects.exclude(number=""), OutgoingEntry)
             .select_related("issuing_unit", "department", "created_by").prefetch_related("recipients"))
    for plan in plans.order_by("pk"):
        yield OutgoingDocument(
            document=plan, number_text=plan.number, number_scope=plan.number_scope, number_seq=plan.number_seq,
            unit=plan.issuing_unit, department=plan.department, kind=plan.kind, subject=plan.subject,
            signer=documents.signature_of(plan)[1], issued_at=plan.issued_at,
            by=_issued_by(plan),
            recipients="; ".join(unit.name for unit in sorted(plan.recipients.all(), key=lambda unit: unit.path)),
        )


def receipts_unregistered():
    """Every confirmed receipt without its incoming row, in the order they arrived: in chunks, so the
    rows written meanwhile never change what is still to be read."""
    pks = list(_without_row(Assignment.objects.filter(received_at__isnull=False), IncomingEntry)
               .order_by("received_at", "pk").values_list("pk", flat=True))
    for start in range(0, len(pks), CHUNK):
        chunk = pks[start:start + CHUNK]
        found = Assignment.objects.select_related("unit", "plan__issuing_unit").in_bulk(chunk)
        for pk in chunk:
            assignment = found[pk]
            plan = assignment.plan
            yield IncomingDocument(
                assignment=assignment, unit=assignment.unit, arrived_at=assignment.received_at,
                sender=plan.issuing_unit.name, document_number=plan.number, subject=plan.subject,
                document_date=timezone.localdate(plan.issued_at) if plan.issued_at else None,
            )
