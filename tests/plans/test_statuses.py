"""Statuses that tell the truth (issue 11, defects 5 and 6): DESIGN.md §7's four groups, where
"done" means accepted by the issuer; a sent report is "awaiting review", a returned one "returned,
to report again" with the reviewer's comment, on every screen, in the API and in the notices."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Position, Role
from accounts.services import position_create
from notifications.models import Notification, NotificationKind
from plans import selectors, services
from tests.factories import UserFactory
from tests.helpers import at, html, reload
from tests.plans.helpers import assignment_of, issued_plan

pytestmark = pytest.mark.django_db

ISSUED = at(2025, 3, 3, 9, 0)
DUE = at(2025, 3, 14, 17, 0)  # a Friday
READ = at(2025, 3, 19, 9, 0)
COMMENT = "Thiếu số liệu của các xã vùng cao."


def officer_of(unit):
    user = UserFactory(username=f"{unit.code.lower()}.cb", full_name=f"Cán bộ {unit.name}")
    position_create(user=user, unit=unit, role=Role.OFFICER)
    Position.objects.filter(user=user).update(valid_from=datetime.date(2020, 1, 1))
    return user


def _at(moment, action, **kwargs):
    with time_machine.travel(moment, tick=False):
        return action(**kwargs)


def four_groups_plan(staff):
    """A plan of six districts as the province reads it on Wed 19/3, its deadline Fri 14/3 17:00.

    on_time      reported 10/3, accepted 11/3          → done on time
    late         reported 17/3, accepted 18/3          → done late
    waiting      reported 12/3, not reviewed yet       → awaiting review
    silent       received, never reported              → overdue
    returned     reported 12/3, returned 13/3          → returned, overdue
    unreceived   never even confirmed receipt          → overdue
    """
    districts = staff.tree.districts[:6]
    with time_machine.travel(ISSUED, tick=False):
        plan = issued_plan(staff, recipients=districts, report_due=DUE)
    names = ("on_time", "late", "waiting", "silent", "returned", "unreceived")
    units = dict(zip(names, districts, strict=True))
    reviewer = staff.province_officer
    for name, unit in units.items():
        if name == "unreceived":
            continue
        assignment, officer = assignment_of(plan, unit), officer_of(unit)
        _at(at(2025, 3, 5, 9, 0), services.assignment_receive, assignment=assignment, by=officer)
        sent = {"on_time": at(2025, 3, 10, 9, 0), "late": at(2025, 3, 17, 9, 0),
                "waiting": at(2025, 3, 12, 9, 0), "returned": at(2025, 3, 12, 9, 0)}.get(name)
        if sent is None:
            continue
        _at(sent, services.assignment_report, assignment=assignment, by=officer, text="Đã thực hiện.")
        if name in ("on_time", "late"):
            _at(sent + datetime.timedelta(days=1), services.assignment_accept, assignment=assignment, by=reviewer)
        if name == "returned":
            _at(at(2025, 3, 13, 9, 0), services.assignment_return, assignment=assignment, by=reviewer,
                comment=COMMENT)
    return plan, units


EXPECTED = {"on_time": "done", "late": "done-late", "waiting": "awaiting-review", "silent": "overdue",
            "returned": "returned-overdue", "unreceived": "overdue"}


def test_the_status_groups_on_a_plan_with_on_time_late_awaiting_review_and_overdue_assignments(client, staff):
    plan, units = four_groups_plan(staff)

    found = {name: selectors.due_class(assignment_of(plan, unit), READ) for name, unit in units.items()}
    assert found == EXPECTED
    groups = {name: selectors.STATUS_GROUPS[status] for name, status in found.items()}
    assert groups == {"on_time": "on-time", "late": "late", "waiting": "awaiting-review", "silent": "overdue",
                      "returned": "overdue", "unreceived": "overdue"}

    client.force_login(staff.province_officer)
    with time_machine.travel(READ, tick=False):
        body = html(client.get(reverse("plans:detail", args=[plan.pk])))
        progress = client.get(f"/api/plans/{plan.pk}/progress/").json()
    for name, unit in units.items():
        assert f'data-unit="{unit.code}" data-status="{EXPECTED[name]}"' in body, name
    # The legend counts exactly the rows under it: one done on time, one late, none in progress,
    # three overdue; the report awaiting review is counted apart, never as done.
    for group, count in (("on-time", 1), ("late", 1), ("in-progress", 0), ("overdue", 3), ("awaiting-review", 1)):
        assert f'data-group="{group}" data-count="{count}"' in body, group
    assert {row["unit"]["code"]: row["due_class"] for row in progress["assignments"]} == {
        unit.code: EXPECTED[name] for name, unit in units.items()}


def test_a_report_sent_is_awaiting_review_for_the_district_until_the_province_accepts(client, staff):
    t = staff.tree
    plan = issued_plan(staff, recipients=[t.muong_ang])
    mine = assignment_of(plan, t.muong_ang)
    services.assignment_receive(assignment=mine, by=staff.muong_ang_officer)
    services.assignment_report(assignment=mine, by=staff.muong_ang_officer, text="Đã tổ chức 12 hoạt động.")

    client.force_login(staff.muong_ang_officer)
    page = html(client.get(reverse("plans:assignment", args=[mine.pk])))
    assert 'data-status="awaiting-review"' in page and 'data-status="done"' not in page
    own_row = html(client.get(reverse("plans:detail", args=[plan.pk])))
    assert f'data-unit="{t.muong_ang.code}" data-status="awaiting-review"' in own_row

    services.assignment_accept(assignment=mine, by=staff.province_officer)
    assert 'data-status="done"' in html(client.get(reverse("plans:assignment", args=[mine.pk])))


def test_the_province_counts_no_report_as_done_before_accepting_it(client, staff):
    t = staff.tree
    plan = issued_plan(staff, recipients=[t.muong_ang, t.tuan_giao])
    for unit, officer in ((t.muong_ang, staff.muong_ang_officer), (t.tuan_giao, staff.tuan_giao_officer)):
        assignment = assignment_of(plan, unit)
        services.assignment_receive(assignment=assignment, by=officer)
        services.assignment_report(assignment=assignment, by=officer, text="Xong")

    client.force_login(staff.province_officer)
    body = html(client.get(reverse("plans:detail", args=[plan.pk])))
    assert 'data-group="on-time" data-count="0"' in body
    assert 'data-group="awaiting-review" data-count="2"' in body


# -- a returned report (defect 6) ------------------------------------------------------------------

@pytest.fixture
def returned(staff):
    t = staff.tree
    plan = issued_plan(staff, recipients=[t.muong_ang, t.tuan_giao])
    mine = assignment_of(plan, t.muong_ang)
    services.assignment_receive(assignment=mine, by=staff.muong_ang_officer)
    services.assignment_report(assignment=mine, by=staff.muong_ang_officer, text="Đã tổ chức 12 hoạt động.")
    services.assignment_return(assignment=mine, by=staff.province_officer, comment=COMMENT)
    return plan, mine


def test_a_returned_report_is_returned_to_report_again_not_in_progress(returned):
    mine = reload(returned[1])
    assert selectors.due_class(mine) == "returned"
    assert selectors.due_class(mine, mine.report_due + datetime.timedelta(hours=1)) == "returned-overdue"
    assert selectors.STATUS_GROUPS["returned"] == "in-progress"


def test_the_assignment_page_shows_the_return_and_the_reviewers_comment_to_both_sides(client, staff, returned):
    _plan, mine = returned
    for person in (staff.muong_ang_officer, staff.province_officer):
        client.force_login(person)
        page = html(client.get(reverse("plans:assignment", args=[mine.pk])))
        notice = page[page.index("data-returned"):]
        notice = notice[:notice.index("</section>")]
        assert COMMENT in notice and staff.province_officer.get_full_name() in notice, person
        assert 'data-status="returned"' in page


def test_the_plans_progress_row_shows_the_return_with_its_comment(client, staff, returned):
    plan, mine = returned
    client.force_login(staff.province_officer)
    body = html(client.get(reverse("plans:detail", args=[plan.pk])))
    row = body[body.index(f'data-unit="{mine.unit.code}" data-status="returned"'):]
    row = row[:row.index("</tr>")]
    assert COMMENT in row and "return-comment" in row


def test_the_inbox_card_of_a_returned_report_says_returned(client, staff, returned):
    client.force_login(staff.muong_ang_officer)
    body = html(client.get(reverse("workflows:inbox")))
    card = body[body.index('data-task="report"'):]
    card = card[:card.index("</li>")]
    assert 'data-status="returned"' in card


def test_every_notice_of_a_returned_report_carries_the_reviewers_comment(client, staff):
    """The submitter's "your report was returned" notice had it; the "report the results" notice
    the return sends the whole unit, on top of the list, did not."""
    t = staff.tree
    plan = issued_plan(staff, recipients=[t.muong_ang])
    mine = assignment_of(plan, t.muong_ang)
    client.force_login(staff.muong_ang_officer)
    client.post(reverse("plans:assignment-action", args=[mine.pk, "receive"]))
    client.post(reverse("plans:assignment-report", args=[mine.pk]), {"text": "Đã tổ chức 12 hoạt động."})
    before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()

    client.force_login(staff.province_officer)
    client.post(reverse("plans:assignment-action", args=[mine.pk, "return"]), {"comment": COMMENT})

    notices = list(Notification.objects.filter(pk__gt=before))
    told = {n.recipient_id for n in notices}
    assert told == {staff.muong_ang_officer.pk, staff.muong_ang_secretary.pk}
    assert {n.kind for n in notices if n.recipient_id == staff.muong_ang_officer.pk} >= {NotificationKind.RETURNED}
    assert all(COMMENT in n.body for n in notices), [(n.kind, n.body) for n in notices]


def test_a_second_return_tells_only_its_own_comment(staff):
    t = staff.tree
    plan = issued_plan(staff, recipients=[t.muong_ang])
    mine = assignment_of(plan, t.muong_ang)
    services.assignment_receive(assignment=mine, by=staff.muong_ang_officer)
    for comment in ("Lần 1: thiếu số liệu.", "Lần 2: thiếu ảnh minh chứng."):
        services.assignment_report(assignment=mine, by=staff.muong_ang_officer, text="Báo cáo.")
        before = Notification.objects.order_by("-pk").values_list("pk", flat=True).first()
        services.assignment_return(assignment=mine, by=staff.province_officer, comment=comment)
    task = Notification.objects.filter(pk__gt=before, kind=NotificationKind.TASK,
                                       recipient=staff.muong_ang_secretary).get()
    assert "Lần 2" in task.body and "Lần 1" not in task.body
