from django.utils.translation import gettext as _


class TransitionNotAllowed(Exception):
    """An action that the object's current state does not allow. UI shows it; API answers 409."""

    def __init__(self, obj, action_label: str):
        self.obj = obj
        self.state_label = obj.get_state_display()
        self.action_label = action_label
        super().__init__(
            _("Cannot %(action)s: %(object)s is in state “%(state)s”.")
            % {"action": action_label, "object": obj._meta.verbose_name, "state": self.state_label}
        )


class TaskMissing(Exception):
    """The workflow has no open task for this step: its state and the object's disagree,
    usually because someone else just handled it (UI message; API 409)."""


class ActionForbidden(Exception):
    """The person may see the object but may not take this action on it (403)."""
