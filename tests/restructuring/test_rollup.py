"""Figures as they were, or rolled up into today's tree: the work a merged unit did counts for
the unit that carries its work today when the person asks for it (gồm cả đơn vị đã sáp nhập)."""

import datetime

import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from accounts import lineage
from accounts.models import Unit
from dashboards import ontime, selectors
from plans import services as plan_services
from restructuring import services
from tests.plans.helpers import assignment_of, issued_plan


def _accepted(staff, plan, unit):
    assignment = assignment_of(plan, unit)
    plan_services.assignment_receive(assignment=assignment, by=staff.muong_ang_officer
                                     if unit == staff.tree.muong_ang else staff.tuan_giao_officer)
    plan_services.assignment_report(assignment=assignment, by=assignment.unit.positions.first().user, text="Xong.")
    plan_services.assignment_accept(assignment=assignment, by=staff.province_officer)


def _rows(staff):
    today = timezone.localdate()
    return selectors.on_time_rows(staff.province_officer, unit=staff.tree.province,
                                  start=today.replace(month=1, day=1), end=today.replace(year=today.year + 1))


def test_the_on_time_table_as_it_was_and_rolled_up(staff, client):
    t = staff.tree
    plan = issued_plan(staff, recipients=[t.muong_ang, t.tuan_giao])
    _accepted(staff, plan, t.muong_ang)  # closed work: it stays with Mường Ảng
    services.merge([t.muong_ang, t.tuan_giao], into=t.tuan_giao, effective_on=timezone.localdate(),
                   decision="7-QĐ/TĐTN").apply(by=staff.province_leader)
    now = timezone.now()

    as_it_was = ontime.on_time_frame(_rows(staff), now)
    assert set(as_it_was["code"]) == {"HDMA", "HDTG"} and list(as_it_was["due"]) == [1, 1]
    rolled = ontime.on_time_frame(_rows(staff), now, rolled_up=True)
    assert list(rolled["code"]) == ["HDTG"] and int(rolled["due"].iloc[0]) == 2
    assert int(rolled["on_time"].iloc[0]) == 1

    client.force_login(staff.province_officer)
    period = {"date_to": timezone.localdate().replace(year=timezone.localdate().year + 1).strftime("%d/%m/%Y")}
    page = client.get("/tong-hop/dung-han/", {**period, "rolled_up": "on"})
    assert [row["code"] for row in page.context["rows"]] == ["HDTG"]
    page = client.get("/tong-hop/dung-han/", period)
    assert {row["code"] for row in page.context["rows"]} == {"HDMA", "HDTG"}


def test_today_of_follows_the_successors_to_an_active_unit(staff):
    t = staff.tree
    third = next(d for d in t.districts if d.pk not in (t.muong_ang.pk, t.tuan_giao.pk))
    day = timezone.localdate()
    services.merge([t.muong_ang, t.tuan_giao], into=t.tuan_giao, effective_on=day, decision="1").apply(
        by=staff.province_leader)
    services.merge([Unit.objects.get(pk=t.tuan_giao.pk), third], into=third, effective_on=day, decision="2").apply(
        by=staff.province_leader)
    found = lineage.today_of({t.muong_ang.pk, t.tuan_giao.pk, third.pk})
    assert {k: v[1] for k, v in found.items()} == {t.muong_ang.pk: third.code, t.tuan_giao.pk: third.code}


def test_indicator_results_as_they_were_and_rolled_up(staff, client):
    from plans.indicators.summary import plan_indicator_summary
    from tests.plans.indicators.helpers import add_indicator, put

    t = staff.tree
    plan = issued_plan(staff, recipients=[t.muong_ang, t.tuan_giao])
    blood = add_indicator(plan, "4c", target=1000, unit_of_measure="đơn vị máu")
    shares = add_indicator(plan, "1b", kind="percent", aggregate="ratio_of_sums", target=50)
    put(blood, t.muong_ang, staff.muong_ang_officer, value=1200)
    put(blood, t.tuan_giao, staff.tuan_giao_officer, value=300)
    put(shares, t.muong_ang, staff.muong_ang_officer, numerator=10, denominator=40)
    put(shares, t.tuan_giao, staff.tuan_giao_officer, numerator=30, denominator=40)
    _accepted(staff, plan, t.muong_ang)  # Mường Ảng's work is done and stays its own
    services.merge([t.muong_ang, t.tuan_giao], into=t.tuan_giao, effective_on=timezone.localdate(),
                   decision="8-QĐ/TĐTN").apply(by=staff.province_leader)

    as_it_was = plan_indicator_summary(plan)
    rolled = plan_indicator_summary(plan, rolled_up=True)
    assert list(as_it_was.recipients["code"]) == ["HDMA", "HDTG"] and list(rolled.recipients["code"]) == ["HDTG"]
    per_unit = rolled.units.set_index(["indicator_id", "unit_id"])
    assert per_unit.loc[(blood.pk, t.tuan_giao.pk), "value"] == 1500
    assert per_unit.loc[(shares.pk, t.tuan_giao.pk), "unit_result"] == 50  # Σ numerators ÷ Σ denominators
    # The province's result is the same either way: the same figures, grouped differently.
    for summary in (as_it_was, rolled):
        results = summary.indicators.set_index("code")["result"]
        assert results["4c"] == 1500 and results["1b"] == 50

    client.force_login(staff.province_officer)
    page = client.get(f"/ke-hoach/{plan.pk}/chi-tieu/ket-qua/", {"gop": "1"})
    assert page.status_code == 200 and page.context["rolled_up"]
    assert [row["code"] for row in page.context["ranking"]] == ["HDTG"]


