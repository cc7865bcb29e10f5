"""Periodic report obligations: a schedule that issues a report request (YCBC) every period,
and the run that records, once per period, that it did."""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Department, Position, Role, Unit, UnitLevel
from workflows.calendar import deadline_after

from . import periods

PERIOD_PLACEHOLDER = "{period}"


class Frequency(models.TextChoices):
    WEEKLY = periods.WEEKLY, _("Weekly")
    MONTHLY = periods.MONTHLY, _("Monthly")
    QUARTERLY = periods.QUARTERLY, _("Quarterly")
    HALF_YEARLY = periods.HALF_YEARLY, _("Every six months")
    NINE_MONTHLY = periods.NINE_MONTHLY, _("Nine months")
    YEARLY = periods.YEARLY, _("Yearly")


class ReportSchedule(models.Model):
    """A standing order: every period, a report request from `issuing_unit` to every active unit
    of `recipient_level` below it. The people named here stand behind each request: it is drafted,
    reviewed, approved and issued in their names through plans.services, as a request typed by
    hand would be, so each step is checked and logged."""

    name = models.CharField(_("name"), max_length=200)
    issuing_unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="report_schedules",
                                     verbose_name=_("issuing unit"))
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, null=True, blank=True, related_name="report_schedules",
        verbose_name=_("advising department"),
    )
    recipient_level = models.ForeignKey(
        UnitLevel, on_delete=models.PROTECT, related_name="+", verbose_name=_("recipient level"),
        help_text=_("Every active unit of this level below the issuing unit is asked to report."),
    )
    frequency = models.CharField(_("frequency"), max_length=16, choices=Frequency.choices)
    cutoff_day = models.PositiveSmallIntegerField(
        _("data cut-off day"), default=14, validators=[MinValueValidator(1), MaxValueValidator(31)],
        help_text=_("Day of the period's last month (1–31; 31 means its last day). For weekly reports "
                    "the weekday: 1 Monday … 7 Sunday."),
    )
    submission_day = models.PositiveSmallIntegerField(
        _("report due (working days after the cut-off)"), default=3, validators=[MinValueValidator(1)],
        help_text=_("The report is due at the end of office hours on this working day after the cut-off date."),
    )
    lead_days = models.PositiveSmallIntegerField(
        _("request sent (days before the cut-off)"), default=7,
        help_text=_("The request is generated at 00:00 this many calendar days before the cut-off date."),
    )
    subject_template = models.CharField(
        _("subject line"), max_length=300,
        help_text=_("{period} becomes the period, e.g. “tháng 3/2025”, “quý I/2025”, “6 tháng đầu năm 2025”."),
    )
    body = models.TextField(_("content"), blank=True, help_text=_("{period} is replaced here too."))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("issued by"),
        help_text=_("Numbers and issues each request: must hold the right to issue the unit's documents."),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("approved by"),
        help_text=_("The leader whose standing approval covers every request of this schedule."),
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("reviewed by"),
        help_text=_("With an advising department: its head, who drafts and reviews each request."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["issuing_unit__path", "name"]
        verbose_name = _("report schedule")
        verbose_name_plural = _("report schedules")

    def __str__(self):
        return self.name

    # -- periods and moments -------------------------------------------------------------------
    @property
    def series(self) -> periods.Series:
        return periods.Series(self.frequency, self.cutoff_day)

    def generate_at(self, period: periods.Period) -> datetime.datetime:
        day = period.cutoff - datetime.timedelta(days=self.lead_days)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))

    def report_due(self, period: periods.Period) -> datetime.datetime:
        noon = timezone.make_aware(datetime.datetime.combine(period.cutoff, datetime.time(12)))
        return deadline_after(noon, self.submission_day)

    def periods_open(self, now: datetime.datetime) -> list[periods.Period]:
        """Periods whose request is due to exist at `now`: generated already (its moment has come)
        and its report not yet due. Usually one; two when the next request goes out before the
        previous report is due. A request missed while the scheduler was down is still made as long
        as its report is not yet due; after that it would only be born overdue, so it is not."""
        series = self.series
        due = {}  # each due moment reads the calendar's exceptions once

        def report_due(period):
            if period not in due:
                due[period] = self.report_due(period)
            return due[period]

        current = series.covering(timezone.localdate(now))
        found, period = [], current
        for _step in range(60):
            period = series.before(period)
            if report_due(period) <= now:
                break
            found.insert(0, period)
        period = current
        for _step in range(60):
            if self.generate_at(period) > now:
                break
            found.append(period)
            period = series.after(period)
        return [p for p in found if self.generate_at(p) <= now < report_due(p)]

    def subject_for(self, period: periods.Period) -> str:
        return self.subject_template.replace(PERIOD_PLACEHOLDER, period.label)

    def body_for(self, period: periods.Period) -> str:
        return self.body.replace(PERIOD_PLACEHOLDER, period.label)

    def recipient_units(self):
        return (Unit.objects.filter(path__startswith=self.issuing_unit.path, level=self.recipient_level,
                                    is_active=True)
                .exclude(pk=self.issuing_unit_id).order_by("path"))

    # -- validation ----------------------------------------------------------------------------
    def clean(self):
        errors = {}
        if self.frequency == Frequency.WEEKLY and self.cutoff_day and self.cutoff_day > 7:
            errors["cutoff_day"] = _("For weekly reports the cut-off is a weekday: 1 (Monday) to 7 (Sunday).")
        if PERIOD_PLACEHOLDER not in (self.subject_template or ""):
            errors["subject_template"] = _("Put {period} in the subject line, or every request would read the same.")
        if self.issuing_unit_id is None:
            raise ValidationError(errors or {"issuing_unit": _("Choose the issuing unit.")})
        unit = self.issuing_unit
        if self.department_id and self.department.unit_id != unit.pk:
            errors["department"] = _("The department does not belong to the issuing unit.")
        if self.recipient_level_id and not self.recipient_units().exists():
            errors["recipient_level"] = _("No active unit of this level is below %(unit)s.") % {"unit": unit}
        errors.update(self._people_errors(unit))
        if errors:
            raise ValidationError(errors)

    def _people_errors(self, unit) -> dict:
        """Each named person must hold, today, the right the step taken in their name needs."""
        errors = {}

        def lacks(user, *codenames):
            return user is None or not user.is_active or not all(
                user.has_perm(f"accounts.{codename}", unit) for codename in codenames)

        if self.issued_by_id and lacks(self.issued_by, "issue_plans"):
            errors["issued_by"] = _("%(person)s may not issue documents of %(unit)s.") % {
                "person": self.issued_by, "unit": unit}
        # Without a department the leader also drafts and submits the request.
        leader_rights = ("approve_plans",) if self.department_id else ("approve_plans", "draft_plans")
        if self.approved_by_id and lacks(self.approved_by, *leader_rights):
            errors["approved_by"] = _("%(person)s may not draft and approve plans of %(unit)s.") % {
                "person": self.approved_by, "unit": unit}
        if self.department_id:
            head = Position.objects.active_on().filter(
                user_id=self.reviewed_by_id, unit=unit, department_id=self.department_id, role=Role.DEPARTMENT_HEAD)
            if not self.reviewed_by_id:
                errors["reviewed_by"] = _("Name the head of %(dept)s, who reviews each request.") % {
                    "dept": self.department}
            elif lacks(self.reviewed_by, "draft_plans", "review_plans") or not head.exists():
                errors["reviewed_by"] = _("%(person)s is not the head of %(dept)s.") % {
                    "person": self.reviewed_by, "dept": self.department}
        elif self.reviewed_by_id:
            errors["reviewed_by"] = _("Only a request advised by a department is reviewed; leave this empty.")
        return errors


class ScheduleRun(models.Model):
    """One period of one schedule handled. The unique pair is the claim: a second beat that
    tries to insert it fails and leaves the period alone."""

    schedule = models.ForeignKey(ReportSchedule, on_delete=models.CASCADE, related_name="runs",
                                 verbose_name=_("schedule"))
    period_key = models.CharField(_("period"), max_length=20)
    plan = models.OneToOneField("plans.Plan", on_delete=models.PROTECT, null=True, blank=True,
                                related_name="schedule_run", verbose_name=_("report request"))
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        ordering = ["schedule", "-created_at"]
        verbose_name = _("schedule run")
        verbose_name_plural = _("schedule runs")
        constraints = [
            models.UniqueConstraint(fields=["schedule", "period_key"], name="schedule_run_once_per_period")
        ]

    def __str__(self):
        return f"{self.schedule} · {self.period_key}"
