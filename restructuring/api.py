"""The organisation's changes over REST: every signed-in person reads them (the unit tree is not
secret inside the organisation); administrators preview and apply an operation, with the same
checks as the form (restructuring.building: the codes, the shape, then what the operation refuses)."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response

from accounts.models import Unit
from core.api import NOT_FOUND, checked_body, checked_query, schema_only
from core.serializers import ErrorSerializer

from . import building, history
from .models import UnitChange
from .rules import REFUSAL, may_restructure
from .selectors import changes_of
from .serializers import (
    PreviewSerializer,
    UnitChangeFilterSerializer,
    UnitChangeInputSerializer,
    UnitChangeSerializer,
)


class MayRestructure(BasePermission):
    message = REFUSAL

    def has_permission(self, request, view):
        return may_restructure(request.user)


WRITE_ERRORS = {
    400: OpenApiResponse(description="Missing or invalid fields, by field; what the operation itself refuses (a date "
                                     "in the future, a unit that has ended, a cycle) under non_field_errors. Nothing "
                                     "changed."),
    403: OpenApiResponse(ErrorSerializer, description="Only administrators (is_staff) restructure the organisation."),
}


@extend_schema_view(
    list=extend_schema(parameters=[UnitChangeFilterSerializer]),
    retrieve=extend_schema(responses={200: UnitChangeSerializer, **NOT_FOUND}),
)
class UnitChangeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Changes of the organisation's shape (sắp xếp tổ chức), oldest first: renames, moves, merges,
    splits and dissolutions, each with the units before and after and what it carried."""

    serializer_class = UnitChangeSerializer

    def get_permissions(self):
        if self.action in ("create", "preview"):
            return [IsAuthenticated(), MayRestructure()]
        return super().get_permissions()

    def get_queryset(self):
        if schema_only(self):
            return UnitChange.objects.none()
        return history.unit_changes()

    def list(self, request, *args, **kwargs):
        unit_id = checked_query(UnitChangeFilterSerializer, request).get("unit")
        changes = self.get_queryset()
        if unit_id is not None:
            unit = Unit.objects.filter(pk=unit_id).first()
            changes = changes_of(unit) if unit is not None else changes.none()
        page = self.paginate_queryset(changes)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def _operation(self, request):
        fields = checked_body(UnitChangeInputSerializer, request)
        new_units = fields.get("new_units") or []
        successors = [building.Successor(code=code) for code in fields["new_codes"]]
        successors += [building.Successor(code=spec["code"], name=spec["name"], level=spec["level_code"],
                                          parent_code=spec["parent_code"]) for spec in new_units]
        names = building.Fields(successors="new_units" if new_units else "new_codes")
        return building.build(building.Request(
            kind=fields["kind"], old_codes=fields["old_codes"], effective_on=fields["effective_on"],
            decision=fields["decision"], successors=successors, new_name=fields["new_name"],
            new_parent_code=fields["new_parent_code"], move_people=fields["move_people"],
            overrides={(o["object"], o["id"]): o["successor"] for o in fields.get("overrides") or []},
        ), names)

    @staticmethod
    def _refuse_if_wrong(operation):
        errors = building.errors(operation)
        if errors:
            raise ValidationError({"non_field_errors": errors})

    def _answer(self, change, status_code):
        return Response(self.get_serializer(history.unit_changes().get(pk=change.pk)).data, status=status_code)

    @extend_schema(request=UnitChangeInputSerializer, responses={
        201: UnitChangeSerializer,
        200: OpenApiResponse(UnitChangeSerializer, description="Applied already: the change it made, unchanged."),
        **WRITE_ERRORS})
    def create(self, request, *args, **kwargs):
        """Apply an operation, all of it or nothing. The same operation sent again (same kind, units,
        successors, date and decision) changes nothing and answers the change it made, with 200."""
        operation = self._operation(request)
        existing = history.applied_change(operation)
        if existing is not None:
            return self._answer(existing, status.HTTP_200_OK)
        self._refuse_if_wrong(operation)
        return self._answer(operation.apply(by=request.user), status.HTTP_201_CREATED)

    @extend_schema(request=UnitChangeInputSerializer, responses={200: PreviewSerializer, **WRITE_ERRORS})
    @action(detail=False, methods=["post"])
    def preview(self, request):
        """What the operation would carry and end, by count and by id; changes nothing. Of an operation
        applied already, `applied` is the change it made and the lists are empty."""
        operation = self._operation(request)
        applied = history.applied_change(operation)
        if applied is None:
            self._refuse_if_wrong(operation)
        preview = operation.preview()
        carried = preview.carried

        def ids(objects):
            return [obj.pk for obj in objects]

        def moving(pairs):
            return [obj.pk for obj, _successor in pairs]

        data = {
            "applied": applied.pk if applied else None,
            "counts": {**carried.counts(), "positions_ending": len(preview.positions_ending),
                       "children_moving": len(preview.children_moving)},
            "assignments": moving(carried.assignments), "assignments_carried": moving(carried.assignments_carried),
            "plans": ids(carried.plans), "recipient_plans": ids(carried.recipient_plans),
            "targets": moving(carried.targets), "targets_kept": moving(carried.targets_kept),
            "inspections": ids(carried.inspections), "positions_ending": ids(preview.positions_ending),
            "people": ids(preview.people), "children_moving": [child.pk for child, _name in preview.children_moving],
        }
        return Response(PreviewSerializer(data).data)
