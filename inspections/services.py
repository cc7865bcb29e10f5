"""Writes on inspections. Like plans.services: one transaction, rows locked in the order
inspection → target → conclusion → remediation, the permission checked, the transition applied
and logged (core.transitions), the workflow task completed (workflows.engine)."""

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm

from core import transitions
from core.numbering import number_next
from core.rules import require
from workflows import engine

from .flows import InspectionDecisionFlow, InspectionTargetFlow, RemediationFlow
from .models import (
    SUPERVISION_KINDS,
    Conclusion,
    ConclusionState,
    Finding,
    FindingCategory,
    Inspection,
    InspectionState,
    InspectionTarget,
    Programme,
    Recommendation,
    Remediation,
    RemediationReport,
    RemediationState,
    TargetState,
    TeamMember,
    TeamRole,
)
from .rules import DRAFTING, FINDING_RULES, INSPECTION_RULES, REMEDIATION_RULES, TARGET_RULES

CONCLUSION_KIND_CODE = "TB"  # thông báo kết luận
EDITABLE_FIELDS = ("kind", "subject", "content", "legal_basis", "checked_plan", "starts_on", "ends_on",
                   "self_report_due", "decision_kind")


def _require_text(value: str, field: str, message: str):
    if not (value or "").strip():
        raise ValidationError({field: message})


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
    _require_text(comment, "comment", _("A comment is required to return it."))
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
        engine.complete(inspection.process, InspectionDecisionFlow.approve, by=by)
        for target in inspection.targets.select_for_update().order_by("pk"):
            transitions.apply(target, "notify", by=by, label=_("notify"), due=inspection.self_report_due)
            InspectionTargetFlow.start.run(subject=target)
    return inspection


# Targets: self-report and findings ----------------------------------------------------------

def target_self_report(*, target: InspectionTarget, by, text: str, files=()) -> InspectionTarget:
    from core.attachments import attachments_add

    _require_text(text, "text", _("The self-report cannot be empty."))
    with transaction.atomic():
        target = transitions.lock(InspectionTarget, target.pk)
        require(TARGET_RULES, "self_report", by, target)
        transitions.apply(target, "submit_self_report", by=by, label=_("send the self-report"), text=text,
                          author=by, at=timezone.now())
        if files:
            attachments_add(owner=target, files=files, by=by)
        engine.complete(target.process, InspectionTargetFlow.self_report, by=by)
    return target


def _conclusion_issued(target: InspectionTarget) -> bool:
    return Conclusion.objects.filter(target=target, state=ConclusionState.ISSUED).exists()


def _validate_finding(category: str, severity: str, description: str):
    errors = {}
    if category not in FindingCategory.values:
        errors["category"] = _("Choose strength, shortcoming or violation.")
    elif category == FindingCategory.STRENGTH and severity:
        errors["severity"] = _("A strength has no severity.")
    elif category != FindingCategory.STRENGTH and not severity:
        errors["severity"] = _("Choose how serious it is.")
    if not (description or "").strip():
        errors["description"] = _("Describe what was found.")
    if errors:
        raise ValidationError(errors)


def finding_record(*, target: InspectionTarget, by, category: str, description: str, severity: str = "",
                   corrects: Finding | None = None, files=()) -> Finding:
    """A team member records a finding; once the conclusion is issued only as a correction."""
    from core.attachments import attachments_add

    with transaction.atomic():
        target = transitions.lock(InspectionTarget, target.pk)
        inspection = target.inspection
        require(TARGET_RULES, "record_finding", by, target)
        _validate_finding(category, severity, description)
        issued = _conclusion_issued(target)
        if corrects is not None:
            if corrects.target_id != target.pk:
                raise ValidationError({"corrects": _("A correction refers to a finding of the same unit.")})
        elif issued:
            raise ValidationError(_("The conclusion has been issued: findings can no longer be added, only "
                                    "corrections that refer to an earlier finding."))
        elif target.state not in (TargetState.NOTIFIED, TargetState.SELF_REPORTED):
            raise ValidationError(_("Findings are recorded once the decision has been issued."))
        finding = Finding.objects.create(inspection=inspection, target=target, category=category,
                                         severity=severity, description=description, corrects=corrects,
                                         recorded_by=by)
        if files:
            attachments_add(owner=finding, files=files, by=by)
    return finding


