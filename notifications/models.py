"""In-app notifications (with their e-mail copy) and each person's delivery preference."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    TASK = "task", _("New task")
    RETURNED = "returned", _("Returned")
    APPROVED = "approved", _("Approved")
    REMINDER = "reminder", _("Reminder")
    OVERDUE = "overdue", _("Overdue")
    ESCALATION = "escalation", _("Escalation")


# What the deadlines sweep sends; the other kinds come from workflow events.
DEADLINE_KINDS = (NotificationKind.REMINDER, NotificationKind.OVERDUE, NotificationKind.ESCALATION)


class Notification(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications",
                                  verbose_name=_("recipient"))
    kind = models.CharField(_("kind"), max_length=12, choices=NotificationKind.choices)
    title = models.CharField(_("title"), max_length=300)
    body = models.TextField(_("message"), blank=True)
    url = models.CharField(max_length=300, blank=True)
    # Set when the person receives this in place of a leader who delegated to them.
    delegated_from = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                       related_name="+", verbose_name=_("on behalf of"))
    created_at = models.DateTimeField(_("sent at"), default=timezone.now)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    # The e-mail copy (notifications.emails): claimed_at is a sender's lease on the row, taken
    # again once older than settings.EMAIL_CLAIM_LEASE; emailed_at is set when the mail server
    # has accepted the message, and only then.
    claimed_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            # The header's unread count and the person's list.
            models.Index(fields=["recipient", "created_at"], name="notification_recipient"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
            # The e-mail sweep's range: the last day's rows not yet e-mailed, without reading
            # the ones already sent (nearly all of them).
            models.Index(fields=["created_at"], condition=Q(emailed_at__isnull=True), name="notification_unemailed"),
        ]

    def __str__(self):
        return self.title


class NotificationPreference(models.Model):
    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_pref")
    email = models.BooleanField(_("send e-mail"), default=True)
    daily_digest = models.BooleanField(_("one daily digest instead of an e-mail each time"), default=False)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self):
        return str(self.user)
