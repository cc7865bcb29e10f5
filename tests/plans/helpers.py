"""Walk a plan through its approval with the named people of conftest."""

import datetime

from django.utils import timezone

from accounts.models import Role
from accounts.services import position_create
from plans import services
from plans.models import Assignment
from tests.factories import UserFactory


def draft_plan(people, recipients=None, **fields):
    t = people.tree
    values = {
        "subject": "Kế hoạch tổ chức Tháng Thanh niên năm 2024",
        "report_due": timezone.now() + datetime.timedelta(days=30),
        "department": t.xdd,
        **fields,
    }
    return services.plan_create(
        by=people.province_officer, issuing_unit=t.province,
        recipients=t.districts if recipients is None else recipients, **values,
    )


def approved_plan(people, **kwargs):
    plan = draft_plan(people, **kwargs)
    services.plan_submit(plan=plan, by=people.province_officer)
    services.plan_review(plan=plan, by=people.department_head)
    return services.plan_approve(plan=plan, by=people.province_leader)


def issued_plan(people, **kwargs):
    plan = approved_plan(people, **kwargs)
    return services.plan_issue(plan=plan, by=people.clerk)


def assignment_of(plan, unit) -> Assignment:
    return Assignment.objects.get(plan=plan, unit=unit)


def implementing_draft(people, parent, communes):
    """Mường Ảng receives its assignment of `parent` and drafts the plan that passes it on to
    `communes`. Returns the draft and the district's clerk, who numbers it."""
    t = people.tree
    clerk = UserFactory(username="hdma.vanthu")
    position_create(user=clerk, unit=t.muong_ang, role=Role.CLERK)
    t.muong_ang.document_code = "HĐMA"
    t.muong_ang.save()
    assignment = parent.assignments.get(unit=t.muong_ang)
    services.assignment_receive(assignment=assignment, by=people.muong_ang_officer)
    child = services.plan_create(by=people.muong_ang_officer, issuing_unit=t.muong_ang, parent_assignment=assignment,
                                 subject="Kế hoạch triển khai của Huyện đoàn Mường Ảng",
                                 report_due=parent.report_due, recipients=communes)
    return child, clerk
