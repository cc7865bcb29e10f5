"""Emulation (thi đua): a year's scoring table of criteria with their points, and the
competition clusters (cụm thi đua) whose units are ranked against each other."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_fsm import ConcurrentTransitionMixin, FSMField, transition

from accounts.models import Department, Unit, UnitLevel
from core.models import NumberedDocument
from core.text import nfc


class Source(models.TextChoices):
    """Where a criterion's points come from: computed from the work the product holds, or judged."""

    TIMELINESS = "timeliness", _("Timeliness of reports")
    INDICATORS = "indicators", _("Indicator targets met")
    INSPECTIONS = "inspections", _("Inspection results")
    JUDGED = "judged", _("Judged with evidence")


class Denominator(models.TextChoices):
    ACCEPTED = "accepted", _("Accepted reports")
    DUE = "due", _("Every report due in the year")


class ScoringTable(models.Model):
    """Bảng chấm điểm: one organiser's criteria for one year and one level of units."""

    organiser = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="scoring_tables",
                                  verbose_name=_("organising unit"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    level = models.ForeignKey(UnitLevel, on_delete=models.PROTECT, related_name="+", verbose_name=_("level scored"))
    name = models.CharField(_("name"), max_length=300)

    class Meta:
        ordering = ["-year", "organiser__path", "level__rank"]
        verbose_name = _("scoring table")
        verbose_name_plural = _("scoring tables")
        constraints = [models.UniqueConstraint(fields=["organiser", "year", "level"], name="scoring_table_once")]

    def __str__(self):
        return f"{self.name} ({self.year})"

    def save(self, *args, **kwargs):
        self.name = nfc(self.name).strip()
        super().save(*args, **kwargs)


class CriterionGroup(models.Model):
    table = models.ForeignKey(ScoringTable, on_delete=models.CASCADE, related_name="groups")
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("criteria group"), max_length=300)
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        ordering = ["table", "position", "pk"]
        verbose_name = _("criteria group")
        verbose_name_plural = _("criteria groups")
        constraints = [models.UniqueConstraint(fields=["table", "code"], name="criterion_group_code_once")]

    def __str__(self):
        return f"{self.code}. {self.name}"


class Criterion(models.Model):
    """One line of the table: its maximum points and where they come from. The computed sources'
    parameters are the province's to set (DESIGN.md §7: keep the weights configurable)."""

    group = models.ForeignKey(CriterionGroup, on_delete=models.CASCADE, related_name="criteria",
                              verbose_name=_("criteria group"))
    code = models.CharField(_("code"), max_length=20)
    name = models.CharField(_("criterion"), max_length=500)
    max_points = models.DecimalField(_("maximum points"), max_digits=6, decimal_places=2,
                                     validators=[MinValueValidator(Decimal("0.01"))])
    source = models.CharField(_("scored by"), max_length=12, choices=Source.choices, default=Source.JUDGED)
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    guidance = models.TextField(_("how it is scored"), blank=True)
    # Timeliness: (on time + late_weight × late) ÷ the denominator, times the maximum.
    late_weight = models.DecimalField(_("weight of a late report"), max_digits=4, decimal_places=2,
                                      default=Decimal("0.7"),
                                      validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))])
    denominator = models.CharField(_("counted over"), max_length=10, choices=Denominator.choices,
                                   default=Denominator.ACCEPTED)
    # Inspections: points off the maximum per violation found and per remediation still open.
    violation_points = models.DecimalField(_("points off per violation"), max_digits=6, decimal_places=2,
                                           default=Decimal(2), validators=[MinValueValidator(Decimal(0))])
    open_remediation_points = models.DecimalField(_("points off per open remediation"), max_digits=6,
                                                  decimal_places=2, default=Decimal(1),
                                                  validators=[MinValueValidator(Decimal(0))])

    class Meta:
        ordering = ["group__position", "group_id", "position", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [models.UniqueConstraint(fields=["group", "code"], name="criterion_code_once")]

    def __str__(self):
        return f"{self.code}. {self.name} ({self.max_points})"

    @property
    def computed(self) -> bool:
        return self.source != Source.JUDGED


class Cluster(models.Model):
    """Cụm thi đua: peer units that compete with each other in a year, one of them heading it
    (the head rotates: it is set per year)."""

    organiser = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="clusters_organised",
                                  verbose_name=_("organising unit"))
    year = models.PositiveSmallIntegerField(_("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)])
    name = models.CharField(_("name"), max_length=200)
    head = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="clusters_headed",
                             verbose_name=_("cluster head"))

    class Meta:
        ordering = ["-year", "name"]
        verbose_name = _("competition cluster")
        verbose_name_plural = _("competition clusters")
        constraints = [models.UniqueConstraint(fields=["organiser", "year", "name"], name="cluster_name_once")]

    def __str__(self):
        return f"{self.name} ({self.year})"


class ClusterMember(models.Model):
    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="members")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("unit"))
    # The cluster's year and organiser, kept here so the database holds a unit to one cluster a year.
    year = models.PositiveSmallIntegerField(editable=False)
    organiser = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", editable=False)

    class Meta:
        ordering = ["cluster", "unit__path"]
        verbose_name = _("cluster member")
        verbose_name_plural = _("cluster members")
        constraints = [models.UniqueConstraint(fields=["organiser", "year", "unit"], name="one_cluster_a_year")]

    def __str__(self):
        return f"{self.unit} ∈ {self.cluster}"

    def save(self, *args, **kwargs):
        self.year, self.organiser_id = self.cluster.year, self.cluster.organiser_id
        super().save(*args, **kwargs)


