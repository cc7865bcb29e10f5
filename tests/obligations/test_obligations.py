"""Periodic report obligations: a schedule issues one report request (YCBC) per period, on time,
through the plans' own approval steps, however often the beat runs."""

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from accounts.models import UnitLevel
from core.transitions import history_of
from obligations import services, tasks
from obligations.models import Frequency, ReportSchedule, ScheduleRun
from obligations.periods import Series
from plans.models import Plan, PlanKind, PlanState
from tests.helpers import at

pytestmark = pytest.mark.django_db
def schedule_for(people, **fields) -> ReportSchedule:
    t = people.tree
    values = {
        "name": "Báo cáo công tác Đoàn",
        "issuing_unit": t.province,
        "department": t.xdd,
        "recipient_level": UnitLevel.objects.get(code="district"),
        "frequency": Frequency.MONTHLY,
        "cutoff_day": 31,
        "lead_days": 0,
        "submission_day": 3,
        "subject_template": "Báo cáo công tác Đoàn {period}",
        "body": "Số liệu {period}.",
        "reviewed_by": people.department_head,
        "approved_by": people.province_leader,
        "issued_by": people.clerk,
        **fields,
    }
    schedule = ReportSchedule(**values)
    schedule.full_clean()
    schedule.save()
    return schedule


def generate_at(moment):
    with time_machine.travel(moment, tick=False):
        return services.generate_due()


def requests():
    return Plan.objects.filter(kind=PlanKind.REPORT_REQUEST)


# -- month and quarter boundaries ---------------------------------------------------------------

def test_the_january_request_is_made_once_across_the_month_boundary(staff):
    schedule = schedule_for(staff)
    assert generate_at(at(2025, 1, 30, 23, 59)) == []

    made = generate_at(at(2025, 1, 31, 0, 0))
    again = generate_at(at(2025, 1, 31, 16, 0))
    next_morning = generate_at(at(2025, 2, 1, 8, 0))

    assert len(made) == 1 and again == [] and next_morning == []
    plan = requests().get()
    assert plan.subject == "Báo cáo công tác Đoàn tháng 1/2025"
    assert plan.body == "Số liệu tháng 1/2025."
    assert (plan.period_start, plan.period_end) == (datetime.date(2025, 1, 1), datetime.date(2025, 1, 31))
    # 31/01 is the third day of Tết: the three working days after the cut-off are 3, 4 and 5 February.
    assert plan.report_due == at(2025, 2, 5, 17, 0)
    assert plan.state == PlanState.ISSUED and plan.number.endswith("-YCBC/TĐTN-XDĐ")
    assert ScheduleRun.objects.get(schedule=schedule).period_key == "2025-M01"
    assert made[0].plan == plan


def test_february_is_requested_at_its_own_cut_off(staff):
    schedule_for(staff)
    generate_at(at(2025, 1, 31, 9, 0))
    assert generate_at(at(2025, 2, 27, 23, 0)) == []

    made = generate_at(at(2025, 2, 28, 0, 5))

    assert [run.period_key for run in made] == ["2025-M02"]
    assert list(requests().order_by("period_end").values_list("subject", flat=True)) == [
        "Báo cáo công tác Đoàn tháng 1/2025", "Báo cáo công tác Đoàn tháng 2/2025"]


def test_the_first_quarter_request_goes_to_every_district_once(staff):
    schedule_for(staff, frequency=Frequency.QUARTERLY, subject_template="Báo cáo giao ban {period}")
    for moment in (at(2025, 3, 31, 0, 1), at(2025, 3, 31, 23, 59), at(2025, 4, 1, 7, 30)):
        generate_at(moment)

    plan = requests().get()
    assert plan.subject == "Báo cáo giao ban quý I/2025"
    assert (plan.period_start, plan.period_end) == (datetime.date(2025, 1, 1), datetime.date(2025, 3, 31))
    districts = {u.pk for u in staff.tree.districts}
    assert len(districts) == 16
    assert set(plan.assignments.values_list("unit_id", flat=True)) == districts
    assert set(plan.assignments.values_list("report_due", flat=True)) == {at(2025, 4, 3, 17, 0)}


def test_the_decree_09_quarter_runs_from_the_15th_and_is_requested_lead_days_before(staff):
    schedule_for(staff, frequency=Frequency.QUARTERLY, cutoff_day=14, lead_days=7)
    assert generate_at(at(2025, 3, 6, 23, 59)) == []

    generate_at(at(2025, 3, 7, 0, 0))

    plan = requests().get()
    assert plan.subject.endswith("quý I/2025")
    assert (plan.period_start, plan.period_end) == (datetime.date(2024, 12, 15), datetime.date(2025, 3, 14))
    assert plan.report_due == at(2025, 3, 19, 17, 0)  # Mon 17, Tue 18, Wed 19 March


def test_each_step_is_taken_and_logged_in_the_named_persons_name(staff):
    schedule_for(staff)
    generate_at(at(2025, 1, 31, 9, 0))

    steps = [(log.transition, log.by_id) for log in history_of(requests().get())]

    assert steps == [("submit", staff.department_head.pk), ("review", staff.department_head.pk),
                     ("approve", staff.province_leader.pk), ("issue", staff.clerk.pk)]


