"""The outgoing register rows of inspection decisions and conclusion notices numbered before the
registers existed, as inspections.services (inspection_approve, conclusion_issue) write them now
(registers.registry's sources, registered in inspections.registration; written by the
`registers_backfill` command)."""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef
from django.utils import translation
from django.utils.translation import gettext as _

from core.transitions import history_of
from registers.models import OutgoingEntry
from registers.registry import OutgoingDocument
from registers.services import signer_of

from .models import Conclusion, Inspection
from .services.conclusions import CONCLUSION_KIND_CODE


def _without_row(queryset):
    rows = OutgoingEntry.objects.filter(content_type=ContentType.objects.get_for_model(queryset.model),
                                        object_id=OuterRef("pk"))
    return queryset.filter(~Exists(rows))


def _by(obj, transition: str, default):
    entry = history_of(obj).filter(transition=transition).last()
    return entry.by if entry is not None else default


def decisions_unregistered():
    """Every numbered decision without its row: the approver signed it and numbered it."""
    inspections = (_without_row(Inspection.objects.exclude(decision_number=""))
                   .select_related("programme__issuing_unit", "programme__department", "created_by"))
    for inspection in inspections.order_by("pk"):
        programme = inspection.programme
        approver = _by(inspection, "approve", inspection.created_by)
        yield OutgoingDocument(
            document=inspection, number_text=inspection.decision_number, number_scope=inspection.number_scope,
            number_seq=inspection.number_seq, unit=programme.issuing_unit, department=programme.department,
            kind=inspection.decision_kind, subject=inspection.subject, signer=approver.get_full_name(),
            issued_at=inspection.decided_at, by=approver,
            recipients="; ".join(target.name for target in inspection.targets.select_related("unit")),
        )


def conclusions_unregistered():
    """Every numbered conclusion notice without its row: the leader who approved it signs it."""
    conclusions = (_without_row(Conclusion.objects.exclude(number=""))
                   .select_related("target__unit", "target__inspection__programme__issuing_unit",
                                   "target__inspection__programme__department", "drafted_by"))
    for conclusion in conclusions.order_by("pk"):
        target = conclusion.target
        inspection = target.inspection
        issuer = _by(conclusion, "issue", conclusion.drafted_by)
        # The subject line is stored text: in the site's language, as an issue from its screens writes it.
        with translation.override(settings.LANGUAGE_CODE):
            subject = _("Conclusion of the inspection: %(subject)s (%(target)s)") % {
                "subject": inspection.subject, "target": target.name}
        yield OutgoingDocument(
            document=conclusion, number_text=conclusion.number, number_scope=conclusion.number_scope,
            number_seq=conclusion.number_seq, unit=inspection.programme.issuing_unit,
            department=inspection.programme.department, kind=CONCLUSION_KIND_CODE, subject=subject,
            signer=signer_of(conclusion, default=issuer), issued_at=conclusion.issued_at, by=issuer,
            recipients=target.name,
        )
