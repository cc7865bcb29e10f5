"""Indicators over REST, with the UI's rules: objects come from the visibility selectors (another
unit's plan or assignment is a 404; the results by unit are the issuing unit's alone, like
/progress/), every change is a call to plans.indicators.services (its ValidationError is a 400 with
the service's messages, ActionForbidden a 403, in core.api.exception_handler)."""

from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import generics, status
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from core.api import EDIT_ERRORS, NOT_FOUND, TRANSITION_ERRORS, checked_body, schema_only
from core.files import DOCX, XLSX, DocxRenderer, XlsxRenderer, file_response
from plans import selectors as plan_selectors
from plans.models import Indicator, Plan

from . import selectors, services
from .serializers import (
    FiguresInputSerializer,
    FiguresSerializer,
    IndicatorInputSerializer,
    IndicatorSerializer,
    IndicatorSummarySerializer,
    summary_data,
)
from .summary import plan_indicator_summary

WRITE_ERRORS = {
    400: OpenApiResponse(description="Invalid fields, or the plan is no longer a draft; the service's messages."),
    403: EDIT_ERRORS[403],
    404: TRANSITION_ERRORS[404],
}


class _PlanMixin:
    """The plan of the URL, among those the person may see."""

    def plan(self) -> Plan:
        return get_object_or_404(plan_selectors.plans_visible_to(self.request.user), pk=self.kwargs["id"])

    def own_plan(self) -> Plan:
        """A plan of the person's own units: a recipient of it gets a 404, as for /progress/."""
        return get_object_or_404(selectors.plans_of_own_units(self.request.user), pk=self.kwargs["id"])


class PlanIndicatorList(_PlanMixin, generics.ListAPIView):
    """The indicators (chỉ tiêu) of a plan, in the plan's order. Added while the plan is a draft."""

    serializer_class = IndicatorSerializer
    pagination_class = None  # a plan has tens of indicators, never pages of them

    def get_queryset(self):
        if schema_only(self):
            return Indicator.objects.none()
        return selectors.plan_indicators(self.plan())

    @extend_schema(responses={200: IndicatorSerializer(many=True), **NOT_FOUND})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=IndicatorInputSerializer, responses={201: IndicatorSerializer, **WRITE_ERRORS})
    def post(self, request, *args, **kwargs):
        plan = self.plan()
        fields = checked_body(IndicatorInputSerializer, request)
        indicator = services.indicator_save(plan=plan, by=request.user, **fields)
        return Response(IndicatorSerializer(indicator).data, status=status.HTTP_201_CREATED)


class PlanIndicatorDetail(_PlanMixin, generics.RetrieveAPIView):
    """One indicator; changed or deleted while the plan is a draft."""

    serializer_class = IndicatorSerializer
    lookup_url_kwarg = "indicator_id"

    def get_queryset(self):
        if schema_only(self):
            return Indicator.objects.none()
        return selectors.plan_indicators(self.plan())

    def _save(self, request, partial):
        indicator = self.get_object()
        fields = checked_body(IndicatorInputSerializer, request, partial=partial)
        indicator = services.indicator_save(plan=indicator.plan, by=request.user, indicator=indicator, **fields)
        return Response(IndicatorSerializer(indicator).data)

    @extend_schema(responses={200: IndicatorSerializer, **NOT_FOUND})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    @extend_schema(request=IndicatorInputSerializer, responses={200: IndicatorSerializer, **WRITE_ERRORS})
    def put(self, request, *args, **kwargs):
        return self._save(request, partial=False)

    @extend_schema(request=IndicatorInputSerializer, responses={200: IndicatorSerializer, **WRITE_ERRORS})
    def patch(self, request, *args, **kwargs):
        return self._save(request, partial=True)

    @extend_schema(responses={204: None, **WRITE_ERRORS})
    def delete(self, request, *args, **kwargs):
        services.indicator_delete(indicator=self.get_object(), by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class PlanIndicatorSummary(_PlanMixin, APIView):
    @extend_schema(
        parameters=[OpenApiParameter("previous", int, description="A plan of the previous period to compare with "
                                     "(matched by indicator code): adds `previous` and `change`.")],
        responses={200: IndicatorSummarySerializer, **NOT_FOUND},
    )
    def get(self, request, id):
        """Results against the targets, per indicator and per unit, for the issuing unit only.

        `result` is Σ values, Σ numerators ÷ Σ denominators × 100, or the share of units meeting
        their condition; a unit that has not reported is left out and counted in `missing`.
        """
        previous = None
        if request.query_params.get("previous"):
            previous_id = request.query_params["previous"]
            if not previous_id.isdigit():
                raise ValidationError({"previous": _("A plan id is a whole number.")})
            previous = get_object_or_404(selectors.plans_of_own_units(request.user), pk=int(previous_id))
        summary = plan_indicator_summary(self.own_plan(), previous=previous)
        return Response(IndicatorSummarySerializer(summary_data(summary)).data)


class PlanIndicatorExportXlsx(_PlanMixin, APIView):
    renderer_classes = [JSONRenderer, XlsxRenderer]

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY, **NOT_FOUND})
    def get(self, request, id):
        """The units × indicators matrix as an Excel workbook (issuing unit only)."""
        from .exports import matrix_xlsx

        plan = self.own_plan()
        return file_response(matrix_xlsx(plan_indicator_summary(plan)), f"ket-qua-chi-tieu-{plan.pk}.xlsx", XLSX)


