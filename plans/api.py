"""Plans, assignments and reports over REST, with the UI's rules: objects come from the
visibility selectors (another unit's object is a 404), every change is a call to a service
(its errors become 400/403/409 in core.api.exception_handler), transitions are POST actions."""

from django.conf import settings
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import ValidationError as DRFValidationError
from rest_framework.parsers import MultiPartParser
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from accounts.models import Unit
from core.api import (
    EDIT_ERRORS,
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
from core.rules import require
from core.serializers import (
    DATETIME_INPUTS,
    MAX_ID,
    CommentSerializer,
    HistoryEntrySerializer,
    RequiredCommentSerializer,
)
from core.transitions import history_of
from signing.serializers import SignedFileSerializer, SignedUploadSerializer

from . import bulk, documents, selectors, services, signatures
from .models import Assignment, AssignmentState, Plan, PlanState, Report
from .rules import PLAN_RULES
from .serializers import (
    AssignmentFilterSerializer,
    AssignmentSerializer,
    PlanCreateSerializer,
    PlanFilterSerializer,
    PlanProgressSerializer,
    PlanSerializer,
    PlanUpdateSerializer,
    ProgressQuerySerializer,
    ReportFilterSerializer,
    ReportInputSerializer,
    ReportSerializer,
    RevokeSerializer,
)


class BulkInputSerializer(serializers.Serializer):
    action = serializers.ChoiceField(choices=sorted(bulk.ACTIONS))
    ids = serializers.ListField(child=serializers.IntegerField(min_value=1, max_value=MAX_ID), required=False,
                                max_length=bulk.MAX_IDS, help_text="Assignment ids of this plan.")
    all_pending = serializers.BooleanField(required=False, default=False,
                                           help_text="With remind: every unit that has not reported yet.")
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    until = serializers.DateTimeField(required=False, input_formats=DATETIME_INPUTS,
                                      help_text="With extend: the new report deadline.")

    def validate(self, data):
        if not data.get("ids") and not (data.get("all_pending") and data["action"] == "remind"):
            raise serializers.ValidationError({"ids": "Give the ids, or all_pending with remind."})
        return data


class BulkRefusalSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    unit = serializers.CharField(help_text="The unit's name; empty when the id is not of this plan.")
    reason = serializers.CharField()


class BulkResultSerializer(serializers.Serializer):
    done = serializers.ListField(child=serializers.IntegerField(), help_text="Assignment ids done.")
    refused = BulkRefusalSerializer(many=True)


@extend_schema_view(
    list=extend_schema(parameters=[PlanFilterSerializer]),
    retrieve=extend_schema(responses={200: PlanSerializer, 404: TRANSITION_ERRORS[404]}),
)
class PlanViewSet(TransitionActions, mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Plans of the person's units and plans addressed to them. Drafts are edited with PATCH;
    there is no delete (an issued plan is revoked)."""

    serializer_class = PlanSerializer
    service_object = "plan"

    def get_queryset(self):
        if schema_only(self):  # schema generation: no real user
            return Plan.objects.none()
        return self._shaped(selectors.plans_visible_to(self.request.user))

    @staticmethod
    def _shaped(plans):
        # Recipients in one query for the whole page, in tree order.
        return selectors.with_approver(plans).prefetch_related(
            Prefetch("recipients", queryset=Unit.objects.order_by("path")))

    def _answer(self, plan, status_code=status.HTTP_200_OK):
        # Re-read through the selector: services return a bare locked row.
        plan = self.get_queryset().get(pk=plan.pk)
        return Response(self.get_serializer(plan).data, status=status_code)

    def list(self, request, *args, **kwargs):
        plans = self._shaped(selectors.plan_list(request.user, **checked_query(PlanFilterSerializer, request)))
        page = self.paginate_queryset(plans)
        actor = PagePermissions(request.user, [plan.issuing_unit for plan in page])
        context = {**self.get_serializer_context(), "actor": actor}
        return self.get_paginated_response(self.get_serializer(page, many=True, context=context).data)

    @extend_schema(request=PlanCreateSerializer,
                   responses={201: PlanSerializer, 400: EDIT_ERRORS[400], 403: EDIT_ERRORS[403]})
    def create(self, request, *args, **kwargs):
        return self._created(request, services.plan_create, PlanCreateSerializer)

    @extend_schema(request=PlanUpdateSerializer, responses={200: PlanSerializer, **EDIT_ERRORS})
    def partial_update(self, request, *args, **kwargs):
        return self._updated(request, services.plan_update, PlanUpdateSerializer)

    submit = transition_action(
        "submit", services.plan_submit, CommentSerializer, PlanSerializer,
        "The drafter sends the draft to department review.")

    review = transition_action(
        "review", services.plan_review, CommentSerializer, PlanSerializer,
        "The department head forwards the draft to the leader.")

    approve = transition_action(
        "approve", services.plan_approve, CommentSerializer, PlanSerializer,
        "A leader approves; the clerk numbers and issues it next.")

    return_ = transition_action(
        "return", services.plan_return, RequiredCommentSerializer, PlanSerializer,
        "Back to draft with a comment, from department review or from the leader.")

    issue = transition_action(
        "issue", services.plan_issue, CommentSerializer, PlanSerializer,
        "The clerk numbers the plan and sends one assignment to each recipient unit.")

    revoke = transition_action(
        "revoke", services.plan_revoke, RevokeSerializer, PlanSerializer,
        "A leader withdraws an issued plan; its open assignments are cancelled.")

    @extend_schema(request=BulkInputSerializer, responses={200: BulkResultSerializer, **EDIT_ERRORS})
    @action(detail=True, methods=["post"])
    def bulk(self, request, pk=None):
        """The issuer accepts, returns (with a comment), reminds or gives more time (`until`, with a
        reason) to many of the plan's units at once.

        Each assignment goes through the same service as one by one, in its own transaction; the
        answer says which were done and which were refused, and why (an id of another plan, a
        report already handled, a unit that has already reported when reminded)."""
        plan = self.get_object()
        if plan.issuing_unit_id not in selectors.user_unit_ids(request.user):
            raise NotFound()
        fields = checked_body(BulkInputSerializer, request)
        ids = bulk.pending_ids(plan) if fields.pop("all_pending") and fields["action"] == "remind" else fields["ids"]
        fields.pop("ids", None)
        result = bulk.assignments_bulk(plan=plan, by=request.user, ids=ids, **fields)
        return Response(BulkResultSerializer(result.as_dict()).data)

    @extend_schema(responses={200: HistoryEntrySerializer(many=True), 404: TRANSITION_ERRORS[404]})
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain list, not a page
    def history(self, request, pk=None):
        return _history(selectors.plan_history_for(request.user, self.get_object()), PlanState.choices)

    @extend_schema(responses={(200, DOCX): OpenApiTypes.BINARY, 404: TRANSITION_ERRORS[404]})
    @action(detail=True, methods=["get"], url_path="document-docx", renderer_classes=[JSONRenderer, DocxRenderer])
    def document_docx(self, request, pk=None):
        """The plan's official document (.docx): as issued once the plan is issued (fixed then, a
        later change never alters it), a preview marked DỰ THẢO before."""
        plan = self.get_object()
        return file_response(documents.plan_docx(plan), documents.file_name(plan, "docx"), DOCX)

    @extend_schema(responses={
        (200, PDF): OpenApiTypes.BINARY, 404: TRANSITION_ERRORS[404],
        503: OpenApiResponse(description="The server cannot make PDFs (no LibreOffice); `detail` says so."),
    })
    @action(detail=True, methods=["get"], url_path="document-pdf", renderer_classes=[JSONRenderer, PdfRenderer])
    def document_pdf(self, request, pk=None):
        """The plan's official document as PDF/A, made from the .docx; of an issued plan the stored
        file, the same bytes at every download."""
        plan = self.get_object()
        try:
            content = signatures.pdf_for_download(plan)
        except PdfUnavailable as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return file_response(content, documents.file_name(plan, "pdf"), PDF)

    @extend_schema(responses={200: SignedFileSerializer(many=True), 404: TRANSITION_ERRORS[404]})
    @action(detail=True, methods=["get"], pagination_class=None)
    def signatures(self, request, pk=None):
        """Each signed file of the plan (approved version, issued document) with the signatures
        found in its bytes now: a file changed after signing shows its signatures invalid."""
        return Response(SignedFileSerializer(signatures.signatures_of(self.get_object()), many=True).data)

    @extend_schema(request={"multipart/form-data": SignedUploadSerializer},
                   responses={200: SignedFileSerializer(many=True), **TRANSITION_ERRORS,
                              503: OpenApiResponse(description="The server cannot make PDFs (no LibreOffice).")})
    @action(detail=True, methods=["post"], parser_classes=[MultiPartParser])
    def sign(self, request, pk=None):
        """The approving leader uploads document-pdf signed with their own token. It is kept only if
        it is that file with signatures added, every signature valid, the last covering the whole
        file, and the new one made with a certificate registered to the approving leader."""
        plan = self.get_object()
        require(PLAN_RULES, "sign", request.user, plan)  # who may sign, before the body is read
        upload = checked_body(SignedUploadSerializer, request)["file"]
        if upload.size > settings.SIGNING_MAX_UPLOAD_BYTES:
            raise DRFValidationError({"file": [_("The file is larger than allowed.")]})
        try:
            signatures.upload_signed(plan, upload.read(), by=request.user)
        except PdfUnavailable as exc:
            return Response({"detail": str(exc)}, status=status.HTTP_503_SERVICE_UNAVAILABLE)
        return Response(SignedFileSerializer(signatures.signatures_of(plan), many=True).data)

    @extend_schema(parameters=[ProgressQuerySerializer],
                   responses={200: PlanProgressSerializer, 404: TRANSITION_ERRORS[404]})
    @action(detail=True, methods=["get"])
    def progress(self, request, pk=None):
        """Every recipient's state and due moments, for the people of the issuing unit only."""
        plan = self.get_object()
        if plan.issuing_unit_id not in selectors.user_unit_ids(request.user):
            raise NotFound()  # a recipient sees its own assignment, never the others'
        query = checked_query(ProgressQuerySerializer, request)
        now = timezone.now()
        progress = selectors.plan_progress_page(plan, now, group=query.get("group", ""), q=query.get("q", ""),
                                                page=query.get("page"))
        rows = list(progress.page)
        data = {"count": progress.page.paginator.count, "total": progress.total, "accepted": progress.accepted,
                "page": progress.page.number, "pages": progress.page.paginator.num_pages,
                "summary": progress.summary, "assignments": rows,
                "rollup": selectors.plan_rollup(plan, assignments=[a.pk for a in rows])}
        return Response(PlanProgressSerializer(data, context={"now": now}).data)


@extend_schema_view(
    list=extend_schema(parameters=[AssignmentFilterSerializer]),
    retrieve=extend_schema(responses={200: AssignmentSerializer, 404: TRANSITION_ERRORS[404]}),
)
class AssignmentViewSet(TransitionActions, viewsets.ReadOnlyModelViewSet):
    """Assignments of the person's units, and every assignment of plans their units issued."""

    serializer_class = AssignmentSerializer
    service_object = "assignment"

    def get_queryset(self):
        if schema_only(self):
            return Assignment.objects.none()
        return selectors.assignments_visible_to(self.request.user)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now()}

    def _answer(self, assignment):
        return Response(self.get_serializer(self.get_queryset().get(pk=assignment.pk)).data)

    def list(self, request, *args, **kwargs):
        # Newest plan first, on the (plan desc, unit) index: the default order by the unit's tree
        # path would sort every visible row (2,000,000 for the centre) to show a hundred.
        assignments = (self.get_queryset().filter(**checked_query(AssignmentFilterSerializer, request))
                       .order_by("-plan_id", "unit_id"))
        page = self.paginate_queryset(assignments)
        units = [a.unit for a in page] + [a.plan.issuing_unit for a in page]
        context = {**self.get_serializer_context(), "actor": PagePermissions(request.user, units)}
        return self.get_paginated_response(self.get_serializer(page, many=True, context=context).data)

    receive = transition_action(
        "receive", services.assignment_receive, CommentSerializer, AssignmentSerializer,
        "The recipient unit confirms it has received the plan.")

    @extend_schema(request=ReportInputSerializer, responses={201: ReportSerializer, **TRANSITION_ERRORS})
    @action(detail=True, methods=["post"])
    def report(self, request, pk=None):
        """The recipient unit reports; a report sent again after a return is a new version."""
        assignment = self.get_object()
        text = checked_body(ReportInputSerializer, request)["text"]
        report = services.assignment_report(assignment=assignment, by=request.user, text=text)
        report = selectors.reports_visible_to(request.user).get(pk=report.pk)
        return Response(ReportSerializer(report).data, status=status.HTTP_201_CREATED)

    accept = transition_action(
        "accept", services.assignment_accept, CommentSerializer, AssignmentSerializer,
        "The issuing unit accepts the report; the last acceptance closes the plan.")

    return_ = transition_action(
        "return", services.assignment_return, RequiredCommentSerializer, AssignmentSerializer,
        "The issuing unit sends the report back with a comment; the unit reports again.")

    @extend_schema(responses={200: HistoryEntrySerializer(many=True), 404: TRANSITION_ERRORS[404]})
    @action(detail=True, methods=["get"], pagination_class=None)  # a plain list, not a page
    def history(self, request, pk=None):
        return _history(history_of(self.get_object()), AssignmentState.choices)


@extend_schema_view(
    list=extend_schema(parameters=[ReportFilterSerializer]),
    retrieve=extend_schema(responses={200: ReportSerializer, 404: TRANSITION_ERRORS[404]}),
)
class ReportViewSet(viewsets.ReadOnlyModelViewSet):
    """Every version of every report the person may see; a returned report keeps its old versions."""

    serializer_class = ReportSerializer

    def get_queryset(self):
        if schema_only(self):
            return Report.objects.none()
        return selectors.reports_visible_to(self.request.user)

    def filter_queryset(self, queryset):
        if self.action == "list":
            # Newest first on the primary key: the default order joins and sorts every visible row.
            queryset = queryset.filter(**checked_query(ReportFilterSerializer, self.request)).order_by("-pk")
        return super().filter_queryset(queryset)
