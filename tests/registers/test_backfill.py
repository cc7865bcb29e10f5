"""The register rows of documents numbered and receipts confirmed before the registers existed
(`manage.py registers_backfill`, registers.services.backfill over the sources plans and inspections
register): the original numbers and dates, once each, in number order, the sequences untouched."""

import contextlib
import datetime
import io

import pytest
import time_machine
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.utils import timezone

from core.models import DocumentSequence
from inspections.services import conclusions as conclusion_services
from inspections.services import decisions as decision_services
from plans import services as plan_services
from plans.models import Plan
from registers.models import IncomingEntry, OutgoingEntry
from tests.helpers import reload
from tests.inspections.helpers import conclude, decided_inspection, target_of
from tests.plans.helpers import approved_plan, assignment_of, issued_plan

pytestmark = pytest.mark.django_db

# What only the backfill may differ in from the row the issue would have written.
NOT_COMPARED = ("id", "registered_at")


def run(*args) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("registers_backfill", *args, stdout=out, stderr=err)
    return out.getvalue().strip(), err.getvalue().strip()


@pytest.fixture
def before_registers(monkeypatch):
    """The services as they were before the registers: numbers taken, receipts confirmed, no rows."""
    @contextlib.contextmanager
    def era():
        with monkeypatch.context() as patch:
            for module in (plan_services, decision_services, conclusion_services):
                patch.setattr(module, "outgoing_record", lambda **kwargs: None)
            patch.setattr(plan_services, "incoming_record", lambda **kwargs: None)
            yield
    return era


def receive(plan, unit, who):
    return plan_services.assignment_receive(assignment=assignment_of(plan, unit), by=who)


def outgoing_rows():
    return {(row.content_type_id, row.object_id): {k: v for k, v in model_to_dict(row).items() if k not in NOT_COMPARED}
            | {"issuer": row.issuer, "number_scope": row.number_scope, "number_seq": row.number_seq}
            for row in OutgoingEntry.objects.all()}


def incoming_rows():
    return {(row.content_type_id, row.object_id): {k: v for k, v in model_to_dict(row).items() if k != "id"}
            for row in IncomingEntry.objects.all()}


# --- rows for documents that had none -------------------------------------------------------------


def test_the_rows_are_those_the_issue_and_the_receipt_would_have_written(people):
    """Written now by the services, noted, forgotten, written again by the backfill: the same rows."""
    t = people.tree
    plan = issued_plan(people, recipients=[t.muong_ang, t.tuan_giao])
    receive(plan, t.muong_ang, people.muong_ang_officer)
    receive(plan, t.tuan_giao, people.tuan_giao_officer)
    inspection = decided_inspection(people)
    conclude(people, target_of(inspection, t.muong_ang))
    outgoing, incoming = outgoing_rows(), incoming_rows()
    assert len(outgoing) == 3 and len(incoming) == 2  # the plan, the decision, the conclusion; two receipts

    OutgoingEntry.objects.all().delete()
    IncomingEntry.objects.all().delete()
    DocumentSequence.objects.filter(scope__startswith="incoming:").delete()  # as before the registers
    assert run() == ("3 outgoing, 2 incoming rows written", "")
    assert outgoing_rows() == outgoing and incoming_rows() == incoming


