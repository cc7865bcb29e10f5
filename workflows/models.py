from django.db import models
from django.utils.translation import gettext_lazy as _


class CalendarException(models.Model):
    """A day the `holidays` package does not know: an extra day off, or a make-up working
    Saturday (the government moves days around every year, e.g. Saturday 26/04/2025)."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"), help_text=_("Ticked: a make-up working day. Unticked: an extra day off.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("calendar exception")
        verbose_name_plural = _("calendar exceptions")

    def __str__(self):
        return f"{self.date:%d/%m/%Y}: {self.note}"