def finding_update(*, finding: Finding, by, category: str, description: str, severity: str = "") -> Finding:
    with transaction.atomic():
        target = transitions.lock(InspectionTarget, finding.target_id)
        require(FINDING_RULES, "edit", by, target)
        _validate_finding(category, severity, description)
        if _conclusion_issued(target):
            raise ValidationError(_("The conclusion has been issued: a finding can no longer be changed. "
                                    "Record a correction instead."))
        finding = Finding.objects.select_for_update().get(pk=finding.pk)
        finding.category, finding.severity, finding.description = category, severity, description
        finding.save()
    return finding


# Conclusions --------------------------------------------------------------------------------

def _validate_recommendations(recommendations):
    for text, due in recommendations:
        if not (text or "").strip() or due is None:
            raise ValidationError({"recommendations": _("Each recommendation needs a text and a deadline.")})


def conclusion_save(*, target: InspectionTarget, by, text: str, recommendations=None) -> Conclusion:
    """The team head writes or rewrites the draft; `recommendations` is a list of (text, due)."""
    if recommendations is not None:
        recommendations = list(recommendations)
        _validate_recommendations(recommendations)
    with transaction.atomic():
        target = transitions.lock(InspectionTarget, target.pk)
        require(TARGET_RULES, "edit_conclusion", by, target)
        if target.state not in (TargetState.NOTIFIED, TargetState.SELF_REPORTED):
            raise ValidationError(_("The conclusion is drafted once the decision has been issued."))
        conclusion = Conclusion.objects.select_for_update().filter(target=target).first()
        if conclusion is None:
            conclusion = Conclusion(target=target, drafted_by=by)
        elif conclusion.state != ConclusionState.DRAFT:
            raise ValidationError(_("Only a draft conclusion can be edited."))
        conclusion.text = text
        conclusion.drafted_by = by
        conclusion.updated_at = timezone.now()
        conclusion.save()
        if recommendations is not None:
            conclusion.recommendations.all().delete()
            Recommendation.objects.bulk_create(
                [Recommendation(conclusion=conclusion, text=t.strip(), due=due) for t, due in recommendations]
            )
    return conclusion


def conclusion_submit(*, conclusion: Conclusion, by, comment: str = "") -> Conclusion:
    with transaction.atomic():
        target = transitions.lock(InspectionTarget, conclusion.target_id)
        conclusion = transitions.lock(Conclusion, conclusion.pk)
        require(TARGET_RULES, "submit_conclusion", by, target)
        if target.state != TargetState.SELF_REPORTED:
            raise ValidationError(_("The unit's self-report comes before the conclusion."))
        _require_text(conclusion.text, "text", _("The conclusion is empty."))
        transitions.apply(conclusion, "submit", by=by, comment=comment, label=_("submit"))
        engine.complete(target.process, InspectionTargetFlow.draft_conclusion, by=by)
    return conclusion


def conclusion_return(*, conclusion: Conclusion, by, comment: str) -> Conclusion:
    _require_text(comment, "comment", _("A comment is required to return it."))
    with transaction.atomic():
        target = transitions.lock(InspectionTarget, conclusion.target_id)
        conclusion = transitions.lock(Conclusion, conclusion.pk)
        require(TARGET_RULES, "return_conclusion", by, target)
        transitions.apply(conclusion, "return_to_draft", by=by, comment=comment, label=_("return"),
                          acting_unit=target.inspection.programme.issuing_unit)
        engine.complete(target.process, InspectionTargetFlow.approve_conclusion, by=by)
    return conclusion


def conclusion_approve(*, conclusion: Conclusion, by, comment: str = "") -> Conclusion:
    with transaction.atomic():
        target = transitions.lock(InspectionTarget, conclusion.target_id)
        conclusion = transitions.lock(Conclusion, conclusion.pk)
        require(TARGET_RULES, "approve_conclusion", by, target)
        transitions.apply(conclusion, "approve", by=by, comment=comment, label=_("approve"),
                          acting_unit=target.inspection.programme.issuing_unit)
        engine.complete(target.process, InspectionTargetFlow.approve_conclusion, by=by)
    return conclusion


