"""Inspection and supervision over REST, with the rules of plans.api: every object comes from the
visibility selectors (another unit's object, or a draft conclusion seen from the inspected unit,
is a 404), every change is a call to a service (its errors become 400/403/409 in
core.api.exception_handler), transitions are POST actions."""

from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import (
    CREATE_ERRORS,
    EDIT_ERRORS,
    NOT_FOUND,
    TRANSITION_ERRORS,
    PagePermissions,
    TransitionActions,
    checked_body,
    checked_query,
    schema_only,
    transition_action,
)
from core.api import history_response as _history
from core.serializers import CommentSerializer, HistoryEntrySerializer, RequiredCommentSerializer

from . import selectors, services
from .input_serializers import (
    ConclusionInputSerializer,
    FindingInputSerializer,
    InspectionCreateSerializer,
    InspectionFilterSerializer,
    InspectionTargetFilterSerializer,
    InspectionUpdateSerializer,
    ProgrammeCreateSerializer,
    ProgrammeFilterSerializer,
    TextInputSerializer,
)
from .models import (
    Conclusion,
    Inspection,
    InspectionState,
    InspectionTarget,
    Programme,
    TeamMember,
)
from .serializers import (
    ConclusionSerializer,
    FindingSerializer,
    InspectionSerializer,
    InspectionTargetSerializer,
    ProgrammeSerializer,
)

# --- Programmes ------------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(parameters=[ProgrammeFilterSerializer]),
    retrieve=extend_schema(responses={200: ProgrammeSerializer, **NOT_FOUND}),
)
class ProgrammeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The yearly programmes of the units the person inspects for, and of the teams they are in."""

    serializer_class = ProgrammeSerializer

    def get_queryset(self):
        if schema_only(self):
            return Programme.objects.none()
        return selectors.programmes_visible_to(self.request.user).select_related("created_by")

    def filter_queryset(self, queryset):
        if self.action == "list":
            queryset = queryset.filter(**checked_query(ProgrammeFilterSerializer, self.request))
        return super().filter_queryset(queryset)

    @extend_schema(request=ProgrammeCreateSerializer, responses={201: ProgrammeSerializer, **CREATE_ERRORS})
    def create(self, request, *args, **kwargs):
        programme = services.programme_create(by=request.user, **checked_body(ProgrammeCreateSerializer, request))
        programme = self.get_queryset().get(pk=programme.pk)
        return Response(self.get_serializer(programme).data, status=status.HTTP_201_CREATED)


# --- Inspections: the decision ---------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(parameters=[InspectionFilterSerializer]),
    retrieve=extend_schema(responses={200: InspectionSerializer, **NOT_FOUND}),
)
class InspectionViewSet(TransitionActions, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Inspections and supervisions: the issuer's side and the team see drafts and every target;
    an inspected unit sees the issued decision with its own target only."""

    serializer_class = InspectionSerializer
    service_object = "inspection"

    def get_queryset(self):
        if schema_only(self):
            return Inspection.objects.none()
        user = self.request.user
        # Team and visible targets in two queries for the whole page; the targets' prefetch is
        # the visibility selector itself, so the inspected unit gets its own row only.
        return selectors.inspections_visible_to(user).select_related("created_by").prefetch_related(
            Prefetch("team", queryset=TeamMember.objects.select_related("user", "from_unit")),
            Prefetch("targets", queryset=selectors.targets_visible_to(user), to_attr="visible_targets"),
        )

    def _answer(self, inspection, status_code=status.HTTP_200_OK):
        # Re-read through the selector: services return a bare locked row.
        inspection = self.get_queryset().get(pk=inspection.pk)
        return Response(self.get_serializer(inspection).data, status=status_code)

    def list(self, request, *args, **kwargs):
        params = checked_query(InspectionFilterSerializer, request)
        inspections = self.get_queryset()
        if "programme" in params:
            inspections = inspections.filter(programme_id=params["programme"])
        if "year" in params:
            inspections = inspections.filter(programme__year=params["year"])
        if "state" in params:
            inspections = inspections.filter(state=params["state"])
        if "kind" in params:
            inspections = inspections.filter(kind=params["kind"])
        page = self.paginate_queryset(inspections)
        actor = PagePermissions(request.user, [inspection.programme.issuing_unit for inspection in page])
        context = {**self.get_serializer_context(), "actor": actor}
        return self.get_paginated_response(self.get_serializer(page, many=True, context=context).data)

    @extend_schema(request=InspectionCreateSerializer, responses={201: InspectionSerializer, **CREATE_ERRORS})
    def create(self, request, *args, **kwargs):
        return self._created(request, services.inspection_create, InspectionCreateSerializer)

    @extend_schema(request=InspectionUpdateSerializer, responses={200: InspectionSerializer, **EDIT_ERRORS})
    def partial_update(self, request, *args, **kwargs):
        """Only a draft decision changes; a list given (team, target_units, outside_bodies) replaces the old one."""
        return self._updated(request, services.inspection_update, InspectionUpdateSerializer)

    submit = transition_action(
        "submit", services.inspection_submit, CommentSerializer, InspectionSerializer,
        "The drafter sends the decision to the chair (or the leader) for approval.")

    approve = transition_action(
        "approve", services.inspection_approve, CommentSerializer, InspectionSerializer,
        "Approve and number the decision; every target is notified and its self-report falls due.")

    return_ = transition_action(
        "return", services.inspection_return, RequiredCommentSerializer, InspectionSerializer,
        "Back to draft with a comment.")

    @extend_schema(responses={200: HistoryEntrySerializer(many=True), **NOT_FOUND})
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain list, not a page
    def history(self, request, pk=None):
        """Every step for the issuer and the team; an inspected unit does not see the drafting rounds."""
        inspection = self.get_object()
        return _history(selectors.history_for(request.user, inspection, inspection), InspectionState.choices)