def test_without_a_department_the_leader_drafts_and_approves(staff):
    schedule_for(staff, department=None, reviewed_by=None)
    generate_at(at(2025, 1, 31, 9, 0))

    plan = requests().get()
    assert [log.transition for log in history_of(plan)] == ["submit", "approve", "issue"]
    assert plan.created_by == staff.province_leader and plan.number.endswith("-YCBC/TĐTN")


# -- once per period ----------------------------------------------------------------------------

def test_two_runs_in_the_same_period_make_one_request(staff):
    schedule_for(staff, frequency=Frequency.YEARLY, cutoff_day=14, lead_days=10)
    first = generate_at(at(2025, 12, 4, 0, 0))
    second = generate_at(at(2025, 12, 4, 0, 15))
    later = generate_at(at(2025, 12, 16, 10, 0))

    assert len(first) == 1 and second == [] and later == []
    assert requests().get().subject == "Báo cáo công tác Đoàn năm 2025"
    assert ScheduleRun.objects.count() == 1


def test_a_period_claimed_by_another_beat_is_left_alone(staff):
    schedule = schedule_for(staff)
    ScheduleRun.objects.create(schedule=schedule, period_key="2025-M01")

    assert generate_at(at(2025, 1, 31, 9, 0)) == []
    assert not requests().exists()


def test_the_celery_task_is_idempotent(staff):
    schedule_for(staff)
    with time_machine.travel(at(2025, 1, 31, 9, 0), tick=False):
        assert tasks.generate_due.delay().get() == 1
        assert tasks.generate_due.delay().get() == 0
    assert requests().count() == 1


def test_a_missed_request_is_still_made_while_its_report_is_not_due(staff):
    schedule_for(staff)
    # The scheduler was down on 31/01: the request comes on 04/02, its report still due 05/02.
    generate_at(at(2025, 2, 4, 10, 0))
    assert requests().get().subject.endswith("tháng 1/2025")


def test_a_request_whose_report_is_already_due_is_not_made(staff):
    schedule_for(staff)
    assert generate_at(at(2025, 2, 6, 10, 0)) == []
    assert not requests().exists()


def test_an_inactive_schedule_generates_nothing(staff):
    schedule_for(staff, active=False)
    assert generate_at(at(2025, 1, 31, 9, 0)) == []
    assert not requests().exists() and not ScheduleRun.objects.exists()


def test_a_schedule_whose_people_lost_their_rights_is_skipped_and_not_claimed(staff):
    schedule = schedule_for(staff)
    # As if the clerk had moved on after the schedule was saved (the admin would refuse it now).
    ReportSchedule.objects.filter(pk=schedule.pk).update(issued_by=staff.province_officer)

    assert generate_at(at(2025, 1, 31, 9, 0)) == []
    assert not requests().exists() and not ScheduleRun.objects.exists()

    ReportSchedule.objects.filter(pk=schedule.pk).update(issued_by=staff.clerk)
    assert len(generate_at(at(2025, 1, 31, 9, 15))) == 1


# -- validation ---------------------------------------------------------------------------------

def test_issued_by_without_the_right_to_issue_is_refused(staff):
    with pytest.raises(ValidationError) as refused:
        schedule_for(staff, issued_by=staff.province_officer)
    assert set(refused.value.message_dict) == {"issued_by"}
    assert not ReportSchedule.objects.exists()


def test_a_recipient_officer_cannot_issue_the_provinces_requests(staff):
    with pytest.raises(ValidationError) as refused:
        schedule_for(staff, issued_by=staff.muong_ang_secretary, approved_by=staff.muong_ang_secretary)
    assert set(refused.value.message_dict) == {"issued_by", "approved_by"}


def test_the_reviewer_must_head_the_department(staff):
    with pytest.raises(ValidationError) as refused:
        schedule_for(staff, reviewed_by=staff.province_officer)
    assert set(refused.value.message_dict) == {"reviewed_by"}
    with pytest.raises(ValidationError) as missing:
        schedule_for(staff, reviewed_by=None)
    assert set(missing.value.message_dict) == {"reviewed_by"}


def test_a_department_of_another_unit_and_a_subject_without_the_period_are_refused(staff):
    from accounts.models import Department

    other = Department.objects.create(unit=staff.tree.muong_ang, code="HDMA-VP", name="Văn phòng",
                                      document_code="VP")
    with pytest.raises(ValidationError) as refused:
        schedule_for(staff, department=other, subject_template="Báo cáo tháng")
    assert {"department", "subject_template"} <= set(refused.value.message_dict)


def test_a_weekly_cut_off_is_a_weekday(staff):
    with pytest.raises(ValidationError) as refused:
        schedule_for(staff, frequency=Frequency.WEEKLY, cutoff_day=14)
    assert set(refused.value.message_dict) == {"cutoff_day"}


def test_a_level_with_no_unit_below_the_issuer_is_refused(staff):
    with pytest.raises(ValidationError) as refused:
        schedule_for(staff, recipient_level=UnitLevel.objects.get(code="province"))
    assert set(refused.value.message_dict) == {"recipient_level"}


