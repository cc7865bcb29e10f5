"""Programmes, inspections, their teams and targets."""


from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Department, Unit
from core.models import NumberedDocument
from core.text import nfc


class Programme(models.Model):
    """Chương trình kiểm tra, giám sát: one issuer's programme for one year.

    The issuer is the unit's standing board (no department, or an advising department such as
    XDĐ) or a body that issues in its own name (the inspection committee, UBKTTĐ).
    """

    issuing_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="inspection_programmes",
                                     verbose_name=_("issuing unit"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="inspection_programmes", verbose_name=_("issuing body"))
    year = models.PositiveSmallIntegerField(_("year"))
    title = models.CharField(_("title"), max_length=500)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-year", "issuing_unit__path", "pk"]
        verbose_name = _("inspection programme")
        verbose_name_plural = _("inspection programmes")
        constraints = [
            models.UniqueConstraint(fields=["issuing_unit", "department", "year"], name="programme_issuer_year",
                                    nulls_distinct=False),
        ]

    def __str__(self):
        return f"{self.title} ({self.year})"

    @property
    def is_committee(self) -> bool:
        return bool(self.department_id and self.department.issues_own_documents)

    @property
    def issuer_name(self) -> str:
        if self.is_committee:
            return self.department.name
        return _("Standing board of %(unit)s") % {"unit": self.issuing_unit.name}


class InspectionKind(models.TextChoices):
    REGULAR_INSPECTION = "inspection_regular", _("Regular inspection")
    THEMATIC_INSPECTION = "inspection_thematic", _("Thematic inspection")
    VIOLATION_INSPECTION = "inspection_violation", _("Inspection on signs of violation")
    REGULAR_SUPERVISION = "supervision_regular", _("Regular supervision")
    THEMATIC_SUPERVISION = "supervision_thematic", _("Thematic supervision")


SUPERVISION_KINDS = (InspectionKind.REGULAR_SUPERVISION, InspectionKind.THEMATIC_SUPERVISION)


class DecisionKind(models.TextChoices):
    # The value is the code in the document number (23-KH/UBKTTĐ).
    PLAN = "KH", _("Plan")
    DECISION = "QĐ", _("Decision")


class InspectionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    IN_PROGRESS = "in_progress", _("In progress")
    CONCLUDED = "concluded", _("Concluded, remediation under way")
    CLOSED = "closed", _("Closed")


# From these states on the decision is issued: targets see the inspection.
ISSUED_INSPECTION_STATES = (InspectionState.IN_PROGRESS, InspectionState.CONCLUDED, InspectionState.CLOSED)