class PlanIndicatorExportDocx(_PlanMixin, APIView):
    renderer_classes = [JSONRenderer, DocxRenderer]

    @extend_schema(responses={(200, DOCX): OpenApiTypes.BINARY, **NOT_FOUND})
    def get(self, request, id):
        """The "Kết quả thực hiện các chỉ tiêu" section as a Word document (issuing unit only)."""
        from .exports import report_year, results_docx

        plan = self.own_plan()
        content = results_docx(plan_indicator_summary(plan), year=report_year(plan))
        return file_response(content, f"ket-qua-chi-tieu-{plan.pk}.docx", DOCX)


class _FiguresView(APIView):
    """GET the figures, PUT or POST {cutoff_date, values: [{code, value | numerator, denominator, note}]}."""

    def unit(self):
        raise NotImplementedError

    def entries(self):
        raise NotImplementedError

    def editable(self) -> bool:
        raise NotImplementedError

    def store(self, entries, cutoff_date) -> int:
        raise NotImplementedError

    def _answer(self):
        unit = self.unit()
        data = {"unit": {"id": unit.pk, "code": unit.code, "name": unit.name}, "editable": self.editable(),
                "values": self.entries()}
        return Response(FiguresSerializer(data).data)

    def _store(self, request):
        body = FiguresInputSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        self.store(body.entries(), body.validated_data.get("cutoff_date"))
        return self._answer()


class AssignmentFigures(_FiguresView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.assignment = get_object_or_404(plan_selectors.assignments_visible_to(request.user), pk=kwargs["id"])

    def unit(self):
        return self.assignment.unit

    def entries(self):
        return selectors.unit_entries(self.assignment)

    def editable(self):
        return selectors.may_enter_figures(self.request.user, self.assignment)

    def store(self, entries, cutoff_date):
        return services.indicator_values_set(assignment=self.assignment, by=self.request.user, entries=entries,
                                             cutoff_date=cutoff_date)

    @extend_schema(responses={200: FiguresSerializer, **NOT_FOUND})
    def get(self, request, id):
        """The recipient unit's figures for the plan's indicators (the issuer's own ones left out)."""
        return self._answer()

    @extend_schema(request=FiguresInputSerializer, responses={200: FiguresSerializer, **WRITE_ERRORS})
    def put(self, request, id):
        """The unit enters its figures, after receipt and before its report; all or nothing."""
        return self._store(request)

    @extend_schema(request=FiguresInputSerializer, responses={200: FiguresSerializer, **WRITE_ERRORS})
    def post(self, request, id):
        """Same as PUT."""
        return self._store(request)


class IssuerFigures(_FiguresView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        self.plan = get_object_or_404(selectors.plans_of_own_units(request.user), pk=kwargs["id"])

    def unit(self):
        return self.plan.issuing_unit

    def entries(self):
        return selectors.issuer_entries(self.plan)

    def editable(self):
        return selectors.may_enter_issuer_figures(self.request.user, self.plan)

    def store(self, entries, cutoff_date):
        return services.issuer_values_set(plan=self.plan, by=self.request.user, entries=entries,
                                          cutoff_date=cutoff_date)

    @extend_schema(responses={200: FiguresSerializer, **NOT_FOUND})
    def get(self, request, id):
        """The issuing unit's own figures (indicators reported by the issuer only)."""
        return self._answer()

    @extend_schema(request=FiguresInputSerializer, responses={200: FiguresSerializer, **WRITE_ERRORS})
    def put(self, request, id):
        """The issuing unit enters its own figures while the plan is issued."""
        return self._store(request)


class AssignmentFiguresTemplate(APIView):
    renderer_classes = [JSONRenderer, XlsxRenderer]

    @extend_schema(responses={(200, XLSX): OpenApiTypes.BINARY, **NOT_FOUND})
    def get(self, request, id):
        """The Excel template the unit fills in with its figures (uploaded on its assignment page)."""
        from .excel import assignment_template

        assignment = get_object_or_404(plan_selectors.assignments_visible_to(request.user), pk=id)
        filename = f"chi-tieu-{assignment.unit.code}-{assignment.plan_id}.xlsx"
        return file_response(assignment_template(assignment), filename, XLSX)