def test_the_units_by_plans_matrix_as_it_was_and_rolled_up(staff, client):
    t = staff.tree
    plan = issued_plan(staff, recipients=[t.muong_ang, t.tuan_giao])
    _accepted(staff, plan, t.muong_ang)
    services.merge([t.muong_ang, t.tuan_giao], into=t.tuan_giao, effective_on=timezone.localdate(),
                   decision="11-QĐ/TĐTN").apply(by=staff.province_leader)
    client.force_login(staff.province_officer)
    period = {"date_to": timezone.localdate().replace(year=timezone.localdate().year + 1).strftime("%d/%m/%Y")}
    as_it_was = client.get("/tong-hop/ma-tran/", period).context["matrix"]
    assert [row.code for row in as_it_was.rows] == ["HDMA", "HDTG"]
    rolled = client.get("/tong-hop/ma-tran/", {**period, "rolled_up": "on"}).context["matrix"]
    assert [row.code for row in rolled.rows] == ["HDTG"]
    # Both had the plan: the cell is Tuần Giáo's own assignment, still tracked.
    assert rolled.rows[0].cells[0].assignment_id == assignment_of(plan, t.tuan_giao).pk


def test_overdue_now_lists_an_ended_units_work_as_it_was_or_under_its_successor(staff, client):
    t = staff.tree
    third = next(d for d in t.districts if d.pk not in (t.muong_ang.pk, t.tuan_giao.pk))
    plan = issued_plan(staff, recipients=[t.muong_ang, t.tuan_giao, third])
    with time_machine.travel(plan.report_due + datetime.timedelta(days=10), tick=False):
        services.merge([t.muong_ang, t.tuan_giao], into=t.tuan_giao, effective_on=timezone.localdate(),
                       decision="12-QĐ/TĐTN").apply(by=staff.province_leader)
        client.force_login(staff.province_officer)
        as_it_was = client.get(reverse("dashboards:overview"))
        rolled = client.get(reverse("dashboards:overview"), {"rolled_up": "on"})
    assert {g["code"]: len(g["rows"]) for g in as_it_was.context["units"]} == {"HDMA": 1, "HDTG": 1, third.code: 1}
    assert {g["code"]: len(g["rows"]) for g in rolled.context["units"]} == {"HDTG": 2, third.code: 1}
    # Rolled up, the row still says whose work it was.
    assert 'data-from-unit="HDMA"' in rolled.content.decode()
    assert 'data-from-unit' not in as_it_was.content.decode()
    assert rolled.context["overdue_total"] == as_it_was.context["overdue_total"] == 3


def test_a_units_work_rolled_up_adds_the_work_of_the_units_it_took_over(staff, client):
    t = staff.tree
    third = next(d for d in t.districts if d.pk not in (t.muong_ang.pk, t.tuan_giao.pk))
    plan = issued_plan(staff, recipients=[t.muong_ang, t.tuan_giao, third])
    _accepted(staff, plan, t.muong_ang)  # closed: it stays Mường Ảng's
    day = timezone.localdate()
    services.merge([t.muong_ang, t.tuan_giao], into=t.tuan_giao, effective_on=day, decision="13").apply(
        by=staff.province_leader)
    client.force_login(staff.province_officer)
    url = reverse("dashboards:unit-work")

    def page(**extra):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url, {"unit": t.tuan_giao.pk, "year": plan.report_due.year, **extra})
        return response, len(queries)

    as_it_was, _ = page()
    rolled, one_absorbed = page(rolled_up="on")
    assert as_it_was.context["total"] == 1 and rolled.context["total"] == 2
    done = [item for item in rolled.context["done"]]
    assert [item.unit_name for item in done] == [t.muong_ang.name]
    assert f'data-from-unit="{t.muong_ang.pk}"' in rolled.content.decode()
    # Another unit merged in: one more item, the same queries.
    services.merge([Unit.objects.get(pk=t.tuan_giao.pk), third], into=t.tuan_giao, effective_on=day,
                   decision="14").apply(by=staff.province_leader)
    rolled, two_absorbed = page(rolled_up="on")
    assert rolled.context["total"] == 3 and two_absorbed == one_absorbed
