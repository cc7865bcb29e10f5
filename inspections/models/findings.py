"""What the team found at a target, and the conclusion with its recommendations."""


from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from core.models import NumberedDocument
from core.text import nfc

from .inspection import Inspection, InspectionTarget


class FindingCategory(models.TextChoices):
    STRENGTH = "strength", _("Strength")
    SHORTCOMING = "shortcoming", _("Shortcoming")
    VIOLATION = "violation", _("Violation")


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MODERATE = "moderate", _("Moderate")
    SERIOUS = "serious", _("Serious")


class Finding(models.Model):
    """Something the team found at one target. Editable until the target's conclusion is
    issued; afterwards a correction is a new finding that points to the one it corrects."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="findings")
    target = models.ForeignKey(InspectionTarget, on_delete=models.CASCADE, related_name="findings",
                               verbose_name=_("inspected unit"))
    category = models.CharField(_("category"), max_length=12, choices=FindingCategory.choices)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices, blank=True)
    description = models.TextField(_("description"))
    corrects = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True,
                                 related_name="corrections", verbose_name=_("corrects"))
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                    verbose_name=_("recorded by"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)

    class Meta:
        ordering = ["target", "recorded_at", "pk"]
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        indexes = [
            models.Index(fields=["target", "recorded_at"], name="finding_target"),
            # The dashboard: findings by category and severity.
            models.Index(fields=["inspection", "category", "severity"], name="finding_category"),
        ]

    def __str__(self):
        return f"{self.get_category_display()}: {self.description[:60]}"

    def save(self, *args, **kwargs):
        self.description = nfc(self.description).strip()
        super().save(*args, **kwargs)


class ConclusionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    APPROVED = "approved", _("Approved, awaiting issue")
    ISSUED = "issued", _("Issued")


class Conclusion(ConcurrentTransitionMixin, NumberedDocument):
    """Thông báo kết luận: the notice sent to one inspected unit, drafted by the team head."""

    target = models.OneToOneField(InspectionTarget, on_delete=models.CASCADE, related_name="conclusion",
                                  verbose_name=_("inspected unit"))
    text = models.TextField(_("conclusion"), blank=True)
    state = FSMField(_("state"), default=ConclusionState.DRAFT, choices=ConclusionState.choices, protected=True)
    number = models.CharField(_("document number"), max_length=100, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("drafted by"))
    updated_at = models.DateTimeField(default=timezone.now)
    # The issued notice as PDF (inspections.documents.conclusion_pdf): made at the first download and
    # kept, made again only when a correction of a finding has changed the notice since.
    document_pdf = models.FileField(_("issued document (PDF)"), upload_to="inspections/conclusions/", blank=True,
                                    editable=False)

    class Meta(NumberedDocument.Meta):  # conclusion_number_unique_in_scope
        verbose_name = _("conclusion")
        verbose_name_plural = _("conclusions")

    def __str__(self):
        return self.number or str(_("Draft conclusion"))

    @transition(field=state, source=ConclusionState.DRAFT, target=ConclusionState.AWAITING_APPROVAL)
    def submit(self):
        pass

    @transition(field=state, source=ConclusionState.AWAITING_APPROVAL, target=ConclusionState.DRAFT)
    def return_to_draft(self):
        pass

    @transition(field=state, source=ConclusionState.AWAITING_APPROVAL, target=ConclusionState.APPROVED)
    def approve(self):
        pass

    @transition(field=state, source=ConclusionState.APPROVED, target=ConclusionState.ISSUED)
    def issue(self, *, number, at):
        self.take_number(number)
        self.issued_at = at


class Recommendation(models.Model):
    """Kiến nghị: what the target must put right, by when. Written with the conclusion."""

    conclusion = models.ForeignKey(Conclusion, on_delete=models.CASCADE, related_name="recommendations")
    text = models.TextField(_("recommendation"))
    due = models.DateTimeField(_("remediate by"))

    class Meta:
        ordering = ["conclusion", "pk"]
        verbose_name = _("recommendation")
        verbose_name_plural = _("recommendations")

    def __str__(self):
        return self.text[:80]