def test_documents_numbered_before_the_registers_get_their_original_numbers_and_dates(people, before_registers):
    t = people.tree
    # The people's positions start today: "before" is a few days ahead, the backfill a month later.
    issued_on, later = timezone.now() + datetime.timedelta(days=3), timezone.now() + datetime.timedelta(days=5)
    with before_registers(), time_machine.travel(issued_on):
        plan = issued_plan(people, recipients=[t.muong_ang, t.tuan_giao])
        receive(plan, t.tuan_giao, people.tuan_giao_officer)
    with before_registers(), time_machine.travel(later):
        receive(plan, t.muong_ang, people.muong_ang_officer)
        conclusion = conclude(people, target_of(decided_inspection(people), t.muong_ang))
    plan, conclusion = reload(plan), reload(conclusion)
    assert not OutgoingEntry.objects.exists() and not IncomingEntry.objects.exists()

    with time_machine.travel(timezone.now() + datetime.timedelta(days=40)):
        assert run() == ("3 outgoing, 2 incoming rows written", "")

    row = OutgoingEntry.objects.get(object_id=plan.pk, content_type__model="plan")
    assert (row.number, row.number_scope, row.number_seq) == (plan.number, plan.number_scope, plan.number_seq)
    assert row.issued_on == timezone.localdate(issued_on) and row.year == timezone.localdate(issued_on).year
    assert row.registered_by == people.clerk and row.signer == "Lò Văn Thắng" and not row.on_paper
    assert row.recipients == f"{t.muong_ang.name}; {t.tuan_giao.name}"
    notice = OutgoingEntry.objects.get(object_id=conclusion.pk, content_type__model="conclusion")
    assert (notice.number, notice.number_seq) == (conclusion.number, 1)
    assert notice.issued_on == timezone.localdate(later) and notice.registered_by == people.inspection_chair
    assert notice.issuer == f"dept:{t.ubkt.pk}" and notice.recipients == t.muong_ang.name
    # Receipts: dated when they arrived, each first in its unit's register of the year.
    arrivals = {row.unit: row for row in IncomingEntry.objects.all()}
    assert (arrivals[t.tuan_giao].arrival_number, arrivals[t.muong_ang].arrival_number) == (1, 1)
    assert arrivals[t.muong_ang].arrived_at == assignment_of(plan, t.muong_ang).received_at
    assert timezone.localdate(arrivals[t.muong_ang].arrived_at) == timezone.localdate(later)
    assert arrivals[t.muong_ang].document_number == plan.number
    assert arrivals[t.muong_ang].document_date == timezone.localdate(issued_on)


def test_the_rows_are_written_in_number_order(people, before_registers):
    """Drafted first, second, third but issued third, first, second: the register's rows follow the numbers."""
    with before_registers():
        first, second, third = (approved_plan(people, subject=f"Kế hoạch số {n}") for n in (1, 2, 3))
        for plan in (third, first, second):
            plan_services.plan_issue(plan=plan, by=people.clerk)
    run()
    rows = list(OutgoingEntry.objects.order_by("pk").values_list("object_id", "number_seq"))
    assert rows == [(third.pk, 1), (first.pk, 2), (second.pk, 3)]


def test_receipts_are_numbered_in_the_order_they_arrived(people, before_registers):
    t = people.tree
    with before_registers():
        plans = [issued_plan(people, recipients=[t.muong_ang]) for _ in range(3)]
        for plan in (plans[2], plans[0], plans[1]):
            receive(plan, t.muong_ang, people.muong_ang_officer)
    run()
    rows = list(IncomingEntry.objects.order_by("arrival_number").values_list("document_number", "arrival_number"))
    assert rows == [(plans[2].number, 1), (plans[0].number, 2), (plans[1].number, 3)]


# --- idempotent, and what is there stays ---------------------------------------------------------


def test_a_second_run_writes_nothing(people, before_registers):
    with before_registers():
        plan = issued_plan(people, recipients=[people.tree.muong_ang])
        receive(plan, people.tree.muong_ang, people.muong_ang_officer)
    assert run() == ("1 outgoing, 1 incoming rows written", "")
    outgoing, incoming = outgoing_rows(), incoming_rows()
    registered_at = list(OutgoingEntry.objects.values_list("pk", "registered_at"))
    sequences = list(DocumentSequence.objects.order_by("scope").values_list("scope", "last_number"))

    assert run() == ("0 outgoing, 0 incoming rows written", "")
    assert outgoing_rows() == outgoing and incoming_rows() == incoming
    assert list(OutgoingEntry.objects.values_list("pk", "registered_at")) == registered_at
    assert list(DocumentSequence.objects.order_by("scope").values_list("scope", "last_number")) == sequences


def test_documents_that_have_their_rows_are_untouched(people, before_registers):
    t = people.tree
    with before_registers():
        old = issued_plan(people, recipients=[t.muong_ang])
        receive(old, t.muong_ang, people.muong_ang_officer)
    new = issued_plan(people, recipients=[t.muong_ang])  # issued since the registers: its rows are written
    receive(new, t.muong_ang, people.muong_ang_officer)
    kept_out = OutgoingEntry.objects.get()
    kept_in = IncomingEntry.objects.get()
    before = (model_to_dict(kept_out), model_to_dict(kept_in))

    assert run() == ("1 outgoing, 1 incoming rows written", "")
    assert (model_to_dict(reload(kept_out)), model_to_dict(reload(kept_in))) == before
    assert OutgoingEntry.objects.filter(object_id=old.pk, number=reload(old).number).exists()
    # The receipt of before comes after the one registered since in the unit's register of the year.
    assert reload(kept_in).arrival_number == 1
    assert IncomingEntry.objects.exclude(pk=kept_in.pk).get().arrival_number == 2


