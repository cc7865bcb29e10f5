"""The two registers an office keeps (sổ văn bản đi, sổ văn bản đến), one row per document.

Rows are written by the services that number or receive a document, in the same transaction
(registers.services), so a register never shows a number that was rolled back, nor misses one.
Both link to their document generically: this app sits below plans and inspections and imports
neither (import-linter layers).
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Unit


class DocumentKind(models.TextChoices):
    # The value is the code in the document number (176-KH/…), as plans and inspections use it.
    PLAN = "KH", _("Plan")
    GUIDANCE = "HD", _("Guidance")
    PROGRAMME = "CTr", _("Programme")
    LETTER = "CV", _("Official letter")
    REPORT_REQUEST = "YCBC", _("Report request")
    REPORT = "BC", _("Report")
    NOTICE = "TB", _("Notice")
    DECISION = "QĐ", _("Decision")


class OutgoingEntry(models.Model):
    """One document issued by an issuer: a unit, or a department that issues in its own name."""

    # The history row of a paper registration (core.transitions.transition_log) records a target
    # state; a register row has no life cycle, it is registered once.
    state = "registered"

    # The sequence owner as core.numbering names it ("unit:7", "dept:3"): one register per issuer.
    issuer = models.CharField(max_length=40, editable=False)
    issuer_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    issuer_department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True,
                                          related_name="+", verbose_name=_("department"))
    year = models.PositiveSmallIntegerField(_("year"))
    number = models.CharField(_("document number"), max_length=100)
    number_scope = models.CharField(max_length=200, editable=False)
    number_seq = models.PositiveIntegerField(editable=False)
    issued_on = models.DateField(_("date"))
    kind = models.CharField(_("kind"), max_length=8, choices=DocumentKind.choices)
    subject = models.CharField(_("subject line"), max_length=500)
    signer = models.CharField(_("signed by"), max_length=150)
    recipients = models.TextField(_("recipients"))
    # The plan, inspection decision or conclusion; empty for a document issued on paper.
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    document = GenericForeignKey("content_type", "object_id")
    on_paper = models.BooleanField(_("issued on paper"), default=False)
    reason = models.TextField(_("reason"), blank=True)
    registered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                      verbose_name=_("registered by"))
    registered_at = models.DateTimeField(_("registered at"), default=timezone.now)

    class Meta:
        ordering = ["issued_on", "pk"]
        verbose_name = _("outgoing register entry")
        verbose_name_plural = _("outgoing register")
        constraints = [
            # One row per number taken: the register has the sequence's gaps exactly when it has any.
            models.UniqueConstraint(fields=["number_scope", "number_seq"], name="outgoing_number_once"),
            models.UniqueConstraint(fields=["content_type", "object_id"], condition=Q(object_id__isnull=False),
                                    name="outgoing_document_once"),
        ]
        # The register screen and its export: one issuer's year, in date order.
        indexes = [models.Index(fields=["issuer", "year", "issued_on"], name="outgoing_issuer_year")]

    def __str__(self):
        return f"{self.number} {self.subject}"


class IncomingEntry(models.Model):
    """One document a unit received: its arrival number runs 1, 2, 3… per unit and year."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    year = models.PositiveSmallIntegerField(_("year"))
    arrival_number = models.PositiveIntegerField(_("arrival number"))
    arrived_at = models.DateTimeField(_("arrived at"))
    sender = models.CharField(_("from"), max_length=255)
    document_number = models.CharField(_("document number"), max_length=100)
    document_date = models.DateField(_("document date"), null=True, blank=True)
    subject = models.CharField(_("subject line"), max_length=500)
    # The assignment the document came with.
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    assignment = GenericForeignKey("content_type", "object_id")

    class Meta:
        ordering = ["arrival_number"]
        verbose_name = _("incoming register entry")
        verbose_name_plural = _("incoming register")
        constraints = [
            # A receipt confirmed twice still has one arrival number.
            models.UniqueConstraint(fields=["content_type", "object_id"], name="incoming_assignment_once"),
            # Gap-free and unique per unit and year; also the index of the register screen's year filter.
            models.UniqueConstraint(fields=["unit", "year", "arrival_number"], name="incoming_number_once"),
        ]

    def __str__(self):
        return f"{self.arrival_number}/{self.year} {self.subject}"