# --- the year's emulation and each unit's score sheet -------------------------------------------

class EmulationState(models.TextChoices):
    OPEN = "open", _("Open: units assessing, clusters verifying")
    DECIDED = "decided", _("Decision issued")


class Emulation(ConcurrentTransitionMixin, NumberedDocument):
    """The year's emulation of one organiser over one scoring table: opened for every unit of its
    clusters, closed by the numbered decision (QĐ) that ranks them and proposes the awards."""

    table = models.ForeignKey(ScoringTable, on_delete=models.PROTECT, related_name="emulations",
                              verbose_name=_("scoring table"))
    department = models.ForeignKey(Department, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
                                   verbose_name=_("advising department"))
    subject = models.CharField(_("subject line"), max_length=500)
    self_assessment_due = models.DateTimeField(_("self-assessment by"))
    verification_due = models.DateTimeField(_("verification by"))
    state = FSMField(_("state"), default=EmulationState.OPEN, choices=EmulationState.choices, protected=True)
    number = models.CharField(_("decision number"), max_length=100, blank=True)
    issued_at = models.DateTimeField(_("issued at"), null=True, blank=True)
    # The decision's text above the ranking (awards proposed), written before it is issued.
    decision_text = models.TextField(_("decision"), blank=True)
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                  verbose_name=_("opened by"))
    opened_at = models.DateTimeField(_("opened at"), default=timezone.now)

    class Meta(NumberedDocument.Meta):
        ordering = ["-table__year", "pk"]
        verbose_name = _("emulation")
        verbose_name_plural = _("emulations")
        constraints = [*NumberedDocument.Meta.constraints,
                       models.UniqueConstraint(fields=["table"], name="one_emulation_a_table")]

    def __str__(self):
        return self.subject

    @property
    def organiser(self):
        return self.table.organiser

    @property
    def year(self) -> int:
        return self.table.year

    @transition(field=state, source=EmulationState.OPEN, target=EmulationState.DECIDED)
    def decide(self, *, number, issued_at):
        self.take_number(number)
        self.issued_at = issued_at


class SheetState(models.TextChoices):
    SELF_ASSESSING = "self_assessing", _("Self-assessing")
    SUBMITTED = "submitted", _("Sent, awaiting the cluster's verification")
    VERIFIED = "verified", _("Verified, awaiting the standing board")
    APPROVED = "approved", _("Approved by the standing board")


class ScoreSheet(ConcurrentTransitionMixin, models.Model):
    """One unit's scores in the year's emulation, from its self-assessment to the board's approval."""

    emulation = models.ForeignKey(Emulation, on_delete=models.CASCADE, related_name="sheets")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="score_sheets", verbose_name=_("unit"))
    cluster = models.ForeignKey(Cluster, on_delete=models.PROTECT, related_name="sheets",
                                verbose_name=_("competition cluster"))
    state = FSMField(_("state"), default=SheetState.SELF_ASSESSING, choices=SheetState.choices, protected=True)
    submitted_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    process = models.OneToOneField("viewflow.Process", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="score_sheet", editable=False)

    class Meta:
        ordering = ["emulation", "cluster", "unit__path"]
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        constraints = [models.UniqueConstraint(fields=["emulation", "unit"], name="one_sheet_a_unit")]
        # The deadline sweep: sheets in a state, by due (the due lives on the emulation).
        indexes = [models.Index(fields=["state", "emulation"], name="sheet_state")]

    def __str__(self):
        return f"{self.unit} — {self.emulation}"

    @transition(field=state, source=SheetState.SELF_ASSESSING, target=SheetState.SUBMITTED)
    def submit(self):
        self.submitted_at = timezone.now()

    @transition(field=state, source=SheetState.SUBMITTED, target=SheetState.VERIFIED)
    def verify(self):
        self.verified_at = timezone.now()

    @transition(field=state, source=SheetState.VERIFIED, target=SheetState.APPROVED)
    def approve(self):
        self.approved_at = timezone.now()

    @transition(field=state, source=SheetState.VERIFIED, target=SheetState.SUBMITTED)
    def return_to_cluster(self):
        self.verified_at = None


class Score(models.Model):
    """One criterion of one sheet: the unit's points, the cluster's, and the final ones (the
    verified points once the board approves). Computed criteria keep what they counted."""

    sheet = models.ForeignKey(ScoreSheet, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.PROTECT, related_name="+")
    self_points = models.DecimalField(_("self-assessed"), max_digits=6, decimal_places=2, null=True, blank=True)
    verified_points = models.DecimalField(_("verified"), max_digits=6, decimal_places=2, null=True, blank=True)
    final_points = models.DecimalField(_("final"), max_digits=6, decimal_places=2, null=True, blank=True)
    # What a computed criterion counted: {"counts": {...}, "items": [[label, outcome], ...]}.
    computed = models.JSONField(_("computed from"), null=True, blank=True)
    note = models.TextField(_("the unit's explanation"), blank=True)
    # Required when the cluster's points differ from the unit's: why.
    verify_comment = models.TextField(_("the cluster's comment"), blank=True)

    class Meta:
        ordering = ["sheet", "criterion__group__position", "criterion__group_id", "criterion__position", "pk"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["sheet", "criterion"], name="one_score_a_criterion")]

    def __str__(self):
        return f"{self.criterion.code}: {self.final_points or self.verified_points or self.self_points}"

    @property
    def adjusted(self) -> bool:
        return self.verified_points is not None and self.verified_points != self.self_points