class Inspection(ConcurrentTransitionMixin, NumberedDocument):
    number_field = "decision_number"

    programme = models.ForeignKey(Programme, on_delete=models.PROTECT, related_name="inspections",
                                  verbose_name=_("programme"))
    kind = models.CharField(_("kind"), max_length=24, choices=InspectionKind.choices)
    subject = models.CharField(_("subject"), max_length=500)
    content = models.TextField(_("content"), blank=True)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    checked_plan = models.ForeignKey("plans.Plan", on_delete=models.PROTECT, null=True, blank=True,
                                     related_name="inspections", verbose_name=_("plan being checked"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    self_report_due = models.DateTimeField(_("self-report due"))
    decision_kind = models.CharField(_("decision document"), max_length=4, choices=DecisionKind.choices,
                                     default=DecisionKind.PLAN)
    decision_number = models.CharField(_("decision number"), max_length=100, blank=True)
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    state = FSMField(_("state"), default=InspectionState.DRAFT, choices=InspectionState.choices, protected=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("drafted by"))
    created_at = models.DateTimeField(default=timezone.now)
    # Guardian grants on this inspection go to these two groups, never to users.
    team_group = models.OneToOneField(Group, on_delete=models.PROTECT, null=True, editable=False,
                                      related_name="inspection_team")
    head_group = models.OneToOneField(Group, on_delete=models.PROTECT, null=True, editable=False,
                                      related_name="inspection_head")
    process = models.OneToOneField("viewflow.Process", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="inspection", editable=False)

    class Meta(NumberedDocument.Meta):
        ordering = ["programme", "starts_on", "pk"]
        verbose_name = _("inspection")
        verbose_name_plural = _("inspections")
        permissions = [
            ("record_findings", _("Record findings of the inspection")),
            ("draft_conclusions", _("Draft the conclusions of the inspection")),
        ]
        indexes = [models.Index(fields=["programme", "state"], name="inspection_programme_state")]
        constraints = [
            *NumberedDocument.Meta.constraints,  # inspection_number_unique_in_scope
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="inspection_dates_ordered"),
        ]

    def __str__(self):
        return f"{self.decision_number} {self.subject}" if self.decision_number else self.subject

    def save(self, *args, **kwargs):
        self.subject = nfc(self.subject).strip()
        self.content = nfc(self.content)
        super().save(*args, **kwargs)

    @property
    def is_supervision(self) -> bool:
        return self.kind in SUPERVISION_KINDS

    @property
    def issuing_unit(self):
        return self.programme.issuing_unit

    @transition(field=state, source=InspectionState.DRAFT, target=InspectionState.AWAITING_APPROVAL)
    def submit(self):
        pass

    @transition(field=state, source=InspectionState.AWAITING_APPROVAL, target=InspectionState.DRAFT)
    def return_to_draft(self):
        pass

    @transition(field=state, source=InspectionState.AWAITING_APPROVAL, target=InspectionState.IN_PROGRESS)
    def approve(self, *, number, at):
        self.take_number(number)
        self.decided_at = at

    @transition(field=state, source=InspectionState.IN_PROGRESS, target=InspectionState.CONCLUDED)
    def conclude(self):
        pass

    @transition(field=state, source=[InspectionState.IN_PROGRESS, InspectionState.CONCLUDED],
                target=InspectionState.CLOSED)
    def close(self):
        pass


class TeamRole(models.TextChoices):
    HEAD = "head", _("Team head")
    MEMBER = "member", _("Team member")


class TeamMember(models.Model):
    """Đoàn kiểm tra: people from the issuer or from other units."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="team",
                                   verbose_name=_("inspection"))
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="inspection_teams",
                             verbose_name=_("person"))
    role = models.CharField(_("role in the team"), max_length=8, choices=TeamRole.choices, default=TeamRole.MEMBER)
    from_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                  verbose_name=_("from unit"))

    class Meta:
        ordering = ["inspection", "role", "pk"]
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "user"], name="team_member_unique"),
            models.UniqueConstraint(fields=["inspection"], condition=Q(role="head"), name="team_one_head"),
        ]

    def __str__(self):
        return f"{self.user} ({self.get_role_display()})"


class TargetState(models.TextChoices):
    PENDING = "pending", _("Decision not yet issued")
    NOTIFIED = "notified", _("Notified, self-report due")
    SELF_REPORTED = "self_reported", _("Self-reported, under inspection")
    CONCLUDED = "concluded", _("Conclusion issued, remediating")
    CLOSED = "closed", _("Closed")


class InspectionTarget(ConcurrentTransitionMixin, models.Model):
    """One inspected unit of the tree, or for a supervision an outside body (e.g. a district
    People's Committee) that has no account here: the team records its report for it."""

    inspection = models.ForeignKey(Inspection, on_delete=models.CASCADE, related_name="targets",
                                   verbose_name=_("inspection"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True,
                             related_name="inspection_targets", verbose_name=_("unit"))
    outside_body = models.CharField(_("outside body"), max_length=255, blank=True)
    state = FSMField(_("state"), default=TargetState.PENDING, choices=TargetState.choices, protected=True)
    self_report_due = models.DateTimeField(_("self-report due"), null=True, blank=True)
    self_report = models.TextField(_("self-report"), blank=True)
    self_reported_at = models.DateTimeField(_("self-reported at"), null=True, blank=True)
    self_reported_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True,
                                         blank=True, related_name="+")
    process = models.OneToOneField("viewflow.Process", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="inspection_target", editable=False)

    class Meta:
        ordering = ["inspection", "unit__path", "outside_body", "pk"]
        verbose_name = _("inspected unit")
        verbose_name_plural = _("inspected units")
        constraints = [
            models.UniqueConstraint(fields=["inspection", "unit"], condition=Q(unit__isnull=False),
                                    name="target_unit_once"),
            models.CheckConstraint(
                condition=(Q(unit__isnull=False) & Q(outside_body="")) | (Q(unit__isnull=True) & ~Q(outside_body="")),
                name="target_unit_xor_outside_body",
            ),
        ]
        # A unit's own inspections (the target's view) and the self-report sweep.
        indexes = [
            models.Index(fields=["unit", "state"], name="target_unit_state"),
            models.Index(fields=["state", "self_report_due"], name="target_state_due"),
        ]

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        return self.unit.name if self.unit_id else self.outside_body

    @property
    def is_outside(self) -> bool:
        return self.unit_id is None

    @transition(field=state, source=TargetState.PENDING, target=TargetState.NOTIFIED)
    def notify(self, *, due):
        self.self_report_due = due

    @transition(field=state, source=TargetState.NOTIFIED, target=TargetState.SELF_REPORTED)
    def submit_self_report(self, *, text, author, at):
        self.self_report = nfc(text)
        self.self_reported_by = author
        self.self_reported_at = at

    @transition(field=state, source=TargetState.SELF_REPORTED, target=TargetState.CONCLUDED)
    def conclude(self):
        pass

    @transition(field=state, source=TargetState.CONCLUDED, target=TargetState.CLOSED)
    def close(self):
        pass
