"""The operations on the unit tree: what each carries to the successor, what ends, what stays,
and that a preview or a second application changes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import Position, Unit, UnitLevel
from core.models import TransitionLog
from plans import selectors as plan_selectors
from plans import services as plan_services
from plans.models import Assignment, AssignmentState
from restructuring import services
from restructuring.models import ChangeKind, UnitChange
from tests.plans.helpers import assignment_of, issued_plan
from workflows.inbox import inbox_tasks

TODAY = timezone.localdate


def _open_tasks(assignment):
    return Task.objects.filter(process_id=assignment.process_id, status__in=[STATUS.NEW, STATUS.ASSIGNED])


def _snapshot():
    return (list(Assignment.objects.order_by("pk").values_list("pk", "unit_id", "state")),
            list(Unit.objects.order_by("pk").values_list("pk", "path", "name", "is_active")),
            list(Position.objects.order_by("pk").values_list("pk", "valid_to")),
            list(Task.objects.order_by("pk").values_list("pk", "owner_permission_obj_pk", "status")),
            UnitChange.objects.count(), TransitionLog.objects.count())


def test_dissolving_a_unit_carries_its_open_work_to_the_parent(staff):
    t = staff.tree
    plan = issued_plan(staff, recipients=[t.muong_ang, t.tuan_giao])
    moving = assignment_of(plan, t.muong_ang)
    plan_services.assignment_receive(assignment=moving, by=staff.muong_ang_officer)
    history_before = TransitionLog.objects.filter(object_id=moving.pk, content_type__model="assignment").count()

    operation = services.dissolve(t.muong_ang, effective_on=TODAY(), decision="15-QĐ/TĐTN")
    change = operation.apply(by=staff.province_leader)

    moving.refresh_from_db()
    # The province issued the plan: it carries the work on in Mường Ảng's name, state and all.
    assert moving.acting_unit == t.province and moving.unit == t.muong_ang
    assert moving.state == AssignmentState.RECEIVED
    assert moving.report_due == assignment_of(plan, t.tuan_giao).report_due  # deadlines kept
    assert TransitionLog.objects.filter(object_id=moving.pk, content_type__model="assignment").count() \
        >= history_before  # its history stays with it
    assert {task.owner_permission_obj_pk for task in _open_tasks(moving)} == {str(t.province.pk)}
    assert not Task.objects.filter(owner_permission_obj_pk=str(t.muong_ang.pk),
                                   status__in=[STATUS.NEW, STATUS.ASSIGNED]).exists()
    assert moving.process.task_set.filter(status=STATUS.NEW).get() in inbox_tasks(staff.province_officer)

    # Mường Ảng's people no longer hold a position there, and can no longer act.
    officer = staff.muong_ang_officer
    assert not Position.objects.active_on().filter(user=officer).exists()
    assert officer in {p.user for p in change.ended_positions.all()}
    assert not plan_selectors.assignment_actions(officer, moving)
    assert not inbox_tasks(officer).exists()

    unit = Unit.objects.get(pk=t.muong_ang.pk)
    assert not unit.is_active
    assert list(change.predecessors.all()) == [t.muong_ang] and list(change.successors.all()) == [t.province]
    assert change.kind == ChangeKind.DISSOLVE and change.details["carried"]["assignments_carried"] == 1
    assert assignment_of(plan, t.tuan_giao).unit == t.tuan_giao  # others untouched


def test_closed_work_stays_with_the_unit_that_did_it(staff):
    t = staff.tree
    plan = issued_plan(staff, recipients=[t.muong_ang])
    done = assignment_of(plan, t.muong_ang)
    plan_services.assignment_receive(assignment=done, by=staff.muong_ang_officer)
    plan_services.assignment_report(assignment=done, by=staff.muong_ang_officer, text="Đã xong.")
    plan_services.assignment_accept(assignment=done, by=staff.province_officer)
    services.dissolve(t.muong_ang, effective_on=TODAY()).apply(by=staff.province_leader)
    done.refresh_from_db()
    assert done.unit == t.muong_ang and done.state == AssignmentState.ACCEPTED


def test_the_preview_lists_what_will_move_and_changes_nothing(staff):
    t = staff.tree
    plan = issued_plan(staff, recipients=[t.muong_ang])
    before = _snapshot()
    preview = services.dissolve(t.muong_ang, effective_on=TODAY()).preview()
    assert [a.pk for a, _ in preview.carried.assignments_carried] == [assignment_of(plan, t.muong_ang).pk]
    assert preview.carried.tasks == 1 and preview.applied is None
    assert {staff.muong_ang_officer, staff.muong_ang_secretary} <= set(preview.people)
    assert _snapshot() == before


def test_applying_the_same_change_twice_does_nothing_the_second_time(staff):
    t = staff.tree
    issued_plan(staff, recipients=[t.muong_ang])
    operation = services.dissolve(t.muong_ang, effective_on=TODAY(), decision="15-QĐ/TĐTN")
    first = operation.apply(by=staff.province_leader)
    after_first = _snapshot()
    again = services.dissolve(Unit.objects.get(pk=t.muong_ang.pk), effective_on=TODAY(), decision="15-QĐ/TĐTN")
    assert again.preview().applied == first
    assert again.apply(by=staff.province_leader) == first
    assert _snapshot() == after_first


def test_merging_two_units_into_a_new_one_gives_it_all_their_open_work(staff):
    t = staff.tree
    only_ma = issued_plan(staff, recipients=[t.muong_ang], subject="Kế hoạch A")
    only_tg = issued_plan(staff, recipients=[t.tuan_giao], subject="Kế hoạch B")
    both = issued_plan(staff, recipients=[t.muong_ang, t.tuan_giao], subject="Kế hoạch C")
    level = UnitLevel.objects.get(code="district")
    new = services.NewUnit(code="HDMATG", name="Huyện đoàn Mường Ảng - Tuần Giáo", level=level, parent=t.province)

    change = services.merge([t.muong_ang, t.tuan_giao], into=new, effective_on=TODAY(), decision="20-QĐ/TĐTN",
                            move_people=True).apply(by=staff.province_leader)

    merged = Unit.objects.get(code="HDMATG")
    assert Unit.objects.get_parent(merged) == t.province and list(change.successors.all()) == [merged]
    assert assignment_of(only_ma, merged) and assignment_of(only_tg, merged)
    # Both had plan C: the successor keeps one assignment, the other is cancelled, not lost.
    # Both had plan C: one assignment moves, the successor carries the other on; none is lost.
    assert {a.acting_unit for a in Assignment.objects.filter(plan=both)} == {merged}
    assert not Assignment.objects.filter(plan=both, state=AssignmentState.CANCELLED).exists()
    assert set(both.recipients.all()) == {t.muong_ang, t.tuan_giao}  # who an issued plan was sent to
    # The people were re-appointed in the merged unit, so they go on with the work.
    assert Position.objects.active_on().filter(user=staff.muong_ang_officer, unit=merged).exists()
    receive = assignment_of(only_ma, merged)
    assert plan_selectors.assignment_actions(staff.muong_ang_officer, receive) >= {"receive"}
    assert not Unit.objects.filter(pk__in=[t.muong_ang.pk, t.tuan_giao.pk], is_active=True).exists()


def test_merging_into_an_existing_unit_keeps_it(staff):
    t = staff.tree
    plan = issued_plan(staff, recipients=[t.muong_ang])
    services.merge([t.muong_ang, t.tuan_giao], into=t.tuan_giao, effective_on=TODAY()).apply(
        by=staff.province_leader)
    assert assignment_of(plan, t.tuan_giao)
    assert Unit.objects.get(pk=t.tuan_giao.pk).is_active and not Unit.objects.get(pk=t.muong_ang.pk).is_active
    assert Position.objects.active_on().filter(user=staff.tuan_giao_officer).exists()


def test_a_split_sends_each_piece_of_work_where_its_rule_says(staff):
    t = staff.tree
    first = issued_plan(staff, recipients=[t.muong_ang], subject="Kế hoạch một")
    second = issued_plan(staff, recipients=[t.muong_ang], subject="Kế hoạch hai")
    level = UnitLevel.objects.get(code="district")
    east = services.NewUnit(code="HDMA-D", name="Huyện đoàn Mường Ảng Đông", level=level, parent=t.province)
    west = services.NewUnit(code="HDMA-T", name="Huyện đoàn Mường Ảng Tây", level=level, parent=t.province)
    moved = assignment_of(second, t.muong_ang)
    services.split(t.muong_ang, into=[east, west], effective_on=TODAY(),
                   overrides={("assignment", moved.pk): 1}).apply(by=staff.province_leader)
    assert assignment_of(first, Unit.objects.get(code="HDMA-D"))
    moved.refresh_from_db()
    assert moved.unit.code == "HDMA-T"
    assert {t.owner_permission_obj_pk for t in _open_tasks(moved)} == {str(moved.unit_id)}


def test_rename_and_move_keep_the_unit_and_record_what_it_was(staff):
    t = staff.tree
    old_name = t.muong_ang.name
    change = services.rename(t.muong_ang, name="Đoàn xã Mường Ảng", effective_on=TODAY()).apply(
        by=staff.province_leader)
    assert Unit.objects.get(pk=t.muong_ang.pk).name == "Đoàn xã Mường Ảng"
    assert change.details["before"][0]["name"] == old_name
    services.move(Unit.objects.get(pk=t.muong_ang.pk), parent=t.tuan_giao, effective_on=TODAY()).apply(
        by=staff.province_leader)
    unit = Unit.objects.get(pk=t.muong_ang.pk)
    assert Unit.objects.get_parent(unit) == t.tuan_giao and unit.is_active
    assert Position.objects.active_on().filter(user=staff.muong_ang_officer, unit=unit).exists()  # people stay


@pytest.mark.parametrize("build", [
    lambda t: services.dissolve(t.province, effective_on=TODAY()),  # no parent to take the work
    lambda t: services.move(t.province, parent=t.muong_ang, effective_on=TODAY()),  # a cycle
    lambda t: services.merge([t.muong_ang], into=t.tuan_giao, effective_on=TODAY()),
    lambda t: services.dissolve(t.muong_ang, effective_on=TODAY() + datetime.timedelta(days=1)),
    lambda t: services.rename(t.muong_ang, name="  ", effective_on=TODAY()),
    lambda t: services.merge([t.muong_ang, t.muong_ang], into=t.tuan_giao, effective_on=TODAY()),
    lambda t: services.merge([t.muong_ang, t.tuan_giao], effective_on=TODAY(), into=services.NewUnit(
        code="TDDB", name="Trùng mã", level=t.muong_ang.level, parent=t.province)),
])
def test_a_bad_operation_is_refused_and_changes_nothing(staff, build):
    before = _snapshot()
    operation = build(staff.tree)
    assert operation.errors()
    with pytest.raises(ValidationError):
        operation.apply(by=staff.province_leader)
    assert _snapshot() == before


def test_a_unit_that_has_ended_cannot_end_again(staff):
    t = staff.tree
    services.dissolve(t.muong_ang, effective_on=TODAY(), decision="1").apply(by=staff.province_leader)
    again = services.dissolve(Unit.objects.get(pk=t.muong_ang.pk), effective_on=TODAY(), decision="2")
    with pytest.raises(ValidationError):
        again.apply(by=staff.province_leader)


def test_a_unit_knows_every_unit_it_absorbed_however_many_changes_back(staff):
    from restructuring.selectors import absorbed_ids, changes_of, successor_of

    t = staff.tree
    districts = [d for d in t.districts if d.pk not in (t.muong_ang.pk, t.tuan_giao.pk)]
    services.merge([t.muong_ang, districts[0]], into=districts[0], effective_on=TODAY(), decision="1").apply(
        by=staff.province_leader)
    services.merge([Unit.objects.get(pk=districts[0].pk), t.tuan_giao], into=t.tuan_giao, effective_on=TODAY(),
                   decision="2").apply(by=staff.province_leader)
    assert absorbed_ids([t.tuan_giao.pk])[t.tuan_giao.pk] == {t.tuan_giao.pk, districts[0].pk, t.muong_ang.pk}
    assert absorbed_ids([districts[1].pk])[districts[1].pk] == {districts[1].pk}
    assert [c.decision for c in changes_of(districts[0])] == ["1", "2"]
    assert successor_of(Unit.objects.get(pk=t.muong_ang.pk)) == districts[0]


def _inbox_queries(client) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get("/ke-hoach/viec-can-xu-ly/").status_code == 200
    return len(queries)


def test_the_successors_inbox_costs_the_same_queries_whatever_it_took_over(staff, client):
    t = staff.tree
    third = next(d for d in t.districts if d.pk not in (t.muong_ang.pk, t.tuan_giao.pk))
    issued_plan(staff, recipients=[t.muong_ang], subject="Kế hoạch số 1")
    services.merge([t.muong_ang, t.tuan_giao], into=t.tuan_giao, effective_on=TODAY(), decision="1").apply(
        by=staff.province_leader)
    client.force_login(staff.tuan_giao_officer)
    with_one = _inbox_queries(client)
    for index in range(2, 6):
        issued_plan(staff, recipients=[third], subject=f"Kế hoạch số {index}")
    services.merge([third, Unit.objects.get(pk=t.tuan_giao.pk)], into=t.tuan_giao, effective_on=TODAY(),
                   decision="2").apply(by=staff.province_leader)
    assert Assignment.objects.filter(unit=t.tuan_giao).count() == 5
    assert _inbox_queries(client) == with_one


def test_an_ended_unit_is_offered_no_new_plan(staff):
    from tests.plans.helpers import draft_plan

    t = staff.tree
    services.dissolve(t.muong_ang, effective_on=TODAY(), decision="3").apply(by=staff.province_leader)
    with pytest.raises(ValidationError) as refused:
        draft_plan(staff, recipients=[Unit.objects.get(pk=t.muong_ang.pk), t.tuan_giao])
    assert "recipients" in refused.value.message_dict
    from plans.forms import PlanForm

    form = PlanForm(issuing_unit=t.province)
    assert t.muong_ang not in form.fields["recipients"].queryset and t.tuan_giao in form.fields["recipients"].queryset


def test_a_change_applied_late_ends_positions_begun_after_its_date_too(staff):
    t = staff.tree
    day = TODAY() - datetime.timedelta(days=30)
    late = Position.objects.get(user=staff.muong_ang_officer)
    Position.objects.filter(pk=late.pk).update(valid_from=TODAY() - datetime.timedelta(days=10))
    today_only = Position.objects.get(user=staff.muong_ang_secretary)
    Position.objects.filter(pk=today_only.pk).update(valid_from=TODAY())
    preview = services.dissolve(t.muong_ang, effective_on=day, decision="4").preview()
    assert {p.pk for p in preview.positions_ending} == {late.pk, today_only.pk}
    change = services.dissolve(t.muong_ang, effective_on=day, decision="4").apply(by=staff.province_leader)
    late.refresh_from_db()
    assert late.valid_to == TODAY() - datetime.timedelta(days=1)  # began after the date: ended yesterday
    assert not Position.objects.filter(pk=today_only.pk).exists()  # begins today in an ended unit: never held
    assert change.details["positions_never_held"] and list(change.ended_positions.all()) == [late]
    assert not Position.objects.active_on().filter(unit=t.muong_ang).exists()


def test_work_carried_by_the_issuer_is_done_by_its_people_and_shown_so(staff, client):
    t = staff.tree
    plan = issued_plan(staff, recipients=[t.muong_ang])
    carried = assignment_of(plan, t.muong_ang)
    services.dissolve(t.muong_ang, effective_on=TODAY(), decision="12").apply(by=staff.province_leader)
    carried.refresh_from_db()
    assert carried.carried_by == t.province and carried.acting_unit == t.province
    # The province's officer confirms receipt and reports in Mường Ảng's name.
    assert "receive" in plan_selectors.assignment_actions(staff.province_officer, carried)
    plan_services.assignment_receive(assignment=carried, by=staff.province_officer)
    client.force_login(staff.province_officer)
    page = client.get(f"/ke-hoach/giao-viec/{carried.pk}/")
    assert "data-carried-by" in page.content.decode() and t.province.name in page.content.decode()


def test_a_change_that_ends_no_position_leaves_everyones_groups_alone(staff):
    # Ending units nobody works in must not re-sync the whole country's group memberships (the
    # national rehearsal spent most of its time there): no statement reads the positions table
    # beyond the ending units' own.
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    t = staff.tree
    empty = [d for d in t.districts if not Position.objects.filter(unit=d).exists()][:2]
    with CaptureQueriesContext(connection) as queries:
        services.merge(empty, into=empty[1], effective_on=TODAY(), decision="15").apply(by=staff.province_leader)
    assert not [q["sql"] for q in queries if "accounts_user_groups" in q["sql"]]
    assert not Unit.objects.get(pk=empty[0].pk).is_active
