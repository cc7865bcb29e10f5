"""The person's own notifications over REST: list (newest first, ?unread=1 for unread only)
and mark one read. Another person's notification is a 404."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors, services
from .models import Notification, NotificationKind


class NotificationSerializer(serializers.ModelSerializer):
    # A plain string in the schema: a second enum named after "kind" would rename the plans' KindEnum.
    kind = serializers.CharField(read_only=True, help_text=", ".join(NotificationKind.values))
    delegated_from = serializers.StringRelatedField(help_text="The absent leader this was received on behalf of.")

    class Meta:
        model = Notification
        fields = ["id", "kind", "title", "body", "url", "delegated_from", "created_at", "read_at"]
        read_only_fields = fields


class NotificationList(generics.ListAPIView):
    serializer_class = NotificationSerializer

    @extend_schema(parameters=[OpenApiParameter("unread", bool, description="Only the unread ones.")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator has no user
            return Notification.objects.none()
        rows = selectors.notifications_of(self.request.user)
        if self.request.query_params.get("unread") in ("1", "true", "True"):
            rows = rows.filter(read_at__isnull=True)
        return rows


class NotificationRead(APIView):
    @extend_schema(request=None, responses=NotificationSerializer)
    def post(self, request, id):
        notification = get_object_or_404(selectors.notifications_of(request.user), pk=id)
        services.notification_open(notification=notification)
        return Response(NotificationSerializer(notification).data)
