"""Remediation of a recommendation and the unit's reports on it."""


from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from .findings import Recommendation
from .inspection import InspectionTarget


class RemediationState(models.TextChoices):
    OPEN = "open", _("To remediate")
    REPORTED = "reported", _("Reported, awaiting verification")
    VERIFIED = "verified", _("Verified")


class Remediation(ConcurrentTransitionMixin, models.Model):
    """The target's work on one recommendation, verified by the committee (or reopened)."""

    recommendation = models.OneToOneField(Recommendation, on_delete=models.PROTECT, related_name="remediation")
    target = models.ForeignKey(InspectionTarget, on_delete=models.PROTECT, related_name="remediations",
                               verbose_name=_("inspected unit"))
    due = models.DateTimeField(_("remediate by"))
    state = FSMField(_("state"), default=RemediationState.OPEN, choices=RemediationState.choices, protected=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    process = models.OneToOneField("viewflow.Process", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="remediation", editable=False)

    class Meta:
        ordering = ["target", "due", "pk"]
        verbose_name = _("remediation")
        verbose_name_plural = _("remediations")
        indexes = [models.Index(fields=["state", "due"], name="remediation_state_due")]

    def __str__(self):
        return f"{self.target}: {self.recommendation}"

    def is_overdue(self, now=None) -> bool:
        return self.state == RemediationState.OPEN and self.due < (now or timezone.now())

    @transition(field=state, source=RemediationState.OPEN, target=RemediationState.REPORTED)
    def report(self, *, at):
        self.reported_at = at

    @transition(field=state, source=RemediationState.REPORTED, target=RemediationState.VERIFIED)
    def verify(self, *, at):
        self.verified_at = at

    @transition(field=state, source=RemediationState.REPORTED, target=RemediationState.OPEN)
    def reopen(self):
        pass


class RemediationReport(models.Model):
    """One version of the unit's remediation report; a reopened remediation gets a new one."""

    remediation = models.ForeignKey(Remediation, on_delete=models.CASCADE, related_name="reports")
    version = models.PositiveSmallIntegerField()
    text = models.TextField(_("remediation report"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["remediation", "version"]
        verbose_name = _("remediation report")
        verbose_name_plural = _("remediation reports")
        constraints = [models.UniqueConstraint(fields=["remediation", "version"], name="remediation_report_version")]

    def __str__(self):
        return f"{self.remediation} (v{self.version})"
