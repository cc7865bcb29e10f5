"""A change of the organisation's shape on a date (sắp xếp tổ chức): one row per operation, with
the units before and after it, so every unit knows its predecessors and successors.

This app sits above the domain apps (import-linter layers): it carries their open work to the
successor units directly, the way dashboards read them, instead of each domain knowing about it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from accounts.models import Position, Unit


class ChangeKind(models.TextChoices):
    RENAME = "rename", _("Rename")
    MOVE = "move", _("Move under another parent")
    MERGE = "merge", _("Merge")
    SPLIT = "split", _("Split")
    DISSOLVE = "dissolve", _("Dissolve")


class UnitChange(models.Model):
    kind = models.CharField(_("kind of change"), max_length=20, choices=ChangeKind.choices)
    effective_on = models.DateField(_("effective on"))
    decision = models.CharField(_("decision"), max_length=100, blank=True,
                                help_text=_("The number of the decision that orders the change."))
    predecessors = models.ManyToManyField(Unit, related_name="changes_as_predecessor",
                                          verbose_name=_("units before"))
    successors = models.ManyToManyField(Unit, related_name="changes_as_successor", verbose_name=_("units after"))
    # Names, parents and what was carried, as they were: the unit's history page reads them.
    details = models.JSONField(default=dict)
    # Positions ended by the change: the people to re-appoint.
    ended_positions = models.ManyToManyField(Position, related_name="+", blank=True)
    # The same operation applied twice is recognised by this key and does nothing the second time.
    key = models.CharField(max_length=64, unique=True, editable=False)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("unit change")
        verbose_name_plural = _("unit changes")
        ordering = ["effective_on", "pk"]
        indexes = [models.Index(fields=["effective_on"], name="unit_change_date")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.effective_on:%d/%m/%Y} {self.decision}".strip()
