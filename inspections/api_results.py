"""What an inspection leaves behind, over REST: findings and conclusions by id, the conclusion
notice as .docx and PDF, remediation, and the committee's dashboard. The rules of inspections.api hold."""


from django.db.models import Prefetch
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.models import Unit
from core.api import (
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
from core.files import DOCX, PDF, DocxRenderer, PdfRenderer, file_response
from core.pdf import PdfUnavailable
from core.serializers import CommentSerializer, HistoryEntrySerializer, RequiredCommentSerializer

from . import selectors, services
from .input_serializers import (
    FindingUpdateSerializer,
    InspectionDashboardParamsSerializer,
    RemediationFilterSerializer,
    TextInputSerializer,
)
from .models import (
    Conclusion,
    ConclusionState,
    Finding,
    Remediation,
    RemediationReport,
    RemediationState,
)
from .serializers import (
    ConclusionSerializer,
    FindingSerializer,
    InspectionDashboardSerializer,
    RemediationReportSerializer,
    RemediationSerializer,
)

# --- Findings and conclusions by id ----------------------------------------------------------

@extend_schema_view(retrieve=extend_schema(responses={200: FindingSerializer, **NOT_FOUND}))
class FindingViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = FindingSerializer

    def get_queryset(self):
        if schema_only(self):
            return Finding.objects.none()
        return selectors.findings_visible_to(self.request.user)

    @extend_schema(request=FindingUpdateSerializer, responses={200: FindingSerializer, **EDIT_ERRORS})
    def partial_update(self, request, *args, **kwargs):
        """The team corrects a finding until the conclusion is issued; afterwards it records a
        new finding that corrects this one."""
        finding = self.get_object()
        fields = {"category": finding.category, "severity": finding.severity, "description": finding.description,
                  **checked_body(FindingUpdateSerializer, request, partial=True)}
        finding = services.finding_update(finding=finding, by=request.user, **fields)
        return Response(self.get_serializer(self.get_queryset().get(pk=finding.pk)).data)


@extend_schema_view(retrieve=extend_schema(responses={200: ConclusionSerializer, **NOT_FOUND}))
class ConclusionViewSet(mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """A conclusion by id: the issuer's side and the team always, the inspected unit once issued."""

    serializer_class = ConclusionSerializer

    def get_queryset(self):
        if schema_only(self):
            return Conclusion.objects.none()
        return selectors.conclusions_with_recommendations(self.request.user)

    @extend_schema(responses={200: HistoryEntrySerializer(many=True), **NOT_FOUND})
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain list, not a page
    def history(self, request, pk=None):
        """Submissions, returns with their comments, approval and issue; the unit sees the issue only."""
        conclusion = self.get_object()
        entries = selectors.history_for(request.user, conclusion, conclusion.target.inspection)
        return _history(entries, ConclusionState.choices)


class ConclusionDocument(APIView):
    renderer_classes = [JSONRenderer, DocxRenderer]

    def conclusion(self, request, id) -> Conclusion:
        """Whoever sees the conclusion may download its notice, as .docx or PDF."""
        return get_object_or_404(selectors.conclusions_with_recommendations(request.user), pk=id)

    @extend_schema(responses={(200, DOCX): OpenApiTypes.BINARY, **NOT_FOUND})
    def get(self, request, id):
        """The conclusion notice (thông báo kết luận) as a Word document."""
        conclusion = self.conclusion(request, id)
        from .documents import conclusion_docx  # python-docx is loaded only when a notice is asked for

        return file_response(conclusion_docx(conclusion), f"thong-bao-ket-luan-{conclusion.pk}.docx", DOCX)


class ConclusionPdf(ConclusionDocument):
    renderer_classes = [JSONRenderer, PdfRenderer]

    @extend_schema(responses={
        (200, PDF): OpenApiTypes.BINARY, **NOT_FOUND,
        503: OpenApiResponse(description="The server cannot make PDFs (no LibreOffice); `detail` says so."),
    })
    def get(self, request, id):
        """The conclusion notice as PDF/A, made from the .docx: of an issued notice the stored file,
        the same bytes at every download; of a draft a preview marked DỰ THẢO."""
        conclusion = self.conclusion(request, id)
        from .documents import conclusion_pdf

        try:
            content = conclusion_pdf(conclusion)
        except PdfUnavailable as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return file_response(content, f"thong-bao-ket-luan-{conclusion.pk}.pdf", PDF)


# --- Remediation -----------------------------------------------------------------------------

@extend_schema_view(
    list=extend_schema(parameters=[RemediationFilterSerializer]),
    retrieve=extend_schema(responses={200: RemediationSerializer, **NOT_FOUND}),
)
class RemediationViewSet(TransitionActions, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The inspected unit's work on each recommendation, with every version of its report."""

    serializer_class = RemediationSerializer
    service_object = "remediation"

    def get_queryset(self):
        if schema_only(self):
            return Remediation.objects.none()
        return selectors.remediations_visible_to(self.request.user).prefetch_related(
            Prefetch("reports", queryset=RemediationReport.objects.select_related("submitted_by").order_by("version"))
        )

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def _answer(self, remediation):
        return Response(self.get_serializer(self.get_queryset().get(pk=remediation.pk)).data)

    def list(self, request, *args, **kwargs):
        params = checked_query(RemediationFilterSerializer, request)
        context = self.get_serializer_context()
        remediations = self.get_queryset()
        if "state" in params:
            remediations = remediations.filter(state=params["state"])
        if params["overdue"]:
            remediations = remediations.filter(state=RemediationState.OPEN, due__lt=context["now"])
        page = self.paginate_queryset(remediations)
        units = [r.target.unit for r in page] + [r.target.inspection.programme.issuing_unit for r in page]
        context["actor"] = PagePermissions(request.user, units, [r.target.inspection for r in page])
        return self.get_paginated_response(self.get_serializer(page, many=True, context=context).data)

    @extend_schema(request=TextInputSerializer, responses={201: RemediationReportSerializer, **TRANSITION_ERRORS})
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        """The unit reports what it has put right; after a reopening the report is a new version."""
        remediation = self.get_object()
        text = checked_body(TextInputSerializer, request)["text"]
        report = services.remediation_report(remediation=remediation, by=request.user, text=text)
        report = RemediationReport.objects.select_related("submitted_by").get(pk=report.pk)
        return Response(RemediationReportSerializer(report).data, status=status.HTTP_201_CREATED)

    verify = transition_action(
        "verify", services.remediation_verify, CommentSerializer, RemediationSerializer,
        "The committee accepts the report; the last verification closes the target "
        "and the inspection.")

    reopen = transition_action(
        "reopen", services.remediation_reopen, RequiredCommentSerializer, RemediationSerializer,
        "The committee sends the remediation back with what is still missing.")

    @extend_schema(responses={200: HistoryEntrySerializer(many=True), **NOT_FOUND})
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain list, not a page
    def history(self, request, pk=None):
        """Reports, reopenings with what is still missing, and the verification."""
        remediation = self.get_object()
        entries = selectors.history_for(request.user, remediation, remediation.target.inspection)
        return _history(entries, RemediationState.choices)


# --- Dashboard -------------------------------------------------------------------------------

class InspectionDashboard(APIView):
    @extend_schema(
        parameters=[InspectionDashboardParamsSerializer],
        responses={
            200: InspectionDashboardSerializer,
            400: OpenApiResponse(description="Missing or invalid unit or year."),
            404: OpenApiResponse(TRANSITION_ERRORS[404].response,
                                 description="No such unit, or the person does not inspect for it."),
        },
    )
    def get(self, request):
        """One issuing unit's year: inspections by state, findings by category and severity, overdue
        remediations. For the unit's issuer side only: any other unit is a 404, as if it did not exist."""
        params = checked_query(InspectionDashboardParamsSerializer, request)
        if params["unit"] not in selectors.issuer_unit_ids(request.user):
            raise NotFound()
        unit = get_object_or_404(Unit.objects.select_related("level"), pk=params["unit"])
        data = selectors.dashboard(request.user, unit=unit, year=params["year"])
        data["findings"] = [{"category": row["category"], "severity": row["severity"], "count": row["n"]}
                            for row in data["findings"]]
        try:
            from .documents import year_summary  # written beside this module; optional here
        except ImportError:
            summary = None
        else:
            summary = year_summary(unit, params["year"])
        data.update(unit=unit, year=params["year"], summary=summary)
        return Response(InspectionDashboardSerializer(data).data)
