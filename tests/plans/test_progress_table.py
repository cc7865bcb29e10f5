"""The plan page's progress rows, built in Python (plans.progress_table): escaped as the template
escaped them, with the return comment's lines, the rollup of the units below, and the column
only the issuer sees."""

import re

import pytest
from django.urls import reverse

from accounts.loading import UnitRow, units_load
from accounts.models import Role, Unit
from accounts.services import position_create
from plans import services
from tests.factories import UserFactory
from tests.helpers import html
from tests.plans.helpers import assignment_of, implementing_draft, issued_plan

pytestmark = pytest.mark.django_db

HOSTILE = 'Đoàn xã <b>Nà</b> "Hỳ" & <script>alert(1)</script>'


def row_of(page, unit) -> str:
    row = page[page.index(f'data-unit="{unit.code}"'):]
    return row[:row.index("</tr>")]


def plan_page(client, user, plan) -> str:
    client.force_login(user)
    return html(client.get(reverse("plans:detail", args=[plan.pk])))


def test_a_units_name_and_a_return_comment_are_escaped_and_the_comment_keeps_its_lines(client, people):
    t = people.tree
    Unit.objects.filter(pk=t.muong_ang.pk).update(name=HOSTILE)
    plan = issued_plan(people)
    mine = assignment_of(plan, t.muong_ang)
    services.assignment_receive(assignment=mine, by=people.muong_ang_officer)
    services.assignment_report(assignment=mine, by=people.muong_ang_officer, text="Đã xong")
    services.assignment_return(assignment=mine, by=people.province_officer,
                               comment='Thiếu số liệu <i>xã</i>\nBổ sung "biên bản"')
    row = row_of(plan_page(client, people.province_officer, plan), t.muong_ang)
    assert "<script>" not in row and "<b>" not in row and "<i>" not in row
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in row and "&amp;" in row
    assert 'Thiếu số liệu &lt;i&gt;xã&lt;/i&gt;<br>Bổ sung &quot;biên bản&quot;' in row
    assert f'href="{reverse("plans:assignment", args=[mine.pk])}"' in row
    assert 'data-status="returned"' in row and 'class="c-state has-comment"' in row


def test_the_issuer_sees_the_units_below_and_a_recipient_sees_no_such_column(client, people):
    t = people.tree
    units_load([UnitRow(line=i + 2, code=f"XMA{i}", name=f"Đoàn xã {i}", level="grassroots",
                        parent_code=t.muong_ang.code) for i in range(3)])
    communes = list(Unit.objects.filter(code__startswith="XMA").order_by("path"))
    parent = issued_plan(people, recipients=[t.muong_ang, t.tuan_giao])
    child, clerk = implementing_draft(people, parent, communes)
    services.plan_submit(plan=child, by=people.muong_ang_officer)
    services.plan_approve(plan=child, by=people.muong_ang_secretary)
    services.plan_issue(plan=child, by=clerk)
    first = assignment_of(child, communes[0])
    officer = UserFactory(username="xma0.canbo")
    position_create(user=officer, unit=communes[0], role=Role.OFFICER)
    services.assignment_receive(assignment=first, by=officer)

    page = plan_page(client, people.province_officer, parent)
    below = re.search(r'<td class="c-rollup" data-label="[^"]+">(.*?)</td>', row_of(page, t.muong_ang)).group(1)
    assert "0/3" in below  # none of the three communes done
    states = dict(re.findall(r'<span data-state="(\w+)">[^<:]+: (\d+)</span>', below))
    assert states == {"received": "1", "sent": "2"}
    assert 'class="c-rollup empty"' in row_of(page, t.tuan_giao)

    own = plan_page(client, people.muong_ang_officer, parent)
    assert "c-rollup" not in row_of(own, t.muong_ang)
    assert f'data-unit="{t.tuan_giao.code}"' not in own  # another unit's row is not theirs to see
