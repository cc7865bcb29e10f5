"""Standings: ties share a place and the next one is skipped, each tie naming its units; a unit's
total beside its final total of the year before."""

from decimal import Decimal

import pytest
from django.utils import timezone

from emulation.models import Emulation, Score, ScoreSheet, SheetState
from emulation.ranking import rank
from emulation.results import standings

from .helpers import clusters, opened, scoring_table

pytestmark = pytest.mark.django_db


def test_equal_totals_share_a_place_and_the_next_place_is_skipped():
    places = {p.unit_id: p for p in rank({1: Decimal(90), 2: Decimal("88.5"), 3: Decimal(90), 4: Decimal(70)})}
    assert {uid: p.rank for uid, p in places.items()} == {1: 1, 3: 1, 2: 3, 4: 4}
    assert places[1].tied_with == [3] and places[3].tied_with == [1] and not places[2].tied


def test_each_unit_shows_its_final_total_of_the_year_before(staff):
    year = timezone.localdate().year
    before = scoring_table(staff, year - 1)
    first, _second = clusters(staff, before)
    old = Emulation.objects.create(table=before, subject="Thi đua năm trước", opened_by=staff.province_officer,
                                   self_assessment_due=timezone.now(), verification_due=timezone.now())
    sheet = ScoreSheet.objects.create(emulation=old, unit=staff.tree.tuan_giao, cluster=first)
    ScoreSheet.objects.filter(pk=sheet.pk).update(state=SheetState.APPROVED)
    Score.objects.bulk_create([Score(sheet=sheet, criterion=c, final_points=points) for c, points in
                               zip(before.groups.first().criteria.all(), (Decimal(7), Decimal(4)), strict=False)])
    emulation = opened(staff)
    rows = {row.sheet.unit.code: row for row in standings(emulation).overall}
    assert rows["HDTG"].previous_total == Decimal(11)
    assert rows["HDTG"].change == rows["HDTG"].total - Decimal(11)
    assert rows["HDMA"].previous_total is None and rows["HDMA"].change is None


def test_scored_during_the_year_a_report_not_yet_due_is_not_counted_against_the_unit(staff):
    import datetime

    import time_machine

    from emulation.models import Denominator, Source
    from emulation.scoring import computed_scores
    from tests.plans.helpers import issued_plan

    now = timezone.now()
    if (now + datetime.timedelta(days=3)).year != now.year:
        pytest.skip("the last days of a year: no deadline left in it")
    plan = issued_plan(staff, recipients=[staff.tree.tuan_giao], report_due=now + datetime.timedelta(days=2))
    table = scoring_table(staff)
    criterion = table.groups.get(code="I").criteria.get(source=Source.TIMELINESS)
    criterion.denominator = Denominator.DUE
    criterion.save()
    unit = staff.tree.tuan_giao.pk
    before = computed_scores([criterion], [unit], year=table.year)[unit][criterion.pk]
    assert (before.counts["total"], before.counts["not_accepted"]) == (0, 0)
    assert [outcome for _label, outcome in before.items] == ["not_due"]
    with time_machine.travel(plan.report_due + datetime.timedelta(hours=1), tick=False):
        after = computed_scores([criterion], [unit], year=table.year)[unit][criterion.pk]
    assert (after.counts["total"], after.counts["not_accepted"], after.points) == (1, 1, Decimal("0.00"))
