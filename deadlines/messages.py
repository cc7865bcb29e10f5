"""What each level says. English msgids, Vietnamese in the catalogue; the text is written in the
site's language when the sweep runs (a Celery worker has no request language)."""

from django.utils import timezone
from django.utils.translation import gettext as _

from notifications.models import NotificationKind

from .models import Level

KIND = {
    Level.REMINDER: NotificationKind.REMINDER,
    Level.OVERDUE: NotificationKind.OVERDUE,
    Level.LEVEL2: NotificationKind.ESCALATION,
    Level.LEVEL3: NotificationKind.ESCALATION,
}


def due_text(due) -> str:
    return f"{timezone.localtime(due):%H:%M %d/%m/%Y}"


def title_and_body(level: str, *, what: str, unit: str, due) -> tuple[str, str]:
    values = {"what": what, "unit": unit, "due": due_text(due)}
    if level == Level.REMINDER:
        return (_("Reminder: %(what)s is due on %(due)s") % values,
                _("%(unit)s: please complete %(what)s by %(due)s.") % values)
    if level == Level.OVERDUE:
        return (_("Overdue: %(unit)s has not completed %(what)s, due %(due)s") % values,
                _("The deadline %(due)s has passed and %(unit)s has not completed %(what)s. "
                  "Please direct the unit to complete it.") % values)
    if level == Level.LEVEL2:
        return (_("Escalation: %(unit)s is late with %(what)s, due %(due)s") % values,
                _("The head of %(unit)s was told when %(what)s fell due on %(due)s; it is still not done.")
                % values)
    return (_("Escalation to the standing board: %(unit)s is late with %(what)s, due %(due)s") % values,
            _("%(unit)s has still not completed %(what)s, due %(due)s, after the unit's head, the issuing "
              "department and the leader in charge were told.") % values)
