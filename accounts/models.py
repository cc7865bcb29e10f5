"""Users, the unit tree, departments and positions (role × unit × dates)."""

import datetime

from django.contrib.auth.models import AbstractUser, Group
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class User(AbstractUser):
    full_name = models.CharField(_("full name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def get_full_name(self):
        return self.full_name or super().get_full_name() or self.username

    def __str__(self):
        return self.get_full_name()


class UnitLevel(models.Model):
    """A kind of level in the tree. Levels are data: a deployment may have two or five."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=100)
    rank = models.PositiveSmallIntegerField(
        _("rank"), default=1, help_text=_("1 for the top level, larger numbers further down.")
    )

    class Meta:
        ordering = ["rank", "code"]
        verbose_name = _("unit level")
        verbose_name_plural = _("unit levels")

    def __str__(self):
        return self.name


class Unit(MP_Node):
    """A Youth Union unit. Materialized path: subtree and ancestors are one indexed query each."""

    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    level = models.ForeignKey(UnitLevel, on_delete=models.PROTECT, verbose_name=_("level"))
    document_code = models.CharField(
        _("issuer code in document numbers"), max_length=40, blank=True, help_text=_("e.g. TĐTN")
    )
    is_active = models.BooleanField(_("active"), default=True)
    note = models.CharField(_("note"), max_length=255, blank=True)

    node_order_by = []

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        indexes = [models.Index(fields=["level", "path"], name="unit_level_path")]
        # Granted on a unit to its role groups (see ROLE_UNIT_PERMISSIONS); workflow tasks ask
        # for one of these on the unit whose queue they belong to.
        permissions = [
            ("draft_plans", _("Draft plans of the unit")),
            ("review_plans", _("Review drafts of the unit")),
            ("approve_plans", _("Approve plans of the unit")),
            ("issue_plans", _("Number and issue plans of the unit")),
            ("handle_assignments", _("Receive and report work assigned to the unit")),
            ("review_reports", _("Review reports sent to the unit")),
            ("draft_inspections", _("Draft inspections of the unit and verify remediation")),
            ("approve_inspections", _("Approve inspection decisions and conclusions of the unit")),
        ]

    def __str__(self):
        return self.name

    @property
    def parent_path(self) -> str:
        return self.path[: -self.steplen]

    def ancestor_paths(self) -> list[str]:
        return [self.path[:end] for end in range(self.steplen, len(self.path), self.steplen)]


class Department(models.Model):
    """A department (ban) inside a unit, with the code it signs documents with."""

    unit = models.ForeignKey(
        Unit, on_delete=models.CASCADE, related_name="departments", verbose_name=_("unit")
    )
    code = models.CharField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=255)
    document_code = models.CharField(
        _("code in document numbers"), max_length=40, help_text=_("e.g. XDĐ, VP, UBKTTĐ")
    )
    issues_own_documents = models.BooleanField(
        _("issues documents in its own name"),
        default=False,
        help_text=_("Like the inspection committee: its own number sequence and issuer code."),
    )

    class Meta:
        ordering = ["unit", "name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")

    def __str__(self):
        return self.name


class Role(models.TextChoices):
    SECRETARY = "secretary", _("Secretary")
    DEPUTY_SECRETARY = "deputy_secretary", _("Deputy secretary")
    STANDING_MEMBER = "standing_member", _("Standing board member")
    DEPARTMENT_HEAD = "department_head", _("Department head")
    OFFICER = "officer", _("Officer")
    CLERK = "clerk", _("Clerk")
    INSPECTION_CHAIR = "inspection_chair", _("Inspection committee chair")
    INSPECTION_MEMBER = "inspection_member", _("Inspection committee member")


LEADER_ROLES = frozenset({Role.SECRETARY, Role.DEPUTY_SECRETARY, Role.STANDING_MEMBER})

_OFFICE_WORK = ("draft_plans", "handle_assignments", "review_reports")
_LEADING = ("approve_plans", "approve_inspections")
ROLE_UNIT_PERMISSIONS = {
    Role.SECRETARY: (*_OFFICE_WORK, *_LEADING),
    Role.DEPUTY_SECRETARY: (*_OFFICE_WORK, *_LEADING),
    Role.STANDING_MEMBER: (*_OFFICE_WORK, *_LEADING),
    Role.DEPARTMENT_HEAD: (*_OFFICE_WORK, "review_plans"),
    Role.OFFICER: _OFFICE_WORK,
    Role.CLERK: ("issue_plans", "handle_assignments"),
    # The committee drafts inspections for itself and for the standing board, and verifies remediation.
    Role.INSPECTION_CHAIR: ("draft_inspections", "approve_inspections"),
    Role.INSPECTION_MEMBER: ("draft_inspections",),
}


class PositionQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date | None = None):
        day = day or timezone.localdate()
        return self.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))


class Position(models.Model):
    """A person holding a role in a unit (and maybe a department) for a span of dates."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="positions", verbose_name=_("person")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="positions", verbose_name=_("unit")
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="positions",
        verbose_name=_("department"),
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    valid_from = models.DateField(_("valid from"), default=timezone.localdate)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)

    objects = PositionQuerySet.as_manager()

    class Meta:
        ordering = ["unit__path", "role"]
        verbose_name = _("position")
        verbose_name_plural = _("positions")
        indexes = [
            # "who holds role R in unit U today": escalation and permission lookups.
            models.Index(fields=["unit", "role", "valid_from"], name="position_unit_role"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_to__isnull=True) | Q(valid_to__gte=models.F("valid_from")),
                name="position_dates_ordered",
            )
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()}, {self.unit}"

    @property
    def is_leader(self) -> bool:
        return self.role in LEADER_ROLES

    def is_active_on(self, day: datetime.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or self.valid_to >= day)

    def clean(self):
        if self.department_id and self.unit_id and self.department.unit_id != self.unit_id:
            raise ValidationError({"department": _("The department does not belong to this unit.")})
        if self.valid_to and self.valid_from and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": _("The end date is before the start date.")})


