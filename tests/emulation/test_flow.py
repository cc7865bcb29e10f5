"""The emulation's steps: opened for every unit of the clusters, self-assessed with evidence,
verified by the cluster head (a change needs its comment), approved or returned by the standing
board, decided with a number. Each step is refused to the wrong people and in the wrong state."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.errors import ActionForbidden, TransitionNotAllowed
from core.transitions import history_of
from emulation import services
from emulation.models import Emulation, EmulationState, Score, ScoreSheet, SheetState
from registers.models import OutgoingEntry
from workflows.inbox import inbox_tasks

from .helpers import clusters, judged, opened, pdf, scoring_table

pytestmark = pytest.mark.django_db


def test_opening_gives_every_cluster_unit_a_sheet_with_its_computed_criteria_and_a_task(staff):
    emulation = opened(staff)
    sheets = ScoreSheet.objects.filter(emulation=emulation)
    assert sheets.count() == 5 and set(sheets.values_list("state", flat=True)) == {SheetState.SELF_ASSESSING}
    assert Score.objects.filter(sheet__emulation=emulation).count() == 5 * 3
    # Computed criteria are filled in at once (no work this year: 0 for timeliness, the maximum for
    # inspections, nothing found); the judged one waits for the unit.
    tuan_giao = sheets.get(unit=staff.tree.tuan_giao)
    points = {s.criterion.source: s.self_points for s in tuan_giao.scores.select_related("criterion")}
    assert points == {"timeliness": Decimal("0.00"), "inspections": Decimal("5.00"), "judged": None}
    assert [t.process.score_sheet for t in inbox_tasks(staff.tuan_giao_officer)] == [tuan_giao]


def test_opening_is_refused_without_clusters_or_with_past_deadlines_and_saves_nothing(staff):
    table = scoring_table(staff)
    now = timezone.now()
    with pytest.raises(ValidationError) as refused:
        services.emulation_open(table=table, by=staff.province_officer, subject="Thi đua",
                                self_assessment_due=now - timezone.timedelta(days=1), verification_due=now)
    assert {"self_assessment_due", "table"} <= set(refused.value.message_dict)
    assert not Emulation.objects.exists()
    clusters(staff, table)
    with pytest.raises(ActionForbidden):
        services.emulation_open(table=table, by=staff.tuan_giao_officer, subject="Thi đua",
                                self_assessment_due=now + timezone.timedelta(days=1),
                                verification_due=now + timezone.timedelta(days=2))
    assert not Emulation.objects.exists()


def _sent(staff, emulation, points="4"):
    sheet = emulation.sheets.get(unit=staff.tree.tuan_giao)
    score = judged(sheet)
    services.sheet_assess(sheet=sheet, by=staff.tuan_giao_officer, entries={score.criterion_id: {
        "points": points, "note": "Tổ chức 12 hoạt động."}}, files={score.criterion_id: [pdf()]})
    return services.sheet_submit(sheet=sheet, by=staff.tuan_giao_officer)


def test_a_judged_criterion_needs_points_and_evidence_before_the_sheet_is_sent(staff):
    emulation = opened(staff)
    sheet = emulation.sheets.get(unit=staff.tree.tuan_giao)
    with pytest.raises(ValidationError, match="Hãy chấm các tiêu chí"):
        services.sheet_submit(sheet=sheet, by=staff.tuan_giao_officer)
    score = judged(sheet)
    services.sheet_assess(sheet=sheet, by=staff.tuan_giao_officer, entries={score.criterion_id: {"points": "4"}})
    with pytest.raises(ValidationError, match="đính kèm minh chứng"):
        services.sheet_submit(sheet=sheet, by=staff.tuan_giao_officer)
    for bad in ("6", "-1", "bốn", "nan"):
        with pytest.raises(ValidationError):
            services.sheet_assess(sheet=sheet, by=staff.tuan_giao_officer,
                                  entries={score.criterion_id: {"points": bad}})
    sheet.refresh_from_db()
    assert sheet.state == SheetState.SELF_ASSESSING and judged(sheet).self_points == Decimal("4.00")


def test_another_unit_may_not_assess_a_sheet(staff):
    emulation = opened(staff)
    sheet = emulation.sheets.get(unit=staff.tree.tuan_giao)
    with pytest.raises(ActionForbidden):
        services.sheet_assess(sheet=sheet, by=staff.muong_ang_officer,
                              entries={judged(sheet).criterion_id: {"points": "5"}})


def test_the_cluster_head_lowers_a_figure_only_with_a_comment_and_the_board_approves(staff):
    emulation = opened(staff)
    sheet = _sent(staff, emulation)
    criterion = judged(sheet).criterion_id
    with pytest.raises(ValidationError, match="lý do thay đổi điểm"):
        services.sheet_verify(sheet=sheet, by=staff.muong_ang_officer, entries={criterion: {"points": "3"}})
    with pytest.raises(ActionForbidden):  # not the head of Tuần Giáo's cluster's unit
        services.sheet_verify(sheet=sheet, by=staff.tuan_giao_officer)
    services.sheet_verify(sheet=sheet, by=staff.muong_ang_officer, entries={
        criterion: {"points": "3", "comment": "Thiếu minh chứng 1 hoạt động."}})
    score = judged(sheet)
    assert (score.self_points, score.verified_points, score.adjusted) == (Decimal("4.00"), Decimal("3.00"), True)
    with pytest.raises(ActionForbidden):
        services.sheet_approve(sheet=sheet, by=staff.muong_ang_officer)
    services.sheet_approve(sheet=sheet, by=staff.province_leader)
    sheet.refresh_from_db()
    assert sheet.state == SheetState.APPROVED and judged(sheet).final_points == Decimal("3.00")
    steps = [(e.transition, e.source, e.target, e.by) for e in history_of(sheet)]
    assert steps == [("submit", "self_assessing", "submitted", staff.tuan_giao_officer),
                     ("verify", "submitted", "verified", staff.muong_ang_officer),
                     ("approve", "verified", "approved", staff.province_leader)]
    assert not inbox_tasks(staff.province_leader).filter(process__score_sheet=sheet).exists()


def test_the_board_returns_a_sheet_to_the_cluster_with_a_comment(staff):
    emulation = opened(staff)
    sheet = _sent(staff, emulation)
    services.sheet_verify(sheet=sheet, by=staff.muong_ang_officer)
    with pytest.raises(ValidationError):
        services.sheet_return(sheet=sheet, by=staff.province_leader, comment=" ")
    services.sheet_return(sheet=sheet, by=staff.province_leader, comment="Xem lại tiêu chí II.1.")
    sheet.refresh_from_db()
    assert sheet.state == SheetState.SUBMITTED
    assert [t.process.score_sheet for t in inbox_tasks(staff.muong_ang_officer)
            if t.flow_task.name == "verify"] == [sheet]


def test_the_heads_own_sheet_is_verified_by_the_organiser_not_by_itself(staff):
    emulation = opened(staff)
    sheet = emulation.sheets.get(unit=staff.tree.muong_ang)
    score = judged(sheet)
    services.sheet_assess(sheet=sheet, by=staff.muong_ang_officer, entries={score.criterion_id: {"points": "0"}})
    services.sheet_submit(sheet=sheet, by=staff.muong_ang_officer)
    with pytest.raises(ActionForbidden):
        services.sheet_verify(sheet=sheet, by=staff.muong_ang_officer)
    services.sheet_verify(sheet=sheet, by=staff.province_officer)
    sheet.refresh_from_db()
    assert sheet.state == SheetState.VERIFIED


def test_a_step_in_the_wrong_state_is_refused(staff):
    emulation = opened(staff)
    sheet = emulation.sheets.get(unit=staff.tree.tuan_giao)
    with pytest.raises(TransitionNotAllowed):
        services.sheet_verify(sheet=sheet, by=staff.muong_ang_officer)
    _sent(staff, emulation)
    with pytest.raises(ValidationError, match="không thể sửa"):
        services.sheet_assess(sheet=sheet, by=staff.tuan_giao_officer, entries={})


def _approve_all(staff, emulation):
    """Tuần Giáo's sheet through every step; the others, whose units have nobody here, approved in place."""
    sheet = _sent(staff, emulation)
    services.sheet_verify(sheet=sheet, by=staff.muong_ang_officer)
    services.sheet_approve(sheet=sheet, by=staff.province_leader)
    ScoreSheet.objects.filter(emulation=emulation).exclude(pk=sheet.pk).update(state=SheetState.APPROVED)


