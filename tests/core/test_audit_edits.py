"""Edits are audit rows too (issue 12, V4): drafts, reports, indicator figures, findings and
conclusions, each with what changed, before → after, on the same hash chain as the transitions."""

import datetime

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from core import audit
from core.errors import ActionForbidden
from core.models import TransitionLog
from core.transitions import history_of
from inspections import services as inspection_services
from inspections.models import FindingCategory, Severity
from plans import services
from plans.indicators import services as indicators
from tests.inspections.helpers import decided_inspection, draft_inspection, target_of
from tests.plans.helpers import draft_plan, issued_plan
from tests.plans.indicators.helpers import add_indicator


def edits_of(obj):
    return list(audit.trail(content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk))


def only_edit(obj, action="edit"):
    rows = [row for row in edits_of(obj) if row.transition == action]
    assert len(rows) == 1, rows
    return rows[0]


def test_a_plan_draft_edit_records_the_changed_fields_before_and_after(people):
    plan = draft_plan(people, recipients=[people.tree.muong_ang])
    old_due = plan.report_due
    new_due = old_due + datetime.timedelta(days=7)
    services.plan_update(plan=plan, by=people.province_officer, subject="Kế hoạch đã sửa", report_due=new_due,
                         recipients=[people.tree.muong_ang, people.tree.tuan_giao])
    row = only_edit(plan)
    assert row.by == people.province_officer and row.source == row.target == "draft"
    assert row.changes == {
        "subject": ["Kế hoạch tổ chức Tháng Thanh niên năm 2024", "Kế hoạch đã sửa"],
        "report_due": [audit.jsonable(old_due), audit.jsonable(new_due)],
        "recipients": [[people.tree.muong_ang.pk], sorted([people.tree.muong_ang.pk, people.tree.tuan_giao.pk])],
    }
    assert audit.verify().intact


def test_an_edit_that_changes_nothing_writes_no_row(people):
    plan = draft_plan(people)
    services.plan_update(plan=plan, by=people.province_officer, subject=plan.subject)
    assert not TransitionLog.objects.filter(transition="edit").exists()


def test_a_refused_edit_leaves_no_audit_row(people):
    plan = draft_plan(people)
    with pytest.raises(ValidationError):
        services.plan_update(plan=plan, by=people.province_officer, subject="")
    with pytest.raises(ActionForbidden):
        services.plan_update(plan=plan, by=people.tuan_giao_officer, subject="Sửa trộm")
    assert not TransitionLog.objects.filter(transition="edit").exists()


def test_edits_stay_out_of_the_state_history(people):
    plan = draft_plan(people)
    services.plan_update(plan=plan, by=people.province_officer, subject="Kế hoạch đã sửa")
    services.plan_submit(plan=plan, by=people.province_officer)
    assert [row.transition for row in history_of(plan)] == ["submit"]
    assert [row.transition for row in edits_of(plan)] == ["edit", "submit"]


def test_a_resubmitted_report_records_the_text_before_and_after(people):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    assignment = plan.assignments.get()
    services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    first = services.assignment_report(assignment=assignment, by=people.muong_ang_officer, text="Lần đầu")
    services.assignment_return(assignment=assignment, by=people.province_officer, comment="Bổ sung số liệu")
    second = services.assignment_report(assignment=assignment, by=people.muong_ang_officer, text="Lần hai")
    assert only_edit(first).changes == {"text": [None, "Lần đầu"]}
    assert only_edit(second).changes == {"text": ["Lần đầu", "Lần hai"]}


def test_indicator_figures_record_each_code_before_and_after(people):
    plan = issued_plan(people, recipients=[people.tree.muong_ang])
    add_indicator(plan, "4c", target=10)
    add_indicator(plan, "5a", target=10)
    assignment = plan.assignments.get()
    services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    indicators.indicator_values_set(assignment=assignment, by=people.muong_ang_officer,
                                    entries={"4c": {"value": "12"}, "5a": {"value": "3"}})
    indicators.indicator_values_set(assignment=assignment, by=people.muong_ang_officer,
                                    entries={"4c": {"value": "15"}, "5a": {"value": "3"}})
    first, second = [row for row in edits_of(assignment) if row.transition == "edit_figures"]
    assert set(first.changes) == {"4c", "5a"} and first.changes["4c"][0] is None
    figures = {"numerator": None, "denominator": None, "note": "", "cutoff_date": None}
    assert first.changes == {"4c": [None, {**figures, "value": "12.0000"}],
                             "5a": [None, {**figures, "value": "3.0000"}]}
    # The unchanged 5a is not repeated.
    assert second.changes == {"4c": [{**figures, "value": "12.0000"}, {**figures, "value": "15.0000"}]}


def test_a_finding_edit_records_before_and_after(people):
    inspection = decided_inspection(people, targets=[people.tree.muong_ang])
    target = target_of(inspection, people.tree.muong_ang)
    finding = inspection_services.finding_record(target=target, by=people.inspector2,
                                                 category=FindingCategory.VIOLATION, severity=Severity.MODERATE,
                                                 description="Chưa sinh hoạt định kỳ.")
    inspection_services.finding_update(finding=finding, by=people.inspector2, category=FindingCategory.VIOLATION,
                                       severity=Severity.SERIOUS, description="Chưa sinh hoạt 6 tháng.")
    row = only_edit(finding)
    assert row.changes == {"severity": [Severity.MODERATE, Severity.SERIOUS],
                           "description": ["Chưa sinh hoạt định kỳ.", "Chưa sinh hoạt 6 tháng."]}


def test_a_conclusion_rewrite_records_text_and_recommendations(people):
    inspection = decided_inspection(people, targets=[people.tree.muong_ang])
    target = target_of(inspection, people.tree.muong_ang)
    due = timezone.now() + datetime.timedelta(days=30)
    conclusion = inspection_services.conclusion_save(target=target, by=people.inspector, text="Bản nháp",
                                                     recommendations=[("Cập nhật sổ sách.", due)])
    inspection_services.conclusion_save(target=target, by=people.inspector, text="Bản nháp đã sửa")
    first, second = [row for row in edits_of(conclusion) if row.transition == "edit"]
    assert first.changes["text"] == [None, "Bản nháp"]
    assert second.changes == {"text": ["Bản nháp", "Bản nháp đã sửa"]}


def test_an_inspection_draft_edit_is_recorded(people):
    inspection = draft_inspection(people)
    inspection_services.inspection_update(inspection=inspection, by=people.inspector, subject="Quyết định đã sửa")
    assert only_edit(inspection).changes["subject"][1] == "Quyết định đã sửa"


def test_an_edited_change_is_caught_by_verify(people):
    plan = draft_plan(people)
    services.plan_update(plan=plan, by=people.province_officer, subject="Kế hoạch đã sửa")
    services.plan_submit(plan=plan, by=people.province_officer)
    row = only_edit(plan)
    TransitionLog.objects.filter(pk=row.pk).update(changes={"subject": ["a", "b"]})
    verdict = audit.verify()
    assert verdict.broken.pk == row.pk and verdict.reason == "content changed"