# -- periods ------------------------------------------------------------------------------------

def test_weekly_periods_are_iso_weeks_ending_on_the_cut_off_weekday():
    series = Series("weekly", 5)  # Friday
    week = series.covering(datetime.date(2025, 3, 18))
    assert (week.key, week.label) == ("2025-W12", "tuần 12/2025")
    assert (week.start, week.cutoff) == (datetime.date(2025, 3, 15), datetime.date(2025, 3, 21))
    assert series.covering(datetime.date(2025, 3, 22)).key == "2025-W13"
    turn = Series("weekly", 7).covering(datetime.date(2020, 12, 31))
    assert (turn.key, turn.label, Series("weekly", 7).after(turn).key) == ("2020-W53", "tuần 53/2020", "2021-W01")


def test_yearly_and_part_year_periods_follow_decree_09():
    year = Series("yearly", 14).covering(datetime.date(2025, 6, 1))
    assert (year.key, year.label, year.start, year.cutoff) == (
        "2025-Y", "năm 2025", datetime.date(2024, 12, 15), datetime.date(2025, 12, 14))
    assert Series("yearly", 14).covering(datetime.date(2025, 12, 15)).label == "năm 2026"
    first_half = Series("half_yearly", 14).covering(datetime.date(2025, 2, 1))
    assert (first_half.label, first_half.start) == ("6 tháng đầu năm 2025", datetime.date(2024, 12, 15))
    second_half = Series("half_yearly", 14).after(first_half)
    assert (second_half.key, second_half.label, second_half.start) == (
        "2025-H2", "6 tháng cuối năm 2025", datetime.date(2025, 6, 15))
    nine = Series("nine_monthly", 14).covering(datetime.date(2025, 9, 14))
    assert (nine.label, nine.start, nine.cutoff) == (
        "9 tháng năm 2025", datetime.date(2024, 12, 15), datetime.date(2025, 9, 14))
    quarter = Series("quarterly", 14).before(Series("quarterly", 14).covering(datetime.date(2025, 2, 1)))
    assert (quarter.key, quarter.label) == ("2024-Q4", "quý IV/2024")


def test_a_cut_off_past_the_months_end_is_its_last_day():
    february = Series("monthly", 31).covering(datetime.date(2024, 2, 10))
    assert (february.label, february.start, february.cutoff) == (
        "tháng 2/2024", datetime.date(2024, 2, 1), datetime.date(2024, 2, 29))


def test_a_weekly_schedule_issues_the_weeks_request(staff):
    schedule_for(staff, frequency=Frequency.WEEKLY, cutoff_day=5, lead_days=1, submission_day=1)
    generate_at(at(2025, 3, 20, 0, 0))  # Thursday of week 12
    plan = requests().get()
    assert plan.subject == "Báo cáo công tác Đoàn tuần 12/2025"
    assert plan.report_due == at(2025, 3, 24, 17, 0)  # the Monday after the Friday cut-off


# -- the demo -----------------------------------------------------------------------------------

def test_the_demo_quarterly_briefing_is_seeded_once_and_issues_on_schedule(staff):
    from obligations.demo import BRIEFING, demo_obligations_seed

    with time_machine.travel(at(2025, 5, 1, 9, 0), tick=False):  # between two quarters' requests
        demo_obligations_seed()
        demo_obligations_seed()
    assert not requests().exists()
    schedule = ReportSchedule.objects.get()
    assert schedule.name == BRIEFING and schedule.frequency == Frequency.QUARTERLY

    generate_at(at(2025, 6, 7, 6, 0))
    plan = requests().get()
    assert "quý II/2025" in plan.subject
    assert plan.assignments.count() == 16


def test_the_admin_refuses_a_schedule_issued_by_someone_without_the_right(admin_client, staff):
    t = staff.tree
    form = {
        "name": "Báo cáo tháng", "active": "on", "issuing_unit": t.province.pk, "department": "",
        "recipient_level": UnitLevel.objects.get(code="district").pk, "frequency": Frequency.MONTHLY,
        "cutoff_day": 14, "lead_days": 7, "submission_day": 3, "subject_template": "Báo cáo {period}",
        "body": "", "reviewed_by": "", "approved_by": staff.province_leader.pk,
        "issued_by": staff.province_officer.pk,
        "runs-TOTAL_FORMS": 0, "runs-INITIAL_FORMS": 0, "runs-MIN_NUM_FORMS": 0, "runs-MAX_NUM_FORMS": 0,
    }
    refused = admin_client.post(reverse("admin:obligations_reportschedule_add"), form)
    assert refused.status_code == 200 and not ReportSchedule.objects.exists()
    assert set(refused.context["adminform"].form.errors) == {"issued_by"}

    accepted = admin_client.post(reverse("admin:obligations_reportschedule_add"),
                                 {**form, "issued_by": staff.clerk.pk})
    assert accepted.status_code == 302
    schedule = ReportSchedule.objects.get()
    assert admin_client.get(reverse("admin:obligations_reportschedule_change", args=[schedule.pk])).status_code == 200
