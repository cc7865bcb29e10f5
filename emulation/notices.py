"""Telling the units' people that the emulation is open: the sheets' first tasks are inserted in
bulk (workflows.engine.processes_start_bulk) and fire no signal, so they are told here, in one
query for the people and one insert for the notices, whatever the number of units."""

from django.conf import settings
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from notifications.models import NotificationKind
from notifications.recipients import unit_handlers
from notifications.services import Message, Recipient, notify_each

from .inbox import NOTICES


def sheets_opened(emulation, sheets) -> None:
    handlers = unit_handlers({sheet.unit_id for sheet in sheets})
    marker = 987654321  # one reverse() for every link
    head, tail = reverse("emulation:sheet", args=[marker]).split(str(marker), 1)
    with translation.override(settings.LANGUAGE_CODE):
        title = str(NOTICES["assess"]) % {"subject": emulation.subject}
        due = formats.date_format(timezone.localtime(emulation.self_assessment_due), "SHORT_DATETIME_FORMAT")
        body = gettext("%(organiser)s opened the emulation. Send your unit's self-assessment by %(due)s.") % {
            "organiser": emulation.table.organiser.name, "due": due}
    notify_each(kind=NotificationKind.TASK, messages=[
        Message(Recipient(user_id), title, body, f"{head}{sheet.pk}{tail}")
        for sheet in sheets for user_id in handlers.get(sheet.unit_id, ())
    ])
