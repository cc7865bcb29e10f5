"""Emulation over REST: the emulations and score sheets a person may see, the standings, and
every step the screens offer (open, assess with evidence, send, verify, approve, return, decide),
through the same services and rules."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from core import rules
from core.api import CREATE_ERRORS, NOT_FOUND, TRANSITION_ERRORS, TransitionActions, checked_body, schema_only
from core.serializers import CommentSerializer, RequiredCommentSerializer

from . import selectors, services
from .models import Emulation, Score, ScoreSheet
from .results import standings
from .rules import SHEET_RULES
from .serializers import (
    AssessSerializer,
    DecideSerializer,
    EmulationOpenSerializer,
    EmulationSerializer,
    EvidenceSerializer,
    ScoreSheetSerializer,
    StandingsSerializer,
    VerifySerializer,
)


def _place(row, place):
    return {"sheet": row.sheet, "rank": place.rank, "tied_with": place.tied_with, "self_total": row.self_total,
            "verified_total": row.verified_total, "final_total": row.final_total, "total": row.total,
            "provisional": row.provisional, "previous_total": row.previous_total}


class EmulationViewSet(TransitionActions, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       viewsets.GenericViewSet):
    """The year's emulations the person takes part in: organised by their unit, or scoring it or
    its cluster."""

    serializer_class = EmulationSerializer
    service_object = "emulation"

    def get_queryset(self):
        if schema_only(self):
            return Emulation.objects.none()
        return selectors.emulations_visible_to(self.request.user)

    def _answer(self, emulation, status_code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=emulation.pk)).data, status=status_code)

    @extend_schema(request=EmulationOpenSerializer, responses={201: EmulationSerializer, **CREATE_ERRORS})
    def create(self, request, *args, **kwargs):
        """Open a scoring table's emulation: a sheet and a task for every unit of the year's clusters."""
        fields = checked_body(EmulationOpenSerializer, request)
        table = get_object_or_404(selectors.tables_of(request.user), pk=fields.pop("table"))
        return self._answer(services.emulation_open(table=table, by=request.user, **fields), status.HTTP_201_CREATED)

    @extend_schema(responses={200: StandingsSerializer, **NOT_FOUND})
    @action(detail=True, methods=["get"])
    def standings(self, request, pk=None):
        """Each cluster's ranking and the overall one: ties share a place, the next is skipped."""
        result = standings(self.get_object())
        data = {"final": result.final, "max_total": result.max_total,
                "clusters": [{"cluster": c.cluster, "places": [_place(r, r.cluster_place) for r in c.sheets]}
                             for c in result.clusters],
                "overall": [_place(r, r.overall_place) for r in result.overall]}
        return Response(StandingsSerializer(data).data)

    @extend_schema(request=DecideSerializer, responses={200: EmulationSerializer, **TRANSITION_ERRORS})
    @action(detail=True, methods=["post"])
    def decide(self, request, pk=None):
        """The clerk numbers and issues the decision once every sheet is approved."""
        return self._transition(request, services.emulation_decide, DecideSerializer)


class ScoreSheetViewSet(TransitionActions, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                        viewsets.GenericViewSet):
    """Score sheets: a unit's own, those of the cluster its unit heads, those of an emulation its
    unit organises. Each with its scores, self / verified / final."""

    serializer_class = ScoreSheetSerializer
    service_object = "sheet"

    def get_queryset(self):
        if schema_only(self):
            return ScoreSheet.objects.none()
        return selectors.sheets_visible_to(self.request.user).prefetch_related(
            Prefetch("scores", queryset=Score.objects.select_related("criterion__group")))

    def _answer(self, sheet, status_code=status.HTTP_200_OK):
        return Response(self.get_serializer(self.get_queryset().get(pk=sheet.pk)).data, status=status_code)

    def _sheet_for(self, request, rule):
        """The sheet, once the person may take the step: a refusal answers before the body is read."""
        sheet = self.get_object()
        rules.require(SHEET_RULES, rule, request.user, sheet)
        return sheet

    @staticmethod
    def _entries(rows, *fields):
        return {row["criterion"]: {f: row[f] for f in fields if f in row} for row in rows}

    @extend_schema(request=AssessSerializer, responses={200: ScoreSheetSerializer, **TRANSITION_ERRORS})
    @action(detail=True, methods=["post"])
    def assess(self, request, pk=None):
        """The unit's points of judged criteria and its notes; computed criteria take notes only."""
        sheet = self._sheet_for(request, "assess")
        rows = checked_body(AssessSerializer, request)["entries"]
        services.sheet_assess(sheet=sheet, by=request.user, entries=self._entries(rows, "points", "note"))
        return self._answer(sheet)

    @extend_schema(request={"multipart/form-data": EvidenceSerializer},
                   responses={200: ScoreSheetSerializer, **TRANSITION_ERRORS})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser, FormParser])
    def evidence(self, request, pk=None):
        """Evidence files of one judged criterion (PDF, Word, Excel, JPG, PNG)."""
        sheet = self._sheet_for(request, "assess")
        fields = checked_body(EvidenceSerializer, request)
        services.sheet_assess(sheet=sheet, by=request.user, entries={},
                              files={fields["criterion"]: fields["files"]})
        return self._answer(sheet)

    @extend_schema(request=CommentSerializer, responses={200: ScoreSheetSerializer, **TRANSITION_ERRORS})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send the sheet to the cluster head (every judged criterion scored, with evidence)."""
        return self._transition(request, services.sheet_submit, CommentSerializer)

    @extend_schema(request=VerifySerializer, responses={200: ScoreSheetSerializer, **TRANSITION_ERRORS})
    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        """The cluster's points (a changed figure needs its comment), sent on to the standing board."""
        sheet = self._sheet_for(request, "verify")
        fields = checked_body(VerifySerializer, request)
        services.sheet_verify(sheet=sheet, by=request.user, comment=fields["comment"],
                              entries=self._entries(fields.get("entries") or [], "points", "comment"))
        return self._answer(sheet)

    @extend_schema(request=CommentSerializer, responses={200: ScoreSheetSerializer, **TRANSITION_ERRORS})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """The standing board approves: the verified points become final."""
        return self._transition(request, services.sheet_approve, CommentSerializer)

    @extend_schema(request=RequiredCommentSerializer, responses={200: ScoreSheetSerializer, **TRANSITION_ERRORS})
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_(self, request, pk=None):
        """The standing board sends the sheet back to the cluster head, with a comment."""
        return self._transition(request, services.sheet_return, RequiredCommentSerializer)
