"""The inspections demo: seeded through the services like seed_demo does, twice without duplicates."""

import pytest
from django.utils import timezone
from viewflow.workflow.models import Process, Task

from accounts.demo import demo_seed
from accounts.models import Unit
from core.models import TransitionLog
from core.transitions import history_of
from inspections.demo import demo_inspections_seed
from inspections.documents import year_summary
from inspections.models import (
    ISSUED_INSPECTION_STATES,
    Conclusion,
    ConclusionState,
    Finding,
    FindingCategory,
    Inspection,
    InspectionKind,
    InspectionState,
    InspectionTarget,
    Programme,
    Recommendation,
    Remediation,
    RemediationReport,
    RemediationState,
)
from plans.demo import demo_indicator_plan_seed, demo_plans_seed

pytestmark = pytest.mark.django_db

COUNTED = (Programme, Inspection, InspectionTarget, Finding, Conclusion, Recommendation, Remediation,
           RemediationReport, TransitionLog, Process, Task)


def seed():
    demo_seed(password="x")
    demo_plans_seed()
    demo_indicator_plan_seed()
    demo_inspections_seed()


def counts():
    return {model.__name__: model.objects.count() for model in COUNTED}


@pytest.fixture
def seeded():
    seed()
    return Unit.objects.get(code="TDDB")


def district_targets(programme, kind, *, states=None):
    targets = InspectionTarget.objects.filter(inspection__programme=programme, inspection__kind=kind,
                                              unit__level__code="district")
    if states is not None:
        targets = targets.filter(inspection__state__in=states)
    return {t.unit for t in targets.select_related("unit")}


def test_seeding_twice_adds_nothing(seeded):
    before = counts()
    seed()
    assert counts() == before
    assert before["Inspection"] > 0


def test_the_standing_board_inspects_six_district_units_and_the_committee_supervises_six_others(seeded):
    board = Programme.objects.get(issuing_unit=seeded, department__code="TDDB-XDD", year=2024)
    committee = Programme.objects.get(issuing_unit=seeded, department__code="TDDB-UBKT", year=2024)
    assert not board.is_committee and committee.is_committee
    inspected = district_targets(board, InspectionKind.REGULAR_INSPECTION)
    supervised = district_targets(committee, InspectionKind.THEMATIC_SUPERVISION)
    assert len(inspected) == len(supervised) == 6
    assert not inspected & supervised
    [outside] = InspectionTarget.objects.filter(inspection__programme=committee, unit__isnull=True)
    assert (outside.outside_body, outside.inspection.kind) == ("Ủy ban nhân dân huyện Mường Ảng",
                                                               InspectionKind.THEMATIC_SUPERVISION)


def test_the_youth_month_inspection_is_walked_to_closure(seeded):
    inspection = Inspection.objects.get(subject="Kiểm tra công tác triển khai Tháng Thanh niên năm 2024")
    assert inspection.state == InspectionState.CLOSED
    assert inspection.decision_number.endswith("-KH/UBKTTĐ")
    [target] = inspection.targets.all()
    assert target.unit.code == "HDMA" and target.self_report
    assert set(target.findings.values_list("category", flat=True)) == set(FindingCategory.values)
    conclusion = target.conclusion
    assert conclusion.state == ConclusionState.ISSUED and conclusion.number.endswith("-TB/UBKTTĐ")
    assert "return_to_draft" in history_of(conclusion).values_list("transition", flat=True)
    remediations = list(target.remediations.all())
    assert remediations and {r.state for r in remediations} == {RemediationState.VERIFIED}
    reopened = [r for r in remediations if history_of(r).filter(transition="reopen").exists()]
    assert len(reopened) == 1
    assert list(history_of(reopened[0]).values_list("transition", flat=True)) == [
        "report", "reopen", "report", "verify"]
    assert reopened[0].reports.count() == 2


def test_the_other_inspections_are_left_under_way(seeded):
    states = dict(Inspection.objects.filter(programme__year=2024).values_list("subject", "state"))
    assert list(states.values()).count(InspectionState.IN_PROGRESS) == 3
    assert list(states.values()).count(InspectionState.AWAITING_APPROVAL) == 1
    conclusion_states = set(Conclusion.objects.values_list("state", flat=True))
    assert {ConclusionState.DRAFT, ConclusionState.AWAITING_APPROVAL, ConclusionState.APPROVED} <= conclusion_states


def test_the_year_summary_mentions_six_district_units_twice(seeded):
    per_clause = [
        len(district_targets(programme, kind, states=ISSUED_INSPECTION_STATES))
        for programme in Programme.objects.filter(issuing_unit=seeded, year=2024)
        for kind in InspectionKind.values
    ]
    sixes = per_clause.count(6)
    assert sixes == 2
    assert year_summary(seeded, 2024).count(f"{6:02d} đơn vị Đoàn cấp huyện") == sixes


def test_the_demo_history_happens_in_2024_in_office_hours_and_in_order(seeded):
    inspection = Inspection.objects.get(state=InspectionState.CLOSED)
    conclusion = Conclusion.objects.get(target__inspection=inspection)
    remediations = list(Remediation.objects.filter(target__inspection=inspection))
    logs = [*history_of(inspection), *history_of(conclusion.target), *history_of(conclusion),
            *(log for r in remediations for log in history_of(r))]
    moments = [timezone.localtime(log.at) for log in logs]
    assert moments and all(m.year == 2024 and 8 <= m.hour < 17 and m.weekday() < 5 for m in moments)
    # The services' order survives: each object's history by pk is its history by time.
    for obj in (inspection, conclusion, *remediations):
        entries = list(TransitionLog.objects.filter(object_id=obj.pk, content_type__model=obj._meta.model_name)
                       .order_by("pk").values_list("at", flat=True))
        assert entries == sorted(entries)
    assert inspection.decided_at < conclusion.issued_at < min(r.verified_at for r in remediations)
    assert timezone.localtime(conclusion.issued_at).date() >= inspection.starts_on