def test_the_decision_waits_for_every_sheet_then_takes_a_number_and_a_register_row(staff):
    emulation = opened(staff)
    with pytest.raises(ValidationError, match="phải được phê duyệt trước"):
        services.emulation_decide(emulation=emulation, by=staff.clerk)
    _approve_all(staff, emulation)
    with pytest.raises(ActionForbidden):
        services.emulation_decide(emulation=emulation, by=staff.tuan_giao_officer)
    services.emulation_decide(emulation=emulation, by=staff.clerk, decision_text="Tặng cờ thi đua cho Cụm 1.")
    emulation.refresh_from_db()
    assert emulation.state == EmulationState.DECIDED and emulation.number.startswith("01-QĐ/TĐTN")
    entry = OutgoingEntry.objects.get(number=emulation.number)
    assert entry.kind == "QĐ" and staff.tree.tuan_giao.name in entry.recipients
    with pytest.raises(TransitionNotAllowed):
        services.emulation_decide(emulation=emulation, by=staff.clerk)


def test_a_returned_sheets_verified_figures_no_longer_stand(staff):
    from emulation.results import standings

    emulation = opened(staff)
    sheet = _sent(staff, emulation)
    services.sheet_verify(sheet=sheet, by=staff.muong_ang_officer)
    services.sheet_return(sheet=sheet, by=staff.province_leader, comment="Xem lại.")
    row = next(r for r in standings(emulation).overall if r.sheet.pk == sheet.pk)
    assert row.verified_total is None and row.total == row.self_total


def test_only_the_clusters_units_of_the_tables_level_get_a_sheet(staff):
    from accounts.models import UnitLevel
    from emulation.models import ClusterMember
    from tests.factories import UnitFactory

    table = scoring_table(staff)
    first, _second = clusters(staff, table)
    commune = UnitFactory(parent=staff.tree.muong_ang, code="HDMA-XBL", name="Đoàn xã Búng Lao",
                          level=UnitLevel.objects.get_or_create(code="grassroots", defaults={"name": "Cơ sở",
                                                                                                "rank": 3})[0])
    ClusterMember.objects.create(cluster=first, unit=commune)
    now = timezone.now()
    emulation = services.emulation_open(table=table, by=staff.province_officer, subject="Thi đua",
                                        self_assessment_due=now + timezone.timedelta(days=1),
                                        verification_due=now + timezone.timedelta(days=2))
    assert not emulation.sheets.filter(unit=commune).exists() and emulation.sheets.count() == 5


def test_evidence_goes_with_judged_criteria_only(staff):
    from emulation.models import Source

    emulation = opened(staff)
    sheet = emulation.sheets.get(unit=staff.tree.tuan_giao)
    computed = sheet.scores.get(criterion__source=Source.TIMELINESS)
    with pytest.raises(ValidationError, match="tự tính|computed"):
        services.sheet_assess(sheet=sheet, by=staff.tuan_giao_officer, entries={},
                              files={computed.criterion_id: [pdf()]})
