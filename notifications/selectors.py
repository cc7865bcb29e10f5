"""Reads of a person's notifications: never anyone else's."""

from django.db.models import QuerySet

from .models import Notification


def notifications_of(user) -> QuerySet[Notification]:
    """Newest first, on the (recipient, created_at) index."""
    return Notification.objects.filter(recipient=user).select_related("delegated_from").order_by("-created_at", "-pk")


def unread_count(user) -> int:
    # Answered from the partial index notification_unread (recipient WHERE read_at IS NULL).
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