# --- Targets: self-report, findings, conclusion ----------------------------------------------

@extend_schema_view(
    list=extend_schema(parameters=[InspectionTargetFilterSerializer]),
    retrieve=extend_schema(responses={200: InspectionTargetSerializer, **NOT_FOUND}),
)
class TargetViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Inspected units: the issuer's side and the team see every target, an inspected unit its own
    once the decision is issued. The conclusion shows only when the person may see it."""

    serializer_class = InspectionTargetSerializer

    def get_queryset(self):
        if schema_only(self):
            return InspectionTarget.objects.none()
        return selectors.targets_visible_to(self.request.user).select_related("self_reported_by")

    def _context(self, targets, actor=None):
        # Which of these conclusions the person may see, in one query for the whole page.
        visible = selectors.conclusions_visible_to(self.request.user).filter(target__in=[t.pk for t in targets])
        return {**self.get_serializer_context(), "actor": actor,
                "visible_conclusions": set(visible.values_list("pk", flat=True))}

    def _answer(self, target):
        target = self.get_queryset().get(pk=target.pk)
        return Response(InspectionTargetSerializer(target, context=self._context([target])).data)

    def list(self, request, *args, **kwargs):
        targets = self.get_queryset().filter(**checked_query(InspectionTargetFilterSerializer, request))
        page = self.paginate_queryset(targets)
        units = [t.unit for t in page] + [t.inspection.programme.issuing_unit for t in page]
        actor = PagePermissions(request.user, units, [t.inspection for t in page])
        serializer = InspectionTargetSerializer(page, many=True, context=self._context(page, actor))
        return self.get_paginated_response(serializer.data)

    def retrieve(self, request, *args, **kwargs):
        return self._answer(self.get_object())

    @extend_schema(request=TextInputSerializer, responses={200: InspectionTargetSerializer, **TRANSITION_ERRORS})
    @action(detail=True, methods=["post"], url_path="self-report", url_name="self-report")
    def self_report(self, request, pk=None):
        """The unit's self-report; for an outside body the team records the report it received."""
        target = self.get_object()
        text = checked_body(TextInputSerializer, request)["text"]
        services.target_self_report(target=target, by=request.user, text=text)
        return self._answer(target)

    @extend_schema(methods=["GET"], responses={200: FindingSerializer(many=True), **NOT_FOUND})
    @extend_schema(methods=["POST"], request=FindingInputSerializer,
                   responses={201: FindingSerializer, **EDIT_ERRORS})
    @action(detail=True, methods=["get", "post"], pagination_class=None)  # a plain list, not a page
    def findings(self, request, pk=None):
        """GET: the findings the person may see (the unit's own only once its conclusion is issued).
        POST: a team member records a finding; after issuance only a correction of an earlier one."""
        target = self.get_object()
        visible = selectors.findings_visible_to(request.user)
        if request.method == "GET":
            findings = visible.filter(target=target).order_by("recorded_at", "pk")
            return Response(FindingSerializer(findings, many=True).data)
        fields = checked_body(FindingInputSerializer, request, context=self.get_serializer_context())
        finding = services.finding_record(target=target, by=request.user, **fields)
        return Response(FindingSerializer(visible.get(pk=finding.pk)).data, status=status.HTTP_201_CREATED)

    def _conclusion(self, target) -> Conclusion:
        return get_object_or_404(selectors.conclusions_with_recommendations(self.request.user), target=target)

    def _conclusion_answer(self, conclusion):
        conclusion = selectors.conclusions_with_recommendations(self.request.user).get(pk=conclusion.pk)
        return Response(ConclusionSerializer(conclusion).data)

    @extend_schema(methods=["GET"], responses={200: ConclusionSerializer, **NOT_FOUND})
    @extend_schema(methods=["PUT"], request=ConclusionInputSerializer,
                   responses={200: ConclusionSerializer, **EDIT_ERRORS})
    @action(detail=True, methods=["get", "put"])
    def conclusion(self, request, pk=None):
        """GET: the conclusion, for the unit only once issued. PUT: the team head writes the draft."""
        target = self.get_object()
        if request.method == "GET":
            return Response(ConclusionSerializer(self._conclusion(target)).data)
        fields = checked_body(ConclusionInputSerializer, request)
        return self._conclusion_answer(services.conclusion_save(target=target, by=request.user, **fields))

    def _conclusion_transition(self, request, service, body_serializer):
        conclusion = self._conclusion(self.get_object())
        service(conclusion=conclusion, by=request.user, **checked_body(body_serializer, request))
        return self._conclusion_answer(conclusion)

    @extend_schema(request=CommentSerializer, responses={200: ConclusionSerializer, **TRANSITION_ERRORS})
    @action(detail=True, methods=["post"], url_path="conclusion/submit", url_name="conclusion-submit")
    def conclusion_submit(self, request, pk=None):
        """The team head sends the draft for approval, once the unit has self-reported."""
        return self._conclusion_transition(request, services.conclusion_submit, CommentSerializer)

    @extend_schema(request=CommentSerializer, responses={200: ConclusionSerializer, **TRANSITION_ERRORS})
    @action(detail=True, methods=["post"], url_path="conclusion/approve", url_name="conclusion-approve")
    def conclusion_approve(self, request, pk=None):
        return self._conclusion_transition(request, services.conclusion_approve, CommentSerializer)

    @extend_schema(request=RequiredCommentSerializer, responses={200: ConclusionSerializer, **TRANSITION_ERRORS})
    @action(detail=True, methods=["post"], url_path="conclusion/return", url_name="conclusion-return")
    def conclusion_return(self, request, pk=None):
        """Back to the team head's draft with a comment."""
        return self._conclusion_transition(request, services.conclusion_return, RequiredCommentSerializer)

    @extend_schema(request=CommentSerializer, responses={200: ConclusionSerializer, **TRANSITION_ERRORS})
    @action(detail=True, methods=["post"], url_path="conclusion/issue", url_name="conclusion-issue")
    def conclusion_issue(self, request, pk=None):
        """Number and send the notice; each recommendation becomes a remediation for the unit."""
        return self._conclusion_transition(request, services.conclusion_issue, CommentSerializer)