def conclusion_issue(*, conclusion: Conclusion, by, comment: str = "") -> Conclusion:
    """Number and send the notice; each recommendation becomes a remediation for the unit."""
    with transaction.atomic():
        inspection = transitions.lock(Inspection, conclusion.target.inspection_id)
        target = transitions.lock(InspectionTarget, conclusion.target_id)
        conclusion = transitions.lock(Conclusion, conclusion.pk)
        programme = inspection.programme
        require(TARGET_RULES, "issue_conclusion", by, target)
        now = timezone.now()
        number = None
        if conclusion.state == ConclusionState.APPROVED:
            number = number_next(unit=programme.issuing_unit, department=programme.department,
                                 kind_code=CONCLUSION_KIND_CODE, day=timezone.localdate(now))
        transitions.apply(conclusion, "issue", by=by, comment=comment, label=_("issue"), number=number, at=now,
                          acting_unit=programme.issuing_unit)
        engine.complete(target.process, InspectionTargetFlow.issue_conclusion, by=by)
        transitions.apply(target, "conclude", by=by, label=_("conclude"))
        recommendations = list(conclusion.recommendations.all())
        for recommendation in recommendations:
            remediation = Remediation.objects.create(recommendation=recommendation, target=target,
                                                     due=recommendation.due)
            RemediationFlow.start.run(subject=remediation)
        if not recommendations:
            transitions.apply(target, "close", by=by, label=_("close"),
                              comment=_("The conclusion has no recommendations to remediate."))
        _inspection_advance(inspection, by=by)
    return conclusion


def _inspection_advance(inspection: Inspection, *, by):
    """Concluded once every target's conclusion is issued; closed once every target is closed."""
    states = set(inspection.targets.values_list("state", flat=True))
    if inspection.state == InspectionState.IN_PROGRESS and states <= {TargetState.CONCLUDED, TargetState.CLOSED}:
        transitions.apply(inspection, "conclude", by=by, label=_("conclude"),
                          comment=_("Every inspected unit has its conclusion."))
    if states == {TargetState.CLOSED}:
        transitions.apply(inspection, "close", by=by, label=_("close"),
                          comment=_("Every recommendation has been remediated and verified."))


# Remediation --------------------------------------------------------------------------------

def remediation_report(*, remediation: Remediation, by, text: str, files=()) -> RemediationReport:
    from core.attachments import attachments_add

    _require_text(text, "text", _("The remediation report cannot be empty."))
    with transaction.atomic():
        remediation = transitions.lock(Remediation, remediation.pk)
        require(REMEDIATION_RULES, "report", by, remediation)
        transitions.apply(remediation, "report", by=by, label=_("report"), at=timezone.now())
        report = RemediationReport.objects.create(remediation=remediation, version=remediation.reports.count() + 1,
                                                  text=text, submitted_by=by)
        if files:
            attachments_add(owner=report, files=files, by=by)
        engine.complete(remediation.process, RemediationFlow.report, by=by)
    return report


def remediation_verify(*, remediation: Remediation, by, comment: str = "") -> Remediation:
    with transaction.atomic():
        inspection = transitions.lock(Inspection, remediation.target.inspection_id)
        target = transitions.lock(InspectionTarget, remediation.target_id)
        remediation = transitions.lock(Remediation, remediation.pk)
        require(REMEDIATION_RULES, "verify", by, remediation)
        transitions.apply(remediation, "verify", by=by, comment=comment, label=_("verify"), at=timezone.now())
        engine.complete(remediation.process, RemediationFlow.verify, by=by)
        if not target.remediations.exclude(state=RemediationState.VERIFIED).exists():
            transitions.apply(target, "close", by=by, label=_("close"),
                              comment=_("Every recommendation has been remediated and verified."))
            _inspection_advance(inspection, by=by)
    return remediation


def remediation_reopen(*, remediation: Remediation, by, comment: str) -> Remediation:
    _require_text(comment, "comment", _("Say what is still missing."))
    with transaction.atomic():
        remediation = transitions.lock(Remediation, remediation.pk)
        require(REMEDIATION_RULES, "reopen", by, remediation)
        transitions.apply(remediation, "reopen", by=by, comment=comment, label=_("reopen"))
        engine.complete(remediation.process, RemediationFlow.verify, by=by)
    return remediation