def test_a_dry_run_counts_and_writes_nothing(people, before_registers):
    with before_registers():
        plan = issued_plan(people, recipients=[people.tree.muong_ang])
        receive(plan, people.tree.muong_ang, people.muong_ang_officer)
    sequences = list(DocumentSequence.objects.values_list("scope", "last_number"))
    assert run("--dry-run") == ("1 outgoing, 1 incoming rows would be written", "")
    assert not OutgoingEntry.objects.exists() and not IncomingEntry.objects.exists()
    assert list(DocumentSequence.objects.values_list("scope", "last_number")) == sequences


# --- the sequences go on ----------------------------------------------------------------------------


def test_the_numbering_of_new_documents_continues_gap_free_after_the_backfill(people, before_registers):
    t = people.tree
    with before_registers():
        old = [issued_plan(people, recipients=[t.muong_ang]) for _ in range(2)]
        for plan in old:
            receive(plan, t.muong_ang, people.muong_ang_officer)
    run()
    new = issued_plan(people, recipients=[t.muong_ang])
    receive(new, t.muong_ang, people.muong_ang_officer)

    assert reload(new).number_seq == 3  # the backfill took no number from the sequence
    assert list(OutgoingEntry.objects.order_by("number_seq").values_list("number_seq", flat=True)) == [1, 2, 3]
    assert OutgoingEntry.objects.get(number_seq=3).document == reload(new)
    assert list(IncomingEntry.objects.order_by("arrival_number").values_list("arrival_number", flat=True)) == [1, 2, 3]
    assert IncomingEntry.objects.get(arrival_number=3).document_number == reload(new).number


# --- what cannot be registered is named, and nothing else is stopped -----------------------------


def test_a_number_the_sequences_did_not_give_is_named_and_not_registered(people, before_registers):
    with before_registers():
        outside, ahead, fine = (issued_plan(people, recipients=[people.tree.muong_ang]) for _ in range(3))
    # Imported from elsewhere (no place in a sequence); and a place the sequence has not reached.
    Plan.objects.filter(pk=outside.pk).update(number_seq=None, number_scope="")
    Plan.objects.filter(pk=ahead.pk).update(number_seq=9)

    out, err = run()
    assert out.startswith("1 outgoing, 0 incoming rows written")
    assert f"plans.plan {outside.pk} ({outside.number}): numbered outside the sequences" in err
    assert f"plans.plan {ahead.pk} ({ahead.number}): number 9 is ahead of its sequence" in err
    assert list(OutgoingEntry.objects.values_list("object_id", flat=True)) == [fine.pk]
    # The next issue takes the sequence's next place, which no row of the backfill holds.
    assert reload(issued_plan(people, recipients=[people.tree.muong_ang])).number_seq == 4
    assert OutgoingEntry.objects.count() == 2


def test_a_receipt_keeps_its_own_date_in_a_past_years_register(people, before_registers):
    """A receipt of last year goes to last year's register, whatever day the backfill runs."""
    year = timezone.localdate().year + 1  # the people's positions start today
    with before_registers(), time_machine.travel(datetime.datetime(year, 12, 31, 3, tzinfo=datetime.UTC)):
        plan = issued_plan(people, recipients=[people.tree.muong_ang])
        receive(plan, people.tree.muong_ang, people.muong_ang_officer)
    with time_machine.travel(datetime.datetime(year + 1, 1, 5, 3, tzinfo=datetime.UTC)):
        new_year = issued_plan(people, recipients=[people.tree.muong_ang])
        receive(new_year, people.tree.muong_ang, people.muong_ang_officer)  # registered: 1 of the new year
        run()
    rows = list(IncomingEntry.objects.order_by("arrived_at").values_list("year", "arrival_number", "document_number"))
    assert rows == [(year, 1, reload(plan).number), (year + 1, 1, reload(new_year).number)]
    assert timezone.localdate(IncomingEntry.objects.get(year=year).arrived_at) == datetime.date(year, 12, 31)
