"""Deadline policies per kind of step, and the log of every reminder and escalation sent.

A `DeadlineEvent` row is the claim that makes each level happen exactly once: the sweep inserts
it (unique per step, object, level and due moment) in the same transaction as the
notifications, and sends only what its own insert won. See deadlines/sweep.py.
"""

from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class StepKind(models.TextChoices):
    ASSIGNMENT_RECEIPT = "assignment_receipt", _("Confirming receipt of an assignment")
    ASSIGNMENT_REPORT = "assignment_report", _("Reporting on an assignment")
    INSPECTION_SELF_REPORT = "inspection_self_report", _("Self-report of an inspected unit")
    REMEDIATION = "remediation", _("Remediation of a recommendation")
    EMULATION_SELF_ASSESSMENT = "emulation_self_assessment", _("Self-assessment of an emulation score sheet")
    EMULATION_VERIFICATION = "emulation_verification", _("Verification of an emulation score sheet")


class Level(models.TextChoices):
    REMINDER = "reminder", _("Reminder before the deadline")
    OVERDUE = "overdue", _("Overdue: the unit's head")
    LEVEL2 = "level2", _("Escalation: issuing department and leader in charge")
    LEVEL3 = "level3", _("Escalation: standing board")


class DeadlinePolicy(models.Model):
    """How many working days each level comes before or after the due moment. Admin-editable;
    the defaults are created on first use (deadlines.policy)."""

    step_kind = models.CharField(_("step"), max_length=32, choices=StepKind.choices, unique=True)
    receipt_working_days = models.PositiveSmallIntegerField(
        _("working days to confirm receipt"), default=3,
        help_text=_("Used when a plan is issued without its own receipt deadline."),
    )
    review_working_days = models.PositiveSmallIntegerField(
        _("working days for the issuer to review a report"), default=3,
        help_text=_("Used on the report step: from the moment a unit sends its report."),
    )
    reminder_working_days = models.PositiveSmallIntegerField(
        _("reminder, working days before the deadline"), default=2, help_text=_("0: no reminder."),
    )
    level2_after_working_days = models.PositiveSmallIntegerField(
        _("escalate to the issuing department and the leader in charge after (working days)"), default=2,
    )
    level3_after_working_days = models.PositiveSmallIntegerField(
        _("escalate to the standing board after (working days)"), default=5,
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["step_kind"]
        verbose_name = _("deadline policy")
        verbose_name_plural = _("deadline policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(receipt_working_days__gte=1), name="deadline_policy_receipt_positive",
                violation_error_message=_("Give at least one working day to confirm receipt."),
            ),
            models.CheckConstraint(
                condition=Q(level2_after_working_days__gte=1), name="deadline_policy_level2_after_due",
                violation_error_message=_("The first escalation comes at least one working day after the deadline."),
            ),
            models.CheckConstraint(
                condition=Q(level3_after_working_days__gt=F("level2_after_working_days")),
                name="deadline_policy_levels_ordered",
                violation_error_message=_("The standing board is told after the issuing department."),
            ),
        ]

    def __str__(self):
        return self.get_step_kind_display()


class DeadlineEvent(models.Model):
    """One level (reminder, overdue, escalation) of one step, sent once. Append-only."""

    step_kind = models.CharField(_("step"), max_length=32, choices=StepKind.choices)
    object_id = models.PositiveBigIntegerField(_("object"))
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    # The due moment the event is about: a deadline moved later is a new deadline, with its own levels.
    due = models.DateTimeField(_("due"))
    # The sweep transaction that inserted the row; it sends only the rows carrying its claim.
    claim = models.UUIDField(editable=False, db_index=True)
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("deadline event")
        verbose_name_plural = _("deadline events")
        constraints = [
            # The exactly-once guarantee; its index also serves the sweep's "level 3 already
            # sent?" NOT EXISTS and the per-batch read of what was sent before.
            models.UniqueConstraint(fields=["step_kind", "object_id", "level", "due"], name="deadline_event_once"),
        ]

    def __str__(self):
        return f"{self.get_step_kind_display()} #{self.object_id}: {self.get_level_display()}"
