"""Plans (kế hoạch) and other directives, one assignment per recipient unit, and reports."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import RETURN_VALUE, ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Department, Unit
from core.models import NumberedDocument
from core.text import nfc


class PlanKind(models.TextChoices):
    # The value is the code used in document numbers (176-KH/…).
    PLAN = "KH", _("Plan")
    GUIDANCE = "HD", _("Guidance")
    PROGRAMME = "CTr", _("Programme")
    LETTER = "CV", _("Official letter")
    REPORT_REQUEST = "YCBC", _("Report request")


class PlanState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    UNDER_REVIEW = "under_review", _("Under department review")
    AWAITING_APPROVAL = "awaiting_approval", _("Awaiting approval")
    APPROVED = "approved", _("Approved, awaiting issue")
    ISSUED = "issued", _("Issued")
    CLOSED = "closed", _("Closed")
    REVOKED = "revoked", _("Revoked")


class Plan(ConcurrentTransitionMixin, NumberedDocument):
    issuing_unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="issued_plans", verbose_name=_("issuing unit")
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="plans",
        verbose_name=_("advising department"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=PlanKind.choices, default=PlanKind.PLAN)
    subject = models.CharField(_("subject line"), max_length=500)
    body = models.TextField(_("content"), blank=True)
    period_start = models.DateField(_("implementation from"), null=True, blank=True)
    period_end = models.DateField(_("implementation to"), null=True, blank=True)
    receipt_due = models.DateTimeField(_("confirm receipt by"), null=True, blank=True)
    report_due = models.DateTimeField(_("report by"))
    recipients = models.ManyToManyField(
        Unit, related_name="addressed_plans", blank=True, verbose_name=_("recipient units")
    )
    parent_assignment = models.ForeignKey(
        "Assignment", on_delete=models.PROTECT, null=True, blank=True, related_name="implementing_plans",
        verbose_name=_("implements"),
    )
    state = FSMField(_("state"), default=PlanState.DRAFT, choices=PlanState.choices, protected=True)
    number = models.CharField(_("document number"), max_length=100, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("drafted by")
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    process = models.OneToOneField(
        "viewflow.Process", on_delete=models.SET_NULL, null=True, blank=True, related_name="plan",
        editable=False,
    )
    # The official document as issued (plans.documents): fixed files, never composed again, so a
    # later edit or a new layout cannot change what the recipients received.
    document_docx = models.FileField(_("issued document (.docx)"), upload_to="plans/documents/", blank=True,
                                     editable=False)
    document_pdf = models.FileField(_("issued document (PDF)"), upload_to="plans/documents/", blank=True,
                                    editable=False)

    class Meta(NumberedDocument.Meta):  # plan_number_unique_in_scope
        ordering = ["-created_at", "-pk"]
        verbose_name = _("plan")
        verbose_name_plural = _("plans")
        indexes = [
            # The plan list: my unit's plans by state, newest first.
            models.Index(fields=["issuing_unit", "state", "created_at"], name="plan_unit_state"),
            models.Index(fields=["department", "state"], name="plan_department_state"),
            models.Index(fields=["period_start", "period_end"], name="plan_period"),
        ]

    def __str__(self):
        return f"{self.number} {self.subject}" if self.number else self.subject

    def save(self, *args, **kwargs):
        self.subject = nfc(self.subject).strip()
        self.body = nfc(self.body)
        super().save(*args, **kwargs)

    @property
    def parent_plan(self):
        return self.parent_assignment.plan if self.parent_assignment_id else None

    # Transitions: rules only. Locking, permissions and history are in plans.services.
    @transition(field=state, source=PlanState.DRAFT,
                target=RETURN_VALUE(PlanState.UNDER_REVIEW, PlanState.AWAITING_APPROVAL))
    def submit(self):
        # Department review exists only where a department advised the plan; a unit without
        # departments (a district, a commune) sends its drafts straight to its leader.
        return PlanState.UNDER_REVIEW if self.department_id else PlanState.AWAITING_APPROVAL

    @transition(field=state, source=PlanState.UNDER_REVIEW, target=PlanState.AWAITING_APPROVAL)
    def review(self):
        pass

    @transition(field=state, source=PlanState.AWAITING_APPROVAL, target=PlanState.APPROVED)
    def approve(self):
        pass

    @transition(field=state, source=[PlanState.UNDER_REVIEW, PlanState.AWAITING_APPROVAL],
                target=PlanState.DRAFT)
    def return_to_draft(self):
        pass

    @transition(field=state, source=PlanState.APPROVED, target=PlanState.ISSUED)
    def issue(self, *, number, issued_at):
        self.take_number(number)
        self.issued_at = issued_at

    @transition(field=state, source=PlanState.ISSUED, target=PlanState.CLOSED)
    def close(self):
        pass

    @transition(field=state, source=PlanState.ISSUED, target=PlanState.REVOKED)
    def revoke(self):
        pass


class AssignmentState(models.TextChoices):
    SENT = "sent", _("Sent, not yet received")
    RECEIVED = "received", _("Received, in progress")
    REPORTED = "reported", _("Reported, awaiting review")
    ACCEPTED = "accepted", _("Accepted")
    CANCELLED = "cancelled", _("Cancelled (plan revoked)")


OPEN_ASSIGNMENT_STATES = (AssignmentState.SENT, AssignmentState.RECEIVED, AssignmentState.REPORTED)


class AssignmentQuerySet(models.QuerySet):
    def overdue(self, now=None):
        """Past a due moment with the step it gates not done. Derived, never stored."""
        now = now or timezone.now()
        return self.filter(
            Q(state=AssignmentState.SENT, receipt_due__lt=now)
            | Q(state__in=[AssignmentState.SENT, AssignmentState.RECEIVED], report_due__lt=now)
        )


def overdue_on(*, state: str, receipt_due, report_due, now) -> bool:
    """Past a deadline and not done: receipt not confirmed in time, or no report by its deadline.
    On plain fields, so the dashboards judge their flat rows by the same rule."""
    if state == AssignmentState.SENT and receipt_due and receipt_due < now:
        return True
    return state in (AssignmentState.SENT, AssignmentState.RECEIVED) and report_due < now


class Assignment(ConcurrentTransitionMixin, models.Model):
    """One recipient unit's share of an issued plan: the "5 rõ" of who, what, by when."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="assignments", verbose_name=_("plan"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("unit"))
    # The unit that carries this work on since `unit` ended (restructuring), where the work could
    # not move to it outright: it already had an assignment of the plan, or it issued the plan.
    # The assignment stays the ended unit's record; the carrier's people act on it.
    carried_by = models.ForeignKey(Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="carried",
                                   verbose_name=_("carried on by"))
    state = FSMField(_("state"), default=AssignmentState.SENT, choices=AssignmentState.choices, protected=True)
    receipt_due = models.DateTimeField(_("confirm receipt by"), null=True, blank=True)
    report_due = models.DateTimeField(_("report by"))
    # The deadline as issued, kept when the issuer extends it for this unit: on-time statistics
    # count against report_due (the extended one), screens show both.
    original_report_due = models.DateTimeField(_("report by, as issued"), null=True, blank=True, editable=False)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    reported_at = models.DateTimeField(_("reported at"), null=True, blank=True)
    # The issuer's own deadline for reviewing the last report (deadlines policy, working days).
    review_due = models.DateTimeField(_("review by"), null=True, blank=True, editable=False)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    process = models.OneToOneField(
        "viewflow.Process", on_delete=models.SET_NULL, null=True, blank=True, related_name="assignment",
        editable=False,
    )

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["plan", "unit__path"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [models.UniqueConstraint(fields=["plan", "unit"], name="assignment_plan_unit_unique")]
        indexes = [
            # The unit's inbox and the overdue sweep.
            models.Index(fields=["unit", "state", "report_due"], name="assignment_unit_state"),
            models.Index(fields=["state", "report_due"], name="assignment_state_due"),
            # The deadline sweep's receipt step: sent assignments by receipt deadline (deadlines.steps).
            models.Index(fields=["state", "receipt_due"], name="assignment_state_receipt_due"),
            # The API's list, newest plan first (plans.api.AssignmentViewSet.list).
            models.Index(fields=["-plan", "unit"], name="assignment_newest_plan"),
            # Which plans of a page have overdue work (the plan list): the open rows of each plan
            # only, not the thousands done.
            models.Index(fields=["plan", "report_due"], name="assignment_open_by_plan",
                         condition=Q(state__in=["sent", "received"])),
        ]

    def __str__(self):
        return f"{self.plan} → {self.unit}"

    @property
    def acting_unit(self):
        """Who does the work: the unit itself, or the one carrying it on since it ended."""
        return self.carried_by if self.carried_by_id else self.unit

    def is_overdue(self, now=None) -> bool:
        return overdue_on(state=self.state, receipt_due=self.receipt_due, report_due=self.report_due,
                          now=now or timezone.now())

    def extend(self, until) -> None:
        """A later report deadline for this unit; the first one stays as issued."""
        if self.original_report_due is None:
            self.original_report_due = self.report_due
        self.report_due = until

    @transition(field=state, source=AssignmentState.SENT, target=AssignmentState.RECEIVED)
    def receive(self, *, at):
        self.received_at = at

    @transition(field=state, source=AssignmentState.RECEIVED, target=AssignmentState.REPORTED)
    def report(self, *, at, review_due=None):
        self.reported_at = at
        self.review_due = review_due

    @transition(field=state, source=AssignmentState.REPORTED, target=AssignmentState.ACCEPTED)
    def accept(self, *, at):
        self.accepted_at = at

    @transition(field=state, source=AssignmentState.REPORTED, target=AssignmentState.RECEIVED)
    def return_report(self):
        pass

    @transition(field=state, source=list(OPEN_ASSIGNMENT_STATES), target=AssignmentState.CANCELLED)
    def cancel(self):
        pass


class Report(models.Model):
    """One submission of an assignment's report. A resubmission is a new version; old ones stay."""

    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="reports")
    version = models.PositiveSmallIntegerField(_("version"))
    text = models.TextField(_("report"))
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(_("submitted at"), default=timezone.now)
    review_comment = models.TextField(_("review comment"), blank=True)

    class Meta:
        ordering = ["assignment", "-version"]
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [models.UniqueConstraint(fields=["assignment", "version"], name="report_version_unique")]

    def __str__(self):
        return f"{self.assignment} v{self.version}"

    def save(self, *args, **kwargs):
        self.text = nfc(self.text)
        super().save(*args, **kwargs)


