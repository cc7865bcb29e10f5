from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self):
        from django.db.models.signals import post_save
        from viewflow.workflow.models import Task

        from core.models import TransitionLog

        from . import hooks

        post_save.connect(hooks.task_saved, sender=Task, dispatch_uid="notifications.task_saved")
        post_save.connect(hooks.transition_saved, sender=TransitionLog, dispatch_uid="notifications.transition_saved")
