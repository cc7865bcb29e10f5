"""Vietnamese working days around Tết 2025 and 2026, 30/4–1/5 and 2/9, with make-up days."""

import datetime

import pytest

from workflows.calendar import add_working_days, deadline_after, is_working_day, working_days_between
from workflows.models import CalendarException

pytestmark = pytest.mark.django_db
D = datetime.date


@pytest.mark.parametrize("day", [D(2025, 1, 27), D(2025, 1, 29), D(2025, 1, 31), D(2026, 2, 16), D(2026, 2, 20)])
def test_tet_days_are_off(day):
    assert not is_working_day(day)


def test_tet_2025_pushes_a_deadline_past_the_holiday():
    # Friday 24/01/2025 + 1 working day: 27/01–31/01 is Tết, then the weekend.
    assert add_working_days(D(2025, 1, 24), 1) == D(2025, 2, 3)


def test_tet_2026():
    # Friday 13/02/2026: Tết runs Monday 16 to Friday 20.
    assert add_working_days(D(2026, 2, 13), 1) == D(2026, 2, 23)
    assert working_days_between(D(2026, 2, 13), D(2026, 2, 27)) == 5


def test_reunification_and_labour_day_2025_with_the_substitute():
    # 30/4 Wed, 1/5 Thu, 2/5 Fri (swapped with Saturday 26/4): Tuesday 29/4 + 1 = Monday 5/5.
    assert add_working_days(D(2025, 4, 29), 1) == D(2025, 5, 5)


def test_a_make_up_saturday_counts_as_a_working_day():
    assert not is_working_day(D(2025, 4, 26))
    CalendarException.objects.create(date=D(2025, 4, 26), is_working_day=True, note="Làm bù cho ngày 02/5")
    assert is_working_day(D(2025, 4, 26))
    assert add_working_days(D(2025, 4, 25), 1) == D(2025, 4, 26)


def test_national_day_2026():
    # 2/9/2026 is a Wednesday; 31/8 (substitute), 1/9 and 2/9 are off.
    assert add_working_days(D(2026, 8, 28), 1) == D(2026, 9, 3)


def test_an_extra_day_off_from_the_admin():
    CalendarException.objects.create(date=D(2026, 6, 10), is_working_day=False, note="Nghỉ bầu cử")
    assert add_working_days(D(2026, 6, 9), 1) == D(2026, 6, 11)


def test_weekends_are_off_and_start_never_counts():
    assert add_working_days(D(2026, 11, 20), 1) == D(2026, 11, 23)  # Friday → Monday
    assert working_days_between(D(2026, 11, 23), D(2026, 11, 23)) == 0


def test_a_deadline_ends_at_office_closing_time_local():
    from zoneinfo import ZoneInfo

    friday_evening = datetime.datetime(2026, 11, 20, 20, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))
    due = deadline_after(friday_evening, 3)
    # Mon 23, Tue 24 is Vietnam Cultural Day in the holidays package, Wed 25, Thu 26.
    assert due.astimezone(ZoneInfo("Asia/Ho_Chi_Minh")) == datetime.datetime(
        2026, 11, 26, 17, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def test_issuing_gives_three_working_days_to_confirm_receipt(people):
    import time_machine

    from plans import services
    from tests.plans.helpers import approved_plan

    plan = approved_plan(people, recipients=[people.tree.muong_ang])
    with time_machine.travel(datetime.datetime(2026, 2, 12, 9, 0, tzinfo=datetime.UTC)):  # Thursday before Tết
        services.plan_issue(plan=plan, by=people.clerk)
    due = plan.assignments.get().receipt_due
    assert due.date() == D(2026, 2, 24)  # Fri 13, [Tết 16–20], Mon 23, Tue 24


def test_a_zero_or_negative_count_is_refused():
    with pytest.raises(ValueError):
        add_working_days(D(2026, 1, 5), 0)
