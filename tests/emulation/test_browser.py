"""The cluster head verifies a sheet in real Chromium on a phone: a lowered figure without its
comment comes back with the error and the figure as typed; with the comment it goes to the
board. The standings draw their chart with nothing refused by the policy (CSP)."""

import pytest

from emulation import services
from emulation.models import SheetState
from tests.browser import page  # noqa: F401  (fixture)
from tests.plans.test_browser import _stylesheet_served, log_in, no_horizontal_scroll, shot  # noqa: F401

from .helpers import judged, opened, pdf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_cluster_head_lowers_a_figure_with_its_comment_on_a_phone(live_server, people, page):  # noqa: F811
    emulation = opened(people)
    sheet = emulation.sheets.get(unit=people.tree.tuan_giao)
    criterion = judged(sheet).criterion_id
    services.sheet_assess(sheet=sheet, by=people.tuan_giao_officer, entries={criterion: {"points": "4"}},
                          files={criterion: [pdf()]})
    services.sheet_submit(sheet=sheet, by=people.tuan_giao_officer)
    refused = []
    page.on("console", lambda message: refused.append(message.text) if "Refused to" in message.text else None)
    log_in(page, live_server, people.muong_ang_officer)
    page.goto(f"{live_server.url}/thi-dua/phieu/{sheet.pk}/")
    page.fill(f"#verified_{criterion}", "3")
    page.get_by_role("button", name="Thẩm định và gửi Ban Thường vụ").click()
    page.wait_for_load_state()
    assert "lý do thay đổi điểm" in page.content()
    assert page.input_value(f"#verified_{criterion}") == "3"  # as typed, not lost
    page.fill(f"#comment_{criterion}", "Thiếu minh chứng một hoạt động.")
    page.get_by_role("button", name="Thẩm định và gửi Ban Thường vụ").click()
    page.wait_for_url(f"{live_server.url}/thi-dua/phieu/{sheet.pk}/")
    sheet.refresh_from_db()
    assert sheet.state == SheetState.VERIFIED and judged(sheet).verified_points == 3
    assert "đã điều chỉnh" in page.content()
    shot(page, "emulation-sheet-verified")
    assert no_horizontal_scroll(page)
    page.goto(f"{live_server.url}/thi-dua/{emulation.pk}/")
    assert page.locator("svg[role=img]").count() >= 1
    shot(page, "emulation-standings")
    assert no_horizontal_scroll(page)
    assert not refused, refused
