"""Mechanisms shared by plans and inspections: transition history, numbering, attachments."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models, router, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import hashchain
from .text import fold


class TransitionLogQuerySet(models.QuerySet):
    def bulk_create(self, objs, *args, **kwargs):
        # Every insert path extends the hash chain (apply_in_bulk, benches, tests), not only save().
        objs = list(objs)
        using = self.db
        with transaction.atomic(using=using):
            hashchain.lock_chain(using)
            hashchain.seal(objs, using)
            return super().bulk_create(objs, *args, **kwargs)


class TransitionLog(models.Model):
    """One state change of any object, or an edit of its content (`changes`): who, when, from, to,
    and the comment. Append-only, and a link of the audit hash chain (core.hashchain, core.audit)."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    transition = models.CharField(_("action"), max_length=40)
    source = models.CharField(_("from"), max_length=40)
    target = models.CharField(_("to"), max_length=40)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    at = models.DateTimeField(_("at"), default=timezone.now)
    comment = models.TextField(_("comment"), blank=True)
    # Set when `by` acted as the deputy of a leader who was away (ủy quyền).
    on_behalf_of = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+",
        verbose_name=_("on behalf of"),
    )
    # An edit's fields, {"field": [before, after]}; None for a state change.
    changes = models.JSONField(_("changes"), null=True, blank=True)
    # sha256 of prev_hash + this row's canonical content (core.hashchain.content_of).
    prev_hash = models.CharField(max_length=64, editable=False)
    hash = models.CharField(_("hash"), max_length=64, editable=False)

    objects = TransitionLogQuerySet.as_manager()

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")
        # "History of this object", newest last: every detail page.
        indexes = [models.Index(fields=["content_type", "object_id", "at"], name="transitionlog_subject")]

    def __str__(self):
        return f"{self.source} → {self.target} ({self.transition})"

    def save(self, *args, **kwargs):
        if self.pk:
            raise ValueError("History is append-only")
        using = kwargs.get("using") or router.db_for_write(type(self), instance=self)
        # A plain save(), not bulk_create: receivers of post_save (notifications) must still run.
        with transaction.atomic(using=using):
            hashchain.lock_chain(using)
            hashchain.seal([self], using)
            super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("History is append-only")


class AuditAnchor(models.Model):
    """Where the audit chain starts after `audit_purge` removed its oldest rows: the hash of the
    last row removed, which the first remaining row's prev_hash must equal."""

    last_purged_pk = models.PositiveBigIntegerField()
    hash = models.CharField(max_length=64)
    cutoff = models.DateTimeField()
    deleted = models.PositiveIntegerField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("audit purge anchor")
        verbose_name_plural = _("audit purge anchors")

    def __str__(self):
        return f"≤ {self.last_purged_pk}: {self.hash[:12]}"


class DocumentSequence(models.Model):
    """The last number used in one numbering scope (issuer × kind × period)."""

    scope = models.CharField(max_length=200, unique=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("document number sequence")
        verbose_name_plural = _("document number sequences")

    def __str__(self):
        return f"{self.scope}: {self.last_number}"


class NumberedDocument(models.Model):
    """A document that gets a number (số ký hiệu) when issued: the sequence it was taken from and
    its place in it, unique inside the scope. The number text itself is a field of the subclass.

    A subclass Meta that declares `constraints` must subclass NumberedDocument.Meta and include
    `*NumberedDocument.Meta.constraints`.
    """

    # The text field stays per subclass: Inspection calls it `decision_number` (templates, API).
    number_field = "number"

    number_scope = models.CharField(max_length=200, blank=True, editable=False)
    number_seq = models.PositiveIntegerField(null=True, blank=True, editable=False)
    # The number and subject folded (core.text.fold): the inbox and the lists search it with a
    # plain `contains`, ignoring case and diacritics, on SQLite as on PostgreSQL.
    search_text = models.TextField(editable=False, blank=True)

    class Meta:
        abstract = True
        constraints = [
            # Gap-free and unique inside a numbering scope; NULL until issued.
            models.UniqueConstraint(
                fields=["number_scope", "number_seq"], condition=Q(number_seq__isnull=False),
                name="%(class)s_number_unique_in_scope",
            )
        ]

    def save(self, *args, **kwargs):
        self.search_text = fold(f"{getattr(self, self.number_field)} {getattr(self, 'subject', '')}")
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_text"}
        super().save(*args, **kwargs)

    def take_number(self, number):
        """Write a core.numbering.DocumentNumber onto the row (in the issuing transition)."""
        setattr(self, self.number_field, number.text)
        self.number_scope = number.scope
        self.number_seq = number.seq


class Attachment(models.Model):
    """A file attached to a plan, report, finding… Stored under a random name, served only
    through a view that checks the viewer may see the object it belongs to."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    owner = GenericForeignKey("content_type", "object_id")
    file = models.FileField(upload_to="attachments/%Y/%m/", max_length=255)
    original_name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveBigIntegerField(_("size"))
    mime_type = models.CharField(max_length=100)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        indexes = [models.Index(fields=["content_type", "object_id"], name="attachment_owner")]

    def __str__(self):
        return self.original_name