class UnitRoleGroup(models.Model):
    """The auth group of everyone holding one role in one unit: the target of object grants.

    Grants go to these groups, never to users, so permission rows grow with units × roles,
    not with people × objects.
    """

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="role_groups")
    role = models.CharField(max_length=32, choices=Role.choices)
    group = models.OneToOneField(Group, on_delete=models.CASCADE, related_name="unit_role")

    class Meta:
        verbose_name = _("unit role group")
        verbose_name_plural = _("unit role groups")
        constraints = [
            models.UniqueConstraint(fields=["unit", "role"], name="unit_role_group_unique")
        ]

    def __str__(self):
        return self.group.name


class DelegationQuerySet(models.QuerySet):
    def active_on(self, day: datetime.date | None = None):
        day = day or timezone.localdate()
        return self.filter(starts_on__lte=day, ends_on__gte=day)


class Delegation(models.Model):
    """Ủy quyền: while a leader is away, a deputy takes their approvals and escalations."""

    principal = models.ForeignKey(User, on_delete=models.CASCADE, related_name="delegations_given",
                                  verbose_name=_("leader away"))
    deputy = models.ForeignKey(User, on_delete=models.CASCADE, related_name="delegations_received",
                               verbose_name=_("deputy"))
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("to"))
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = DelegationQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "pk"]
        verbose_name = _("delegation")
        verbose_name_plural = _("delegations")
        indexes = [models.Index(fields=["principal", "starts_on", "ends_on"], name="delegation_principal")]
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="delegation_dates_ordered"),
            models.CheckConstraint(condition=~Q(deputy=models.F("principal")), name="delegation_not_to_self"),
        ]

    def __str__(self):
        return f"{self.principal} → {self.deputy} ({self.starts_on:%d/%m/%Y}–{self.ends_on:%d/%m/%Y})"
