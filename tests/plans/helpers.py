"""Walk a plan through its approval with the named people of conftest."""

import datetime

from django.utils import timezone

from plans import services
from plans.models import Assignment


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
