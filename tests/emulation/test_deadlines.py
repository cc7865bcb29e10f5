"""The emulation's two deadlines go through the same sweep as every other step: a unit that has
not sent its self-assessment, then a cluster head that has not verified, each told once per level
(the overdue notice goes to the unit's head, as for any assignment)."""

import datetime

import pytest
import time_machine

from deadlines.models import DeadlineEvent, Level, StepKind
from deadlines.sweep import deadlines_sweep
from emulation import services
from notifications.models import DEADLINE_KINDS, Notification

from .helpers import judged, opened, pdf

pytestmark = pytest.mark.django_db


def _told(user):
    return list(Notification.objects.filter(recipient=user, kind__in=DEADLINE_KINDS).values_list("body", flat=True))


def test_a_late_self_assessment_then_a_late_verification_are_each_escalated_once(staff):
    emulation = opened(staff)
    own = emulation.sheets.get(unit=staff.tree.muong_ang)
    sheet = emulation.sheets.get(unit=staff.tree.tuan_giao)
    head = staff.muong_ang_secretary
    with time_machine.travel(emulation.self_assessment_due + datetime.timedelta(hours=1), tick=False):
        deadlines_sweep()
        deadlines_sweep()  # a second sweep tells nobody again
        events = DeadlineEvent.objects.filter(step_kind=StepKind.EMULATION_SELF_ASSESSMENT)
        assert set(events.values_list("object_id", "level")) == {(s.pk, Level.OVERDUE) for s in emulation.sheets.all()}
        assert len(_told(head)) == 1  # Mường Ảng's own sheet is late
        score = judged(sheet)
        services.sheet_assess(sheet=sheet, by=staff.tuan_giao_officer, entries={score.criterion_id: {"points": "3"}},
                              files={score.criterion_id: [pdf()]})
        services.sheet_submit(sheet=sheet, by=staff.tuan_giao_officer)
    with time_machine.travel(emulation.verification_due + datetime.timedelta(hours=1), tick=False):
        deadlines_sweep()
        deadlines_sweep()
        verification = DeadlineEvent.objects.filter(step_kind=StepKind.EMULATION_VERIFICATION)
        # Only the sheet that was sent awaits verification; its cluster head (Mường Ảng) is told.
        assert list(verification.values_list("object_id", flat=True)) == [sheet.pk]
        told = _told(head)
        assert len([body for body in told if "Tuần Giáo" in body or "Mường Ảng" in body]) >= 2
    assert own.pk != sheet.pk
