"""Certificates, the authorities trusted to issue them, and the signed PDFs of documents.

A certificate belongs to a person (their signature, ký số cá nhân) or to a unit (the organisation's
signature in place of its seal). It is known by its SHA-256 fingerprint: a signature found in a PDF
is mapped to the person through it, whoever's tool made the signature. Only a certificate uploaded
with its key (PKCS#12) can sign on the server; its key material is sealed (signing.sealing) with a
key from settings, so a copy of the database alone signs nothing.

A SignedFile is one PDF a document is signed on, linked generically (this app sits below plans and
inspections and imports neither): its bytes grow by incremental updates, one per signature.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accounts.models import Unit


class Authority(models.Model):
    """A certificate authority whose certificates are trusted (a root or an intermediate)."""

    name = models.CharField(_("name"), max_length=255)
    certificate_der = models.BinaryField(_("certificate"))
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True)
    active = models.BooleanField(_("trusted"), default=True)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("certificate authority")
        verbose_name_plural = _("certificate authorities")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Certificate(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("person"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="signing_certificates")
    unit = models.ForeignKey(Unit, verbose_name=_("unit"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="signing_certificates")
    subject = models.CharField(_("certificate subject"), max_length=500, editable=False)
    common_name = models.CharField(_("common name"), max_length=255, editable=False)
    issuer = models.CharField(_("issuer"), max_length=500, editable=False)
    serial = models.CharField(_("serial number"), max_length=100, editable=False)
    fingerprint = models.CharField(_("SHA-256 fingerprint"), max_length=64, unique=True, editable=False)
    certificate_der = models.BinaryField(_("certificate"), editable=False)
    not_before = models.DateTimeField(_("valid from"), editable=False)
    not_after = models.DateTimeField(_("valid until"), editable=False)
    # Fernet tokens (signing.sealing) of the PKCS#12 archive and its passphrase; empty for a
    # certificate whose key stays on the person's token.
    sealed_pkcs12 = models.BinaryField(null=True, blank=True, editable=False)
    sealed_passphrase = models.BinaryField(null=True, blank=True, editable=False)
    active = models.BooleanField(_("active"), default=True)
    added_at = models.DateTimeField(_("added at"), auto_now_add=True)

    class Meta:
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")
        ordering = ["common_name"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(user__isnull=False, unit__isnull=True) | Q(user__isnull=True, unit__isnull=False)),
                name="signing_certificate_one_owner"),
        ]

    def __str__(self):
        return self.common_name

    @property
    def signs_on_server(self) -> bool:
        return bool(self.sealed_pkcs12)

    @property
    def owner_name(self) -> str:
        return self.user.get_full_name() if self.user_id else self.unit.name


class SignedFile(models.Model):
    """The PDF a document is signed on at one stage of its life (approval, issuance)."""

    class Stage(models.TextChoices):
        APPROVAL = "approval", _("Approved version")
        ISSUE = "issue", _("Issued document")

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    document = GenericForeignKey("content_type", "object_id")
    stage = models.CharField(max_length=20, choices=Stage.choices)
    file = models.FileField(upload_to="signing/%Y/")
    # The bytes before any signature: every later version must start with them.
    base_sha256 = models.CharField(max_length=64)
    base_size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    signature_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["content_type", "object_id", "stage"],
                                               name="signing_file_one_per_stage")]

    def __str__(self):
        return f"{self.get_stage_display()} {self.content_type.model} #{self.object_id}"


class SigningEvent(models.Model):
    """Who added which signature to a file, and how: the PDF says whose key signed; this says who
    asked for it (the leader who approved, the clerk who issued, the leader who uploaded)."""

    class Way(models.TextChoices):
        SERVER = "server", _("Signed on the server")
        UPLOAD = "upload", _("Signed with the person's own token and uploaded")

    signed_file = models.ForeignKey(SignedFile, on_delete=models.CASCADE, related_name="events")
    certificate = models.ForeignKey(Certificate, on_delete=models.PROTECT, related_name="events")
    way = models.CharField(max_length=20, choices=Way.choices)
    field_name = models.CharField(max_length=100)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.field_name} ({self.get_way_display()})"
