import django_filters
from drf_spectacular.utils import extend_schema
from rest_framework import viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from . import lineage
from .models import Unit
from .serializers import MeSerializer, UnitSerializer


class MeView(APIView):
    @extend_schema(responses=MeSerializer)
    def get(self, request):
        return Response(MeSerializer(request.user).data)


class UnitFilter(django_filters.FilterSet):
    parent = django_filters.CharFilter(method="filter_parent", label="Parent unit code or id")
    level = django_filters.CharFilter(field_name="level__code", label="Level code")
    subtree = django_filters.CharFilter(
        method="filter_subtree", label="Unit code or id: it and everything below"
    )
    q = django_filters.CharFilter(field_name="name", lookup_expr="icontains", label="Name contains")

    class Meta:
        model = Unit
        fields = ["parent", "level", "subtree", "q"]

    def _unit(self, value):
        lookup = {"pk": value} if value.isdigit() else {"code": value}
        return Unit.objects.filter(**lookup).first()

    def filter_parent(self, queryset, name, value):
        unit = self._unit(value)
        if unit is None:
            return queryset.none()
        return queryset.filter(path__startswith=unit.path, depth=unit.depth + 1)

    def filter_subtree(self, queryset, name, value):
        unit = self._unit(value)
        if unit is None:
            return queryset.none()
        return queryset.filter(path__startswith=unit.path)


class UnitViewSet(viewsets.ReadOnlyModelViewSet):
    """The unit tree. Its shape is not secret inside the organisation: every user may read it."""

    queryset = Unit.objects.select_related("level").order_by("path")
    serializer_class = UnitSerializer
    filterset_class = UnitFilter

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "parent_codes": getattr(self, "_parent_codes", {}),
                "neighbours": getattr(self, "_neighbours", {})}

    def retrieve(self, request, *args, **kwargs):
        unit = self.get_object()
        self._parent_codes = dict(Unit.objects.filter(path=unit.path[: -Unit.steplen]).values_list("path", "code"))
        self._neighbours = lineage.neighbours_of([unit.pk])
        return Response(self.get_serializer(unit).data)

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        self._parent_codes = dict(
            Unit.objects.filter(path__in={u.path[: -Unit.steplen] for u in page}).values_list("path", "code")
        )
        self._neighbours = lineage.neighbours_of(u.pk for u in page)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

