"""Reads of inspections with the visibility rules built in:

- the issuer's side (people holding draft/approve inspection rights in the issuing unit) and the
  inspection's team see everything of it, drafts included;
- an inspected unit sees the inspection once its decision is issued, only its own target, its own
  findings and conclusion only once that conclusion is issued, and never another target's;
- everyone else sees nothing (404).
"""

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from guardian.models import GroupObjectPermission

from accounts.models import Unit
from accounts.selectors import user_unit_ids
from core.rules import allowed
from core.transitions import history_of

from .models import (
    ISSUED_INSPECTION_STATES,
    Conclusion,
    ConclusionState,
    Finding,
    Inspection,
    InspectionTarget,
    Programme,
    Remediation,
    RemediationReport,
    RemediationState,
    TeamMember,
)
from .rules import INSPECTION_RULES, REMEDIATION_RULES, TARGET_RULES

ISSUER_PERMISSIONS = ("draft_inspections", "approve_inspections")


def issuer_unit_ids(user) -> list[int]:
    """Units whose inspections this person works on from the issuer's side (one query)."""
    if not user.is_authenticated:
        return []
    pks = GroupObjectPermission.objects.filter(
        group__user=user, content_type__app_label="accounts", content_type__model="unit",
        permission__codename__in=ISSUER_PERMISSIONS,
    ).values_list("object_pk", flat=True)
    return sorted({int(pk) for pk in pks})


def _team_of(user):
    return TeamMember.objects.filter(user=user, inspection=OuterRef("pk"))


def inspections_visible_to(user) -> QuerySet[Inspection]:
    issuer_units = issuer_unit_ids(user)
    own_units = user_unit_ids(user)
    as_target = InspectionTarget.objects.filter(inspection=OuterRef("pk"), unit_id__in=own_units)
    return Inspection.objects.filter(
        Q(programme__issuing_unit_id__in=issuer_units)
        | Exists(_team_of(user))
        | (Q(state__in=ISSUED_INSPECTION_STATES) & Exists(as_target))
    ).select_related("programme__issuing_unit", "programme__department", "checked_plan")


def sees_whole_inspection(user, inspection: Inspection) -> bool:
    """The issuer's side or a team member: drafts, every target, every finding."""
    if inspection.programme.issuing_unit_id in issuer_unit_ids(user):
        return True
    return TeamMember.objects.filter(inspection=inspection, user=user).exists()


def is_team_member(user, inspection: Inspection) -> bool:
    return user.has_perm("inspections.record_findings", inspection)


def is_team_head(user, inspection: Inspection) -> bool:
    return user.has_perm("inspections.draft_conclusions", inspection)


def programmes_visible_to(user) -> QuerySet[Programme]:
    teams = TeamMember.objects.filter(user=user).values("inspection__programme_id")
    return Programme.objects.filter(
        Q(issuing_unit_id__in=issuer_unit_ids(user)) | Q(pk__in=teams)
    ).select_related("issuing_unit", "department")


def programme_inspections(programme: Programme) -> QuerySet[Inspection]:
    """The programme page: every inspection with its target count and team head, one query."""
    return (
        programme.inspections.annotate(target_count=Count("targets", distinct=True))
        .select_related("checked_plan")
        .prefetch_related("team__user")
        .order_by("starts_on", "pk")
    )


def targets_visible_to(user) -> QuerySet[InspectionTarget]:
    whole = Q(inspection__programme__issuing_unit_id__in=issuer_unit_ids(user)) | Exists(
        TeamMember.objects.filter(user=user, inspection=OuterRef("inspection_id"))
    )
    own = Q(unit_id__in=user_unit_ids(user), inspection__state__in=ISSUED_INSPECTION_STATES)
    return InspectionTarget.objects.filter(whole | own).select_related(
        "unit", "inspection__programme__issuing_unit", "inspection__programme__department", "conclusion"
    )


def findings_visible_to(user) -> QuerySet[Finding]:
    """A target's people see its findings only once its conclusion is issued."""
    whole = Q(inspection__programme__issuing_unit_id__in=issuer_unit_ids(user)) | Exists(
        TeamMember.objects.filter(user=user, inspection=OuterRef("inspection_id"))
    )
    own = Q(target__unit_id__in=user_unit_ids(user), target__conclusion__state=ConclusionState.ISSUED)
    return Finding.objects.filter(whole | own).select_related("recorded_by", "target__unit", "corrects")


def conclusions_visible_to(user) -> QuerySet[Conclusion]:
    whole = Q(target__inspection__programme__issuing_unit_id__in=issuer_unit_ids(user)) | Exists(
        TeamMember.objects.filter(user=user, inspection=OuterRef("target__inspection_id"))
    )
    own = Q(target__unit_id__in=user_unit_ids(user), state=ConclusionState.ISSUED)
    return Conclusion.objects.filter(whole | own).select_related(
        "target__unit", "target__inspection__programme__issuing_unit", "target__inspection__programme__department"
    )


def remediations_visible_to(user) -> QuerySet[Remediation]:
    # Remediations exist only after their conclusion is issued, so the target may see them all.
    return Remediation.objects.filter(target__in=targets_visible_to(user).values("pk")).select_related(
        "recommendation", "target__unit", "target__inspection__programme__issuing_unit"
    )


def conclusions_with_recommendations(user) -> QuerySet[Conclusion]:
    """conclusions_visible_to, shaped for the API: drafter and recommendations read with them."""
    return conclusions_visible_to(user).select_related("drafted_by").prefetch_related("recommendations")


def remediation_reports_visible_to(user) -> QuerySet[RemediationReport]:
    return RemediationReport.objects.filter(remediation__in=remediations_visible_to(user).values("pk"))


PUBLIC_TRANSITIONS = ("approve", "notify", "submit_self_report", "issue", "conclude", "close", "report", "verify",
                      "reopen")


def history_for(user, obj, inspection: Inspection):
    """The issuer and the team see every step; an inspected unit never the drafting rounds."""
    history = history_of(obj)
    if sees_whole_inspection(user, inspection):
        return history
    return history.filter(transition__in=PUBLIC_TRANSITIONS)


def inspection_actions(user, inspection: Inspection) -> set[str]:
    return allowed(INSPECTION_RULES, user, inspection)


def target_actions(user, target: InspectionTarget) -> set[str]:
    return allowed(TARGET_RULES, user, target)


def remediation_actions(user, remediation: Remediation) -> set[str]:
    return allowed(REMEDIATION_RULES, user, remediation)


def dashboard(user, *, unit: Unit, year: int) -> dict:
    """The committee's dashboard for one issuing unit and year: a handful of grouped queries."""
    inspections = Inspection.objects.filter(programme__issuing_unit=unit, programme__year=year)
    if unit.pk not in issuer_unit_ids(user):
        inspections = inspections.none()
    by_state = dict(inspections.values_list("state").annotate(n=Count("pk")).order_by())
    # A corrected finding counts once, as its correction.
    findings = (
        Finding.objects.filter(inspection__in=inspections.values("pk"), corrections__isnull=True)
        .values("category", "severity").annotate(n=Count("pk")).order_by("category", "severity")
    )
    overdue = (
        Remediation.objects.filter(target__inspection__in=inspections.values("pk"), state=RemediationState.OPEN,
                                   due__lt=timezone.now())
        .select_related("recommendation", "target__unit", "target__inspection")
        .order_by("due", "pk")
    )
    return {"by_state": by_state, "findings": list(findings), "overdue_remediations": overdue}
