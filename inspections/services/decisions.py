"""The year's programme and each inspection's decision: drafted, approved or returned, numbered."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from core import audit, transitions
from core.numbering import number_next
from core.request_cache import forget
from core.rules import require
from registers.services import outgoing_record
from workflows import engine

from ..flows import InspectionDecisionFlow, InspectionTargetFlow
from ..models import (
    SUPERVISION_KINDS,
    Inspection,
    InspectionState,
    InspectionTarget,
    Programme,
    TeamMember,
    TeamRole,
)
from ..rules import DRAFTING, INSPECTION_RULES
from .common import require_text

EDITABLE_FIELDS = ("kind", "subject", "content", "legal_basis", "checked_plan", "starts_on", "ends_on",
                   "self_report_due", "decision_kind")


# Programmes ---------------------------------------------------------------------------------

def programme_create(*, by, issuing_unit, year: int, title: str, department=None, note: str = "") -> Programme:
    require(DRAFTING, "programme", by, issuing_unit)
    errors = {}
    if department is not None and department.unit_id != issuing_unit.pk:
        errors["department"] = _("The department does not belong to the issuing unit.")
    if not 2000 <= int(year) <= 2100:
        errors["year"] = _("Enter a year between 2000 and 2100.")
    if not (title or "").strip():
        errors["title"] = _("The title is required.")
    if Programme.objects.filter(issuing_unit=issuing_unit, department=department, year=year).exists():
        errors["year"] = _("This issuer already has a programme for %(year)s.") % {"year": year}
    if errors:
        raise ValidationError(errors)
    return Programme.objects.create(issuing_unit=issuing_unit, department=department, year=year,
                                    title=title.strip(), note=note, created_by=by)


# Inspections: the decision ------------------------------------------------------------------

def _validate(inspection: Inspection, team, target_units, outside_bodies):
    errors = {}
    unit = inspection.programme.issuing_unit
    if not inspection.subject:
        errors["subject"] = _("The subject is required.")
    if inspection.kind not in dict(inspection._meta.get_field("kind").choices):
        errors["kind"] = _("Choose a kind of inspection.")
    if inspection.starts_on and inspection.ends_on and inspection.ends_on < inspection.starts_on:
        errors["ends_on"] = _("The end is before the start.")
    plan = inspection.checked_plan
    if plan is not None and not unit.path.startswith(plan.issuing_unit.path):
        errors["checked_plan"] = _("Only a plan of this unit or of a unit above it can be checked.")
    if target_units is not None or outside_bodies is not None:
        target_units, outside_bodies = list(target_units or []), list(outside_bodies or [])
        foreign = [u for u in target_units if not u.path.startswith(unit.path) or u.pk == unit.pk]
        if foreign:
            errors["target_units"] = _("Only units below the issuing unit can be inspected: %(units)s") % {
                "units": ", ".join(u.name for u in foreign)}
        if outside_bodies and inspection.kind not in SUPERVISION_KINDS:
            errors["outside_bodies"] = _("Bodies outside the Youth Union can only be supervised, not inspected.")
        if not target_units and not outside_bodies:
            errors["target_units"] = _("Choose at least one unit to inspect.")
    if team is not None:
        heads = [user for user, role, _unit in team if role == TeamRole.HEAD]
        users = [user.pk for user, _role, _unit in team]
        if len(heads) != 1:
            errors["team"] = _("The team needs exactly one head.")
        elif len(set(users)) != len(users):
            errors["team"] = _("A person is listed twice in the team.")
    if errors:
        raise ValidationError(errors)


def _team_groups(inspection: Inspection) -> tuple[Group, Group]:
    """The per-inspection groups that carry the guardian grants, created on first use."""
    if inspection.team_group_id is None:
        inspection.team_group = Group.objects.create(name=f"inspection:{inspection.pk}:team")
        inspection.head_group = Group.objects.create(name=f"inspection:{inspection.pk}:head")
        inspection.save(update_fields=["team_group", "head_group"])
        assign_perm("inspections.record_findings", inspection.team_group, inspection)
        assign_perm("inspections.draft_conclusions", inspection.head_group, inspection)
    return inspection.team_group, inspection.head_group


def _team_set(inspection: Inspection, team):
    TeamMember.objects.filter(inspection=inspection).delete()
    TeamMember.objects.bulk_create(
        [TeamMember(inspection=inspection, user=user, role=role, from_unit=from_unit) for user, role, from_unit in team]
    )
    team_group, head_group = _team_groups(inspection)
    team_group.user_set.set([user for user, _role, _unit in team])
    head_group.user_set.set([user for user, role, _unit in team if role == TeamRole.HEAD])
    forget()  # the team's grants, which this request may have asked about already


def _targets_set(inspection: Inspection, target_units, outside_bodies):
    inspection.targets.all().delete()
    InspectionTarget.objects.bulk_create(
        [InspectionTarget(inspection=inspection, unit=unit) for unit in target_units]
        + [InspectionTarget(inspection=inspection, outside_body=name.strip()) for name in outside_bodies]
    )


def inspection_create(*, by, programme: Programme, team, target_units=(), outside_bodies=(), **fields) -> Inspection:
    """`team` is a list of (user, TeamRole, from_unit or None)."""
    require(DRAFTING, "inspection", by, programme.issuing_unit)
    inspection = Inspection(programme=programme, created_by=by,
                            **{k: v for k, v in fields.items() if k in EDITABLE_FIELDS})
    outside_bodies = [name for name in outside_bodies if name.strip()]
    _validate(inspection, team, target_units, outside_bodies)
    with transaction.atomic():
        inspection.save()
        _team_set(inspection, team)
        _targets_set(inspection, target_units, outside_bodies)
    return inspection


def inspection_update(*, inspection: Inspection, by, team=None, target_units=None, outside_bodies=None,
                      **fields) -> Inspection:
    with transaction.atomic():
        inspection = transitions.lock(Inspection, inspection.pk)
        require(INSPECTION_RULES, "edit", by, inspection)
        if inspection.state != InspectionState.DRAFT:
            raise ValidationError(_("Only a draft decision can be edited."))
        before = audit.snapshot(inspection, EDITABLE_FIELDS)
        for name, value in fields.items():
            if name in EDITABLE_FIELDS:
                setattr(inspection, name, value)
        if outside_bodies is not None:
            outside_bodies = [name for name in outside_bodies if name.strip()]
        if (target_units is None) != (outside_bodies is None):
            existing = list(inspection.targets.select_related("unit"))
            if target_units is None:
                target_units = [t.unit for t in existing if t.unit_id]
            if outside_bodies is None:
                outside_bodies = [t.outside_body for t in existing if not t.unit_id]
        _validate(inspection, team, target_units, outside_bodies)
        inspection.save()
        if team is not None:
            _team_set(inspection, team)
        if target_units is not None:
            _targets_set(inspection, target_units, outside_bodies)
        audit.record_change(inspection, by=by, before=before, after=audit.snapshot(inspection, EDITABLE_FIELDS))
    return inspection


def inspection_submit(*, inspection: Inspection, by, comment: str = "") -> Inspection:
    with transaction.atomic():
        inspection = transitions.lock(Inspection, inspection.pk)
        require(INSPECTION_RULES, "submit", by, inspection)
        transitions.apply(inspection, "submit", by=by, comment=comment, label=_("submit"))
        if inspection.process_id is None:
            InspectionDecisionFlow.start.run(subject=inspection)
        else:
            engine.complete(inspection.process, InspectionDecisionFlow.rework, by=by)
    return inspection


def inspection_return(*, inspection: Inspection, by, comment: str) -> Inspection:
    require_text(comment, "comment", _("A comment is required to return it."))
    with transaction.atomic():
        inspection = transitions.lock(Inspection, inspection.pk)
        require(INSPECTION_RULES, "return", by, inspection)
        transitions.apply(inspection, "return_to_draft", by=by, comment=comment, label=_("return"),
                          acting_unit=inspection.programme.issuing_unit)
        engine.complete(inspection.process, InspectionDecisionFlow.approve, by=by)
    return inspection


def inspection_approve(*, inspection: Inspection, by, comment: str = "") -> Inspection:
    """Approve and number the decision, notify every target and start its process."""
    with transaction.atomic():
        inspection = transitions.lock(Inspection, inspection.pk)
        programme = inspection.programme
        require(INSPECTION_RULES, "approve", by, inspection)
        now = timezone.now()
        number = None
        if inspection.state == InspectionState.AWAITING_APPROVAL:
            number = number_next(unit=programme.issuing_unit, department=programme.department,
                                 kind_code=inspection.decision_kind, day=timezone.localdate(now))
        transitions.apply(inspection, "approve", by=by, comment=comment, label=_("approve"), number=number, at=now,
                          acting_unit=programme.issuing_unit)
        if number is not None:
            # The approver signs the decision; its row is written with the number it took.
            outgoing_record(number=number, unit=programme.issuing_unit, department=programme.department,
                            kind=inspection.decision_kind, subject=inspection.subject, signer=by.get_full_name(),
                            issued_at=now, by=by, document=inspection,
                            recipients="; ".join(target.name for target in inspection.targets.select_related("unit")))
        engine.complete(inspection.process, InspectionDecisionFlow.approve, by=by)
        for target in inspection.targets.select_for_update().order_by("pk"):
            transitions.apply(target, "notify", by=by, label=_("notify"), due=inspection.self_report_due)
            InspectionTargetFlow.start.run(subject=target)
    return inspection
