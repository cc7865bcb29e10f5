"""Inspection screens in real Chromium at phone width: a team member records a finding from the
target page, the unit sees nothing of it until the conclusion is issued. Screenshots go to
/tmp/ui-inspection-*.png."""

import pytest

from inspections import services
from inspections.models import Finding, FindingCategory, Severity
from tests.browser import page  # noqa: F401  (fixture)
from tests.inspections.helpers import conclude, decided_inspection, target_of
from tests.plans.test_browser import _stylesheet_served, log_in, no_horizontal_scroll, shot  # noqa: F401

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_team_member_records_a_finding_on_a_phone(live_server, people, page):  # noqa: F811
    target = target_of(decided_inspection(people), people.tree.muong_ang)
    log_in(page, live_server, people.inspector2)

    page.goto(f"{live_server.url}/kiem-tra/doi-tuong/{target.pk}/")
    form = page.locator('form[data-action="record_finding"]')
    assert form.is_visible() and no_horizontal_scroll(page)
    # Each choice is a whole-width label a thumb can hit: tap the label, not the radio.
    form.locator("label.cat-violation").click()
    form.locator("label.sev-serious").click()
    form.locator("textarea").fill("Kết nạp 03 đoàn viên không đủ hồ sơ theo quy định.")
    shot(page, "inspection-1-finding-form")
    form.locator("button[type=submit]").click()
    page.wait_for_selector(".messages .msg-success")

    finding = Finding.objects.get(target=target)
    assert (finding.category, finding.severity, finding.recorded_by) == (
        FindingCategory.VIOLATION, Severity.SERIOUS, people.inspector2)
    assert page.locator(f'[data-finding="{finding.pk}"]').is_visible()
    assert no_horizontal_scroll(page)
    shot(page, "inspection-2-finding-recorded")


def test_the_unit_sees_its_findings_in_the_browser_only_once_issued(live_server, people, page):  # noqa: F811
    target = target_of(decided_inspection(people), people.tree.muong_ang)
    services.finding_record(target=target, by=people.inspector2, category=FindingCategory.SHORTCOMING,
                            severity=Severity.MINOR, description="Biên bản sinh hoạt chi đoàn thiếu chữ ký.")
    log_in(page, live_server, people.muong_ang_officer)
    url = f"{live_server.url}/kiem-tra/doi-tuong/{target.pk}/"
    page.goto(url)
    assert "Biên bản sinh hoạt chi đoàn thiếu chữ ký." not in page.content()

    conclude(people, target)
    page.goto(url)
    assert page.locator("[data-finding]").first.is_visible()
    assert "Biên bản sinh hoạt chi đoàn thiếu chữ ký." in page.content()
    assert no_horizontal_scroll(page)
    shot(page, "inspection-3-unit-sees-issued")
