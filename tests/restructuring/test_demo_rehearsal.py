"""Issue 14's rehearsal on the demo itself: seed_demo, then the 2025 file. The dissolved district
unions' open work is the province's, their officers can no longer act, and the demo's 2024
indicator results show as they were (16 units) or rolled up into today's tree."""

import pytest
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from viewflow.workflow.models import Task
from viewflow.workflow.status import STATUS

from accounts.models import Position, Unit, User
from plans.indicators.summary import plan_indicator_summary
from plans.models import OPEN_ASSIGNMENT_STATES, Assignment, Plan
from plans.selectors import assignment_actions
from workflows.inbox import inbox_tasks

pytestmark = pytest.mark.django_db

DISSOLVED = ["TPDBP", "TXML", "HDDB", "HDDBD", "HDMA", "HDTG", "HDTC", "HDMC", "HDMN", "HDNP"]


def test_the_2025_rehearsal_on_the_demo(tmp_path, settings_media=None):
    with open("/dev/null", "w") as quiet:
        call_command("seed_demo", password="demo-pass-1-long-enough", stdout=quiet)
        programme = Plan.objects.get(subject__startswith="Chương trình công tác Đoàn")
        as_it_was = plan_indicator_summary(programme)
        open_before = set(Assignment.objects.filter(unit__code__in=DISSOLVED, state__in=OPEN_ASSIGNMENT_STATES)
                          .values_list("pk", flat=True))
        call_command("restructure", str(settings.DEMO_DATA_DIR / "restructure_2025_dien_bien.csv"), "--by", "admin",
                     stdout=quiet)

    province = Unit.objects.get(code="TDDB")
    assert open_before and {a.acting_unit for a in Assignment.objects.filter(pk__in=open_before)} == {province}
    dissolved = list(Unit.objects.filter(code__in=DISSOLVED).values_list("pk", flat=True))
    assert not Unit.objects.filter(pk__in=dissolved, is_active=True).exists()
    assert not Task.objects.filter(status__in=[STATUS.NEW, STATUS.ASSIGNED],
                                   owner_permission_content_type=ContentType.objects.get_for_model(Unit),
                                   owner_permission_obj_pk__in=[str(pk) for pk in dissolved]).exists()
    officer = User.objects.get(username="hdma.canbo")
    assert not Position.objects.active_on().filter(user=officer).exists()
    assert not inbox_tasks(officer).exists()
    assert not any(assignment_actions(officer, a) for a in Assignment.objects.filter(pk__in=open_before))

    again = plan_indicator_summary(programme)
    rolled = plan_indicator_summary(programme, rolled_up=True)
    assert list(again.recipients["code"]) == list(as_it_was.recipients["code"])  # as it was: 16 units
    assert len(as_it_was.recipients) == 16
    assert set(rolled.recipients["code"]) == {"TDDB"} | (set(as_it_was.recipients["code"]) - set(DISSOLVED))
    # The province's results are the same figures either way.
    for code in ("1b", "4c"):
        before = as_it_was.indicators.set_index("code")["result"].get(code)
        assert rolled.indicators.set_index("code")["result"].get(code) == pytest.approx(before)
