"""The registers filled by the services: a plan's issue, an inspection's numbers, a unit's receipt,
and a document issued on paper."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.errors import ActionForbidden, TransitionNotAllowed
from core.models import DocumentSequence
from core.transitions import history_of
from plans import services as plan_services
from plans.models import Plan
from registers.models import DocumentKind, IncomingEntry, OutgoingEntry
from registers.services import outgoing_register_paper
from tests.helpers import reload
from tests.inspections.helpers import conclude, decided_inspection, target_of
from tests.plans.helpers import approved_plan, assignment_of, issued_plan

pytestmark = pytest.mark.django_db

YESTERDAY = datetime.timedelta(days=1)


def paper(people, **fields):
    values = {
        "unit": people.tree.province, "by": people.clerk, "kind": DocumentKind.LETTER,
        "subject": "V/v cử cán bộ dự tập huấn", "issued_on": timezone.localdate() - YESTERDAY,
        "signer": "Lò Văn Thắng", "recipients": "- Các huyện, thị, thành đoàn;\n- Lưu VP.",
        "reason": "Ký gấp khi mất điện, phát hành bản giấy", **fields,
    }
    return outgoing_register_paper(**values)


# --- outgoing: filled when a plan is issued --------------------------------------------------------


def test_issuing_a_plan_writes_its_outgoing_row(people):
    plan = issued_plan(people, recipients=[people.tree.muong_ang, people.tree.tuan_giao])
    entry = OutgoingEntry.objects.get()
    assert entry.document == plan
    assert (entry.number, entry.number_seq, entry.number_scope) == (plan.number, plan.number_seq, plan.number_scope)
    assert entry.issued_on == timezone.localdate(plan.issued_at) and entry.year == plan.issued_at.year
    assert (entry.kind, entry.subject) == (plan.kind, plan.subject)
    assert entry.signer == "Lò Văn Thắng"  # the leader who approved it
    assert entry.recipients == f"{people.tree.muong_ang.name}; {people.tree.tuan_giao.name}"
    assert entry.issuer == f"unit:{people.tree.province.pk}" and entry.issuer_unit == people.tree.province
    assert entry.issuer_department is None  # XĐD advises; the province issues (176-KH/TĐTN-XDĐ)
    assert not entry.on_paper and entry.registered_by == people.clerk


def test_a_rolled_back_issue_leaves_neither_number_nor_register_row(people, monkeypatch):
    plan = approved_plan(people)

    def fail(assignments):
        raise RuntimeError("the fan-out failed")

    monkeypatch.setattr(plan_services.fanout, "assignment_processes_start", fail)
    with pytest.raises(RuntimeError):
        plan_services.plan_issue(plan=plan, by=people.clerk)
    assert not OutgoingEntry.objects.exists()
    assert reload(plan).number == ""
    monkeypatch.undo()
    plan_services.plan_issue(plan=plan, by=people.clerk)
    assert list(OutgoingEntry.objects.values_list("number_seq", flat=True)) == [1]


def test_a_refused_issue_writes_no_row(people):
    plan = approved_plan(people)
    with pytest.raises(ActionForbidden):
        plan_services.plan_issue(plan=plan, by=people.tuan_giao_officer)
    assert not OutgoingEntry.objects.exists()


# --- outgoing: the inspection committee's numbers -------------------------------------------------


def test_an_inspection_decision_and_its_conclusion_are_in_the_committees_register(people):
    inspection = decided_inspection(people)
    conclusion = conclude(people, target_of(inspection, people.tree.muong_ang))
    committee = f"dept:{people.tree.ubkt.pk}"
    decision_row, conclusion_row = OutgoingEntry.objects.order_by("pk")
    assert decision_row.document == inspection and decision_row.number == inspection.decision_number
    assert decision_row.issuer == committee and decision_row.issuer_department == people.tree.ubkt
    assert decision_row.signer == "Tòng Văn Minh"
    assert decision_row.recipients == f"{people.tree.muong_ang.name}; {people.tree.tuan_giao.name}"
    assert conclusion_row.document == reload(conclusion) and conclusion_row.number == reload(conclusion).number
    assert conclusion_row.kind == DocumentKind.NOTICE and conclusion_row.issuer == committee
    assert conclusion_row.recipients == people.tree.muong_ang.name
    assert conclusion_row.signer == "Tòng Văn Minh"


# --- outgoing: a document issued on paper ------------------------------------------------------------


def test_a_paper_document_takes_the_next_number_of_the_same_sequence(people):
    letter = paper(people)
    assert (letter.number_seq, letter.on_paper, letter.document) == (1, True, None)
    assert letter.number.startswith("01-CV/")
    plan = issued_plan(people, kind=DocumentKind.LETTER)
    assert plan.number_seq == 2 and plan.number_scope == letter.number_scope


def test_a_paper_document_is_in_the_history_with_its_reason(people):
    letter = paper(people)
    (entry,) = history_of(letter)
    assert (entry.transition, entry.by, entry.comment) == ("register_paper", people.clerk, letter.reason)
    assert entry.hash  # a link of the audit chain


def test_a_paper_document_needs_a_reason(people):
    with pytest.raises(ValidationError) as error:
        paper(people, reason="   ")
    assert "reason" in error.value.error_dict
    assert not OutgoingEntry.objects.exists() and not DocumentSequence.objects.exists()


@pytest.mark.parametrize(("field", "value"), [
    ("kind", "XYZ"), ("subject", ""), ("signer", " "), ("recipients", ""), ("issued_on", None),
])
def test_a_paper_document_with_bad_input_is_refused_and_nothing_is_saved(people, field, value):
    with pytest.raises(ValidationError) as error:
        paper(people, **{field: value})
    assert field in error.value.error_dict
    assert not OutgoingEntry.objects.exists() and not DocumentSequence.objects.exists()


def test_a_paper_document_dated_in_the_future_is_refused(people):
    with pytest.raises(ValidationError) as error:
        paper(people, issued_on=timezone.localdate() + YESTERDAY)
    assert "issued_on" in error.value.error_dict


def test_another_units_department_is_refused(people, province_tree):
    from accounts.models import Department

    other = Department.objects.create(unit=people.tree.muong_ang, code="HDMA-VP", name="Văn phòng Mường Ảng",
                                      document_code="VP")
    with pytest.raises(ValidationError) as error:
        paper(people, department=other)
    assert "department" in error.value.error_dict


@pytest.mark.parametrize("who", ["province_officer", "province_leader", "muong_ang_secretary", "tuan_giao_officer",
                                 "inspector"])
def test_only_who_issues_for_the_unit_registers_paper_documents(people, who):
    with pytest.raises(ActionForbidden):
        paper(people, by=getattr(people, who))
    assert not OutgoingEntry.objects.exists() and not DocumentSequence.objects.exists()


def test_the_committees_paper_document_is_registered_by_the_chair_not_the_clerk(people):
    with pytest.raises(ActionForbidden):
        paper(people, department=people.tree.ubkt, kind=DocumentKind.NOTICE)
    entry = paper(people, by=people.inspection_chair, department=people.tree.ubkt, kind=DocumentKind.NOTICE)
    assert entry.issuer == f"dept:{people.tree.ubkt.pk}" and "/UBKTTĐ" in entry.number


# --- incoming: filled when a unit confirms receipt -----------------------------------------------------


def _receive(people, plan, unit, who):
    return plan_services.assignment_receive(assignment=assignment_of(plan, unit), by=who)


def test_receipt_writes_the_units_incoming_row_with_number_one(people):
    plan = issued_plan(people)
    assignment = _receive(people, plan, people.tree.muong_ang, people.muong_ang_officer)
    entry = IncomingEntry.objects.get()
    assert (entry.unit, entry.arrival_number, entry.assignment) == (people.tree.muong_ang, 1, assignment)
    assert entry.arrived_at == assignment.received_at and entry.year == timezone.localdate(entry.arrived_at).year
    assert (entry.sender, entry.document_number, entry.subject) == (
        people.tree.province.name, plan.number, plan.subject)
    assert entry.document_date == timezone.localdate(plan.issued_at)


def test_the_next_receipt_of_another_plan_gets_two_and_other_units_count_apart(people):
    first, second = issued_plan(people), issued_plan(people)
    _receive(people, first, people.tree.muong_ang, people.muong_ang_officer)
    _receive(people, first, people.tree.tuan_giao, people.tuan_giao_officer)
    _receive(people, second, people.tree.muong_ang, people.muong_ang_secretary)
    numbers = dict(IncomingEntry.objects.values_list("object_id", "arrival_number"))
    assert numbers[assignment_of(first, people.tree.muong_ang).pk] == 1
    assert numbers[assignment_of(second, people.tree.muong_ang).pk] == 2
    assert numbers[assignment_of(first, people.tree.tuan_giao).pk] == 1


def test_a_new_year_starts_at_one(people):
    with time_machine.travel(datetime.datetime(2026, 12, 30, 9, tzinfo=datetime.UTC)):
        december = issued_plan(people)
        _receive(people, december, people.tree.muong_ang, people.muong_ang_officer)
    with time_machine.travel(datetime.datetime(2027, 1, 5, 9, tzinfo=datetime.UTC)):
        january = issued_plan(people)
        _receive(people, january, people.tree.muong_ang, people.muong_ang_officer)
    rows = list(IncomingEntry.objects.order_by("arrived_at").values_list("year", "arrival_number"))
    assert rows == [(2026, 1), (2027, 1)]


def test_a_second_confirmation_keeps_the_one_arrival_number(people):
    plan = issued_plan(people)
    _receive(people, plan, people.tree.muong_ang, people.muong_ang_officer)
    with pytest.raises(TransitionNotAllowed):
        _receive(people, plan, people.tree.muong_ang, people.muong_ang_officer)
    assert list(IncomingEntry.objects.values_list("arrival_number", flat=True)) == [1]
    assert DocumentSequence.objects.get(scope__startswith="incoming:").last_number == 1


def test_a_receipt_refused_to_another_unit_writes_no_row(people):
    plan = issued_plan(people)
    with pytest.raises(ActionForbidden):
        _receive(people, plan, people.tree.muong_ang, people.tuan_giao_officer)
    assert not IncomingEntry.objects.exists()
    assert Plan.objects.get(pk=plan.pk).number  # the issue itself stays
