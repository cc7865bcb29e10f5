"""The rules of inspection and supervision, at the service and selector level."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from accounts.services import position_create
from core.errors import ActionForbidden, TransitionNotAllowed
from core.models import TransitionLog
from core.transitions import history_of
from inspections import selectors, services
from inspections.models import (
    ConclusionState,
    Finding,
    FindingCategory,
    InspectionKind,
    InspectionState,
    RemediationState,
    Severity,
    TargetState,
    TeamRole,
)
from tests.factories import UserFactory
from tests.inspections.helpers import conclude, decided_inspection, draft_inspection, programme, target_of
from workflows.inbox import inbox_tasks

pytestmark = pytest.mark.django_db


def _officer_of(unit):
    user = UserFactory(username=f"{unit.code.lower()}.canbo")
    position_create(user=user, unit=unit, role=Role.OFFICER)
    return user


def _record(people, target, **kwargs):
    values = {"category": FindingCategory.VIOLATION, "severity": Severity.MODERATE,
              "description": "Chưa tổ chức sinh hoạt chi đoàn định kỳ."}
    return services.finding_record(target=target, by=people.inspector2, **{**values, **kwargs})


def test_whole_path_with_six_district_targets(people):
    districts = people.tree.districts[:6]
    officers = {d.pk: _officer_of(d) for d in districts if d.pk not in (people.tree.muong_ang.pk,
                                                                         people.tree.tuan_giao.pk)}
    officers[people.tree.muong_ang.pk] = people.muong_ang_officer
    officers[people.tree.tuan_giao.pk] = people.tuan_giao_officer
    inspection = decided_inspection(people, targets=districts)
    assert inspection.state == InspectionState.IN_PROGRESS
    assert inspection.decision_number.endswith("-KH/UBKTTĐ")
    targets = list(inspection.targets.select_related("unit"))
    assert {t.unit_id for t in targets} == {d.pk for d in districts}
    assert {t.state for t in targets} == {TargetState.NOTIFIED}

    for target in targets:
        services.target_self_report(target=target, by=officers[target.unit_id], text="Báo cáo tự kiểm tra.")
        _record(people, target)
        conclusion = services.conclusion_save(
            target=target, by=people.inspector, text="Kết luận.",
            recommendations=[("Khắc phục ngay.", timezone.now() + datetime.timedelta(days=20))],
        )
        services.conclusion_submit(conclusion=conclusion, by=people.inspector)
        services.conclusion_approve(conclusion=conclusion, by=people.inspection_chair)
        services.conclusion_issue(conclusion=conclusion, by=people.inspection_chair)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.CONCLUDED

    for target in targets:
        remediation = target.remediations.get()
        services.remediation_report(remediation=remediation, by=officers[target.unit_id], text="Đã khắc phục.")
        services.remediation_verify(remediation=remediation, by=people.inspector)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.CLOSED
    assert set(inspection.targets.values_list("state", flat=True)) == {TargetState.CLOSED}
    # Six conclusion notices, numbered 1..6 in the committee's own TB sequence.
    numbers = sorted(t.conclusion.number_seq for t in inspection.targets.select_related("conclusion"))
    assert numbers == list(range(1, 7))
    # Every transition is logged with who did it.
    steps = [(e.transition, e.source, e.target) for e in history_of(inspection)]
    assert steps == [("submit", "draft", "awaiting_approval"), ("approve", "awaiting_approval", "in_progress"),
                     ("conclude", "in_progress", "concluded"), ("close", "concluded", "closed")]


def test_decision_number_is_the_committees_own_sequence(people):
    first = decided_inspection(people)
    second = decided_inspection(people, prog=first.programme, subject="Giám sát chuyên đề",
                                kind=InspectionKind.THEMATIC_SUPERVISION)
    assert (first.number_seq, second.number_seq) == (1, 2)
    assert first.decision_number == "01-KH/UBKTTĐ" and second.decision_number == "02-KH/UBKTTĐ"


def test_standing_board_decision_numbered_by_the_province_with_its_department(people):
    board = programme(people, committee=False)
    inspection = decided_inspection(people, prog=board)
    assert inspection.decision_number == "01-KH/TĐTN-XDĐ"


def test_returned_conclusion_goes_back_to_the_head_any_number_of_rounds(people):
    inspection = decided_inspection(people)
    target = target_of(inspection, people.tree.muong_ang)
    services.target_self_report(target=target, by=people.muong_ang_officer, text="Báo cáo.")
    conclusion = services.conclusion_save(target=target, by=people.inspector, text="Bản 1", recommendations=[])
    for round_no in (1, 2):
        services.conclusion_submit(conclusion=conclusion, by=people.inspector)
        with pytest.raises(ValidationError):
            services.conclusion_return(conclusion=conclusion, by=people.inspection_chair, comment="  ")
        services.conclusion_return(conclusion=conclusion, by=people.inspection_chair, comment=f"Sửa lần {round_no}")
        conclusion.refresh_from_db()
        assert conclusion.state == ConclusionState.DRAFT
        # The head has the task to redraft it.
        assert inbox_tasks(people.inspector).filter(flow_task_type="HUMAN",
                                                    process__inspection_target=target).exists()
        conclusion = services.conclusion_save(target=target, by=people.inspector, text=f"Bản {round_no + 1}")
    services.conclusion_submit(conclusion=conclusion, by=people.inspector)
    services.conclusion_approve(conclusion=conclusion, by=people.province_leader)  # the leader may approve too
    services.conclusion_issue(conclusion=conclusion, by=people.inspection_chair)
    conclusion.refresh_from_db()
    assert conclusion.state == ConclusionState.ISSUED and conclusion.text == "Bản 3"
    comments = list(history_of(conclusion).filter(transition="return_to_draft").values_list("comment", flat=True))
    assert comments == ["Sửa lần 1", "Sửa lần 2"]
    target.refresh_from_db()
    assert target.state == TargetState.CLOSED  # no recommendations: nothing to remediate


def test_reopened_remediation_needs_a_new_report_before_it_can_be_verified(people):
    inspection = decided_inspection(people, targets=[people.tree.muong_ang])
    target = target_of(inspection, people.tree.muong_ang)
    conclude(people, target)
    remediation = target.remediations.get()
    services.remediation_report(remediation=remediation, by=people.muong_ang_officer, text="Lần 1")
    with pytest.raises(ValidationError):
        services.remediation_reopen(remediation=remediation, by=people.inspector, comment="")
    services.remediation_reopen(remediation=remediation, by=people.inspector, comment="Chưa có biên bản.")
    remediation.refresh_from_db()
    assert remediation.state == RemediationState.OPEN
    with pytest.raises(TransitionNotAllowed):
        services.remediation_verify(remediation=remediation, by=people.inspector)
    services.remediation_report(remediation=remediation, by=people.muong_ang_officer, text="Lần 2, có biên bản")
    services.remediation_verify(remediation=remediation, by=people.inspector)
    assert list(remediation.reports.values_list("version", "text")) == [(1, "Lần 1"), (2, "Lần 2, có biên bản")]
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.CLOSED


def test_only_the_team_records_findings(people):
    inspection = decided_inspection(people)
    target = target_of(inspection, people.tree.muong_ang)
    for outsider in (people.inspection_chair, people.province_leader, people.muong_ang_officer, people.clerk):
        with pytest.raises(ActionForbidden):
            services.finding_record(target=target, by=outsider, category=FindingCategory.STRENGTH,
                                    description="Tốt")
    assert Finding.objects.count() == 0
    # The grant follows the team: a member taken off the team loses it.
    draft = draft_inspection(people, prog=inspection.programme)
    services.inspection_update(inspection=draft, by=people.inspector, team=[(people.inspector, TeamRole.HEAD, None)])
    assert not people.inspector2.has_perm("inspections.record_findings", draft)
    assert people.inspector2.has_perm("inspections.record_findings", inspection)


def test_finding_needs_a_valid_category_and_severity(people):
    target = target_of(decided_inspection(people), people.tree.muong_ang)
    bad = [
        {"category": "praise", "severity": "", "description": "x"},
        {"category": FindingCategory.STRENGTH, "severity": Severity.SERIOUS, "description": "x"},
        {"category": FindingCategory.VIOLATION, "severity": "", "description": "x"},
        {"category": FindingCategory.SHORTCOMING, "severity": Severity.MINOR, "description": "   "},
    ]
    for values in bad:
        with pytest.raises(ValidationError):
            services.finding_record(target=target, by=people.inspector, **values)
    assert Finding.objects.count() == 0


def test_no_findings_before_the_decision_is_issued(people):
    inspection = draft_inspection(people)
    with pytest.raises(ValidationError):
        _record(people, inspection.targets.first())


def test_target_sees_neither_drafts_nor_another_targets_findings(people):
    inspection = decided_inspection(people)
    muong_ang = target_of(inspection, people.tree.muong_ang)
    tuan_giao = target_of(inspection, people.tree.tuan_giao)
    services.target_self_report(target=muong_ang, by=people.muong_ang_officer, text="Báo cáo")
    services.target_self_report(target=tuan_giao, by=people.tuan_giao_officer, text="Báo cáo")
    _record(people, muong_ang, description="Phát hiện ở Mường Ảng")
    _record(people, tuan_giao, description="Phát hiện ở Tuần Giáo")
    services.conclusion_save(target=muong_ang, by=people.inspector, text="Dự thảo kết luận")
    officer = people.muong_ang_officer

    assert not selectors.findings_visible_to(officer).exists()
    assert not selectors.conclusions_visible_to(officer).exists()
    assert list(selectors.targets_visible_to(officer)) == [muong_ang]

    conclusion = muong_ang.conclusion
    services.conclusion_submit(conclusion=conclusion, by=people.inspector)
    services.conclusion_approve(conclusion=conclusion, by=people.inspection_chair)
    assert not selectors.conclusions_visible_to(officer).exists()  # approved is not issued yet
    services.conclusion_issue(conclusion=conclusion, by=people.inspection_chair)

    seen = list(selectors.findings_visible_to(officer).values_list("description", flat=True))
    assert seen == ["Phát hiện ở Mường Ảng"]
    assert list(selectors.conclusions_visible_to(officer)) == [conclusion]
    assert not selectors.findings_visible_to(people.tuan_giao_officer).exists()
    # The team and the issuer see both units' findings throughout.
    assert selectors.findings_visible_to(people.inspector2).count() == 2
    assert selectors.findings_visible_to(people.inspection_chair).count() == 2
    # The inspected unit never sees the drafting rounds in the history.
    assert not selectors.history_for(officer, inspection, inspection).filter(transition="submit").exists()


def test_other_units_and_drafts_are_invisible(people):
    draft = draft_inspection(people)
    assert draft in selectors.inspections_visible_to(people.inspector2)  # team
    assert draft in selectors.inspections_visible_to(people.inspection_chair)  # issuer side
    assert draft not in selectors.inspections_visible_to(people.muong_ang_officer)  # not issued yet
    decided = decided_inspection(people, targets=[people.tree.muong_ang])
    assert decided in selectors.inspections_visible_to(people.muong_ang_officer)
    for outsider in (people.tuan_giao_officer, people.clerk, people.province_officer):
        assert decided not in selectors.inspections_visible_to(outsider)
        assert not selectors.targets_visible_to(outsider).filter(inspection=decided).exists()
    assert not selectors.programmes_visible_to(people.muong_ang_officer).exists()


def test_after_issuance_findings_and_conclusion_are_frozen_corrections_are_new_entries(people):
    inspection = decided_inspection(people, targets=[people.tree.muong_ang])
    target = target_of(inspection, people.tree.muong_ang)
    conclude(people, target)
    finding = target.findings.get()
    with pytest.raises(ValidationError):
        services.finding_update(finding=finding, by=people.inspector2, category=FindingCategory.STRENGTH,
                                description="Sửa lại")
    with pytest.raises(ValidationError):
        services.conclusion_save(target=target, by=people.inspector, text="Sửa kết luận")
    with pytest.raises(ValidationError):
        _record(people, target)  # a new finding that corrects nothing
    correction = _record(people, target, corrects=finding, category=FindingCategory.SHORTCOMING,
                         severity=Severity.MINOR, description="Đính chính: mức độ nhẹ")
    finding.refresh_from_db()
    assert finding.category == FindingCategory.SHORTCOMING and finding.description == "Sổ sách chưa cập nhật đầy đủ."
    assert list(finding.corrections.all()) == [correction]
    assert target.conclusion.text == "Đơn vị cơ bản thực hiện tốt."


def test_supervision_of_an_outside_body(people):
    body = "Ủy ban nhân dân huyện Mường Ảng"
    with pytest.raises(ValidationError):
        draft_inspection(people, targets=[], outside_bodies=[body], kind=InspectionKind.REGULAR_INSPECTION)
    inspection = decided_inspection(people, targets=[], outside_bodies=[body],
                                    kind=InspectionKind.THEMATIC_SUPERVISION,
                                    subject="Giám sát việc thực hiện chính sách thanh niên")
    target = inspection.targets.get()
    assert target.name == body and target.is_outside
    # Nobody outside the team answers for the body; the team enters the report it received.
    with pytest.raises(ActionForbidden):
        services.target_self_report(target=target, by=people.muong_ang_secretary, text="x")
    assert inbox_tasks(people.inspector2).filter(process__inspection_target=target).exists()
    conclude(people, target)
    remediation = target.remediations.get()
    services.remediation_report(remediation=remediation, by=people.inspector2, text="UBND huyện đã ban hành kế hoạch.")
    services.remediation_verify(remediation=remediation, by=people.inspector)
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.CLOSED


def test_targets_must_be_below_the_issuer(people):
    with pytest.raises(ValidationError) as error:
        draft_inspection(people, targets=[people.tree.province])
    assert "target_units" in error.value.message_dict
    with pytest.raises(ValidationError):
        draft_inspection(people, targets=[])


def test_team_needs_exactly_one_head(people):
    inspection = draft_inspection(people)
    for team in ([(people.inspector, TeamRole.MEMBER, None)],
                 [(people.inspector, TeamRole.HEAD, None), (people.inspector2, TeamRole.HEAD, None)],
                 [(people.inspector, TeamRole.HEAD, None), (people.inspector, TeamRole.MEMBER, None)]):
        with pytest.raises(ValidationError):
            services.inspection_update(inspection=inspection, by=people.inspector, team=team)
    assert inspection.team.get(role=TeamRole.HEAD).user == people.inspector


def test_who_may_draft_and_approve(people):
    with pytest.raises(ActionForbidden):
        services.programme_create(by=people.province_officer, issuing_unit=people.tree.province, year=2024,
                                  title="x")
    inspection = draft_inspection(people)
    services.inspection_submit(inspection=inspection, by=people.inspector)
    for not_approver in (people.inspector, people.muong_ang_secretary, people.clerk):
        with pytest.raises(ActionForbidden):
            services.inspection_approve(inspection=inspection, by=not_approver)
    services.inspection_return(inspection=inspection, by=people.inspection_chair, comment="Bổ sung căn cứ")
    inspection.refresh_from_db()
    assert inspection.state == InspectionState.DRAFT and inspection.decision_number == ""
    assert inbox_tasks(people.inspector).filter(process__inspection=inspection).exists()
    services.inspection_submit(inspection=inspection, by=people.inspector)
    assert inbox_tasks(people.inspection_chair).filter(process__inspection=inspection).exists()
    services.inspection_approve(inspection=inspection, by=people.inspection_chair)
    with pytest.raises(ValidationError):
        services.inspection_update(inspection=inspection, by=people.inspector, subject="Đổi tên")


def test_inbox_routes_each_step_to_its_people(people):
    inspection = decided_inspection(people)
    target = target_of(inspection, people.tree.muong_ang)
    assert inbox_tasks(people.muong_ang_officer).filter(process__inspection_target=target).exists()
    assert not inbox_tasks(people.tuan_giao_officer).filter(process__inspection_target=target).exists()
    services.target_self_report(target=target, by=people.muong_ang_officer, text="Báo cáo")
    # The head drafts the conclusion; a plain member does not get that task.
    assert inbox_tasks(people.inspector).filter(process__inspection_target=target).exists()
    assert not inbox_tasks(people.inspector2).filter(process__inspection_target=target).exists()


def test_every_state_change_is_logged_with_its_author(people):
    inspection = decided_inspection(people, targets=[people.tree.muong_ang])
    conclude(people, target_of(inspection, people.tree.muong_ang))
    entries = TransitionLog.objects.all()
    assert entries.count() >= 8
    assert not entries.filter(by__isnull=True).exists()
    assert set(entries.values_list("transition", flat=True)) >= {
        "submit", "approve", "notify", "submit_self_report", "issue", "conclude"}


def test_dashboard_counts_a_corrected_finding_once(people):
    inspection = decided_inspection(people, targets=[people.tree.muong_ang])
    target = target_of(inspection, people.tree.muong_ang)
    conclude(people, target)
    original = target.findings.get()
    _record(people, target, corrects=original, category=FindingCategory.VIOLATION, severity=Severity.SERIOUS,
            description="Đính chính: vi phạm nghiêm trọng")
    board = selectors.dashboard(people.inspection_chair, unit=people.tree.province, year=2024)
    assert [(row["category"], row["severity"], row["n"]) for row in board["findings"]] == [
        (FindingCategory.VIOLATION, Severity.SERIOUS, 1)]
