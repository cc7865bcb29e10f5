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
