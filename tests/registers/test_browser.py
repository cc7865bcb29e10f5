"""The registers in real Chromium at phone width: the clerk registers a paper document and sees
it in the outgoing register; the policy (CSP) blocks nothing. Screenshots go to /tmp/ui-*.png."""

import datetime

import pytest
from django.utils import timezone

from plans import services
from tests.browser import page  # noqa: F401  (fixture)
from tests.plans.helpers import assignment_of, issued_plan
from tests.plans.test_browser import _stylesheet_served, log_in, no_horizontal_scroll, shot  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_clerk_registers_a_paper_document_on_a_phone(live_server, people, page):  # noqa: F811
    plan = issued_plan(people)
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Refused to" in message.text else None)
    log_in(page, live_server, people.clerk)
    page.goto(f"{live_server.url}/ke-hoach/")
    page.locator('.pagehead a[href="/so-van-ban/"]').click()
    page.wait_for_url(f"{live_server.url}/so-van-ban/{people.tree.province.pk}/di/")
    assert plan.number in page.content()
    page.locator(f'a[href="/so-van-ban/{people.tree.province.pk}/di/van-ban-giay/"]').click()
    page.select_option("#id_kind", "CV")
    page.fill("#id_subject", "V/v cử cán bộ dự tập huấn")
    page.fill("#id_issued_on", (timezone.localdate() - datetime.timedelta(days=1)).strftime("%d/%m/%Y"))
    page.fill("#id_signer", "Lò Văn Thắng")
    page.fill("#id_recipients", "- Các huyện, thị, thành đoàn;\n- Lưu VP.")
    shot(page, "registers-paper-form")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("#id_reason").count() == 1  # no reason: the form again, with its error
    page.fill("#id_reason", "Ký gấp khi hệ thống bảo trì")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/so-van-ban/{people.tree.province.pk}/di/?*")
    assert "V/v cử cán bộ dự tập huấn" in page.content()
    shot(page, "registers-outgoing")
    assert no_horizontal_scroll(page)
    assert not refused, refused


def test_the_incoming_register_on_a_phone(live_server, people, page):  # noqa: F811
    plan = issued_plan(people)
    services.assignment_receive(assignment=assignment_of(plan, people.tree.muong_ang), by=people.muong_ang_officer)
    log_in(page, live_server, people.muong_ang_secretary)
    page.goto(f"{live_server.url}/so-van-ban/{people.tree.muong_ang.pk}/den/")
    assert plan.number in page.content()
    shot(page, "registers-incoming")
    assert no_horizontal_scroll(page)