# --- Indicators (chỉ tiêu) ---------------------------------------------------------------------

class IndicatorKind(models.TextChoices):
    COUNT = "count", _("Count")
    PERCENT = "percent", _("Percent")
    RATIO = "ratio", _("Ratio of units")
    MONEY = "money", _("Money")
    YES_NO = "yes_no", _("Yes / no")


class Comparison(models.TextChoices):
    AT_LEAST = "at_least", _("At least")
    AT_MOST = "at_most", _("At most")


class Aggregate(models.TextChoices):
    SUM = "sum", _("Sum of the units' values")
    RATIO_OF_SUMS = "ratio_of_sums", _("Σ numerators / Σ denominators")
    ALL_UNITS = "all_units", _("Units meeting the unit-level condition")
    ISSUER_ONLY = "province_only", _("Reported by the issuing unit itself")


class Indicator(models.Model):
    """A quantitative target of a plan. The aggregate rule says how unit values combine."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="indicators", verbose_name=_("plan"))
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    group = models.CharField(_("group"), max_length=20, blank=True)
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("indicator"), max_length=500)
    kind = models.CharField(_("kind"), max_length=10, choices=IndicatorKind.choices)
    unit_of_measure = models.CharField(_("unit of measure"), max_length=40, blank=True)
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=4)
    comparison = models.CharField(_("comparison"), max_length=10, choices=Comparison.choices,
                                  default=Comparison.AT_LEAST)
    aggregate = models.CharField(_("aggregate rule"), max_length=20, choices=Aggregate.choices)
    unit_target = models.DecimalField(
        _("unit-level condition"), max_digits=18, decimal_places=4, null=True, blank=True,
        help_text=_("For “units meeting” rules: the value each unit must reach (e.g. 2 works). "
                    "Empty: any value above 0."),
    )

    class Meta:
        ordering = ["plan", "position", "pk"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")
        constraints = [models.UniqueConstraint(fields=["plan", "code"], name="indicator_code_unique")]

    def __str__(self):
        return f"{self.code}. {self.name}"

    @property
    def needs_fraction(self) -> bool:
        """Percent-like indicators are reported as numerator and denominator, never as a percent."""
        return self.aggregate == Aggregate.RATIO_OF_SUMS


class IndicatorAllocation(models.Model):
    """The part of a target allocated to one unit."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="allocations")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    target = models.DecimalField(_("allocated target"), max_digits=18, decimal_places=4)

    class Meta:
        verbose_name = _("allocated target")
        verbose_name_plural = _("allocated targets")
        constraints = [models.UniqueConstraint(fields=["indicator", "unit"], name="allocation_unique")]

    def __str__(self):
        return f"{self.indicator.code} → {self.unit}: {self.target}"


class IndicatorValue(models.Model):
    """A unit's figure for one indicator, as of the data cut-off date of the report it came in."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="values")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, null=True, blank=True,
                                   related_name="indicator_values")
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4, null=True, blank=True)
    numerator = models.DecimalField(_("numerator"), max_digits=18, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(_("denominator"), max_digits=18, decimal_places=4, null=True, blank=True)
    note = models.CharField(_("note"), max_length=500, blank=True)
    cutoff_date = models.DateField(_("data cut-off date"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)

    class Meta:
        verbose_name = _("indicator value")
        verbose_name_plural = _("indicator values")
        constraints = [models.UniqueConstraint(fields=["indicator", "unit"], name="indicator_value_unique")]

    def __str__(self):
        return f"{self.indicator.code} @ {self.unit}"
