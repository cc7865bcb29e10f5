"""Reads of signing: the certificates that can sign on the server, and the signatures of a file
as found in its bytes (never as remembered: a file changed on disk shows as changed)."""

import datetime
import hashlib
import logging
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import gettext as _

from . import pdf
from .certificates import fingerprint_of
from .models import Authority, Certificate, SignedFile

# pyHanko logs a traceback for every signature it cannot trust; the verdict is shown instead.
logging.getLogger("pyhanko.sign.validation.generic_cms").setLevel(logging.CRITICAL)
logging.getLogger("pyhanko_certvalidator").setLevel(logging.CRITICAL)


@dataclass(frozen=True)
class Signature:
    """One signature of a file as a person reads it."""

    field_name: str
    signer_name: str          # the certificate's common name
    certificate: Certificate | None  # the registered certificate, hence the person or unit
    signed_at: datetime.datetime | None
    valid: bool
    problem: str              # why it is not valid (Vietnamese), empty when valid
    covers_whole_file: bool

    @property
    def owner_name(self) -> str:
        return self.certificate.owner_name if self.certificate is not None else ""


def trust_roots() -> list[bytes]:
    return [bytes(der) for der in Authority.objects.filter(active=True).values_list("certificate_der", flat=True)]


def server_certificate(*, user=None, unit=None) -> Certificate | None:
    """The certificate that signs on the server for a person or a unit: active, valid today, with
    its key kept here; the newest if there are several."""
    now = timezone.now()
    owner = {"user": user} if user is not None else {"unit": unit}
    return (Certificate.objects.filter(**owner, active=True, sealed_pkcs12__isnull=False,
                                       not_before__lte=now, not_after__gte=now)
            .select_related("user", "unit").order_by("-not_after", "-pk").first())


def signed_files_of(document):
    """Every file `document` is signed on, oldest first."""
    return SignedFile.objects.filter(content_type=ContentType.objects.get_for_model(document),
                                     object_id=document.pk).order_by("created_at", "pk")


def signed_file_of(document, stage: str) -> SignedFile | None:
    return signed_files_of(document).filter(stage=stage).first()


def read(signed_file: SignedFile) -> bytes:
    with signed_file.file.open("rb") as stored:
        return stored.read()


def _problem(found: pdf.FoundSignature) -> str:
    if not found.intact:
        return _("The document was changed after this signature.")
    if not found.valid:
        return _("The signature does not match the certificate.")
    if found.modified_after:
        return _("The document was changed after this signature.")
    if not found.trusted:
        return _("The certificate is not issued by a trusted certificate authority.")
    return ""


def _found(content: bytes, roots: list[bytes]) -> list[pdf.FoundSignature] | None:
    """Validation results, cached by the bytes and the trusted authorities (a changed byte is a new
    key, so it is validated again). None when the file cannot be read as a PDF."""
    digest = hashlib.sha256(content).hexdigest()
    roots_digest = hashlib.sha256(b"".join(sorted(fingerprint_of(r).encode() for r in roots))).hexdigest()
    key = f"signing:found:{digest}:{roots_digest}"
    found = cache.get(key)
    if found is None:
        try:
            found = pdf.signatures_in(content, trust_roots=roots)
        except pdf.UnreadablePdf:
            found = "unreadable"
        cache.set(key, found, 3600)
    return None if found == "unreadable" else found


def signatures_in(content: bytes) -> list[Signature] | None:
    """The signatures of these bytes, oldest first, each mapped to its registered certificate;
    None when the bytes are not a readable PDF (a damaged signed file)."""
    found = _found(content, trust_roots())
    if found is None:
        return None
    certificates = Certificate.objects.select_related("user", "unit").in_bulk(
        [fingerprint_of(f.certificate_der) for f in found if f.certificate_der], field_name="fingerprint")
    return [
        Signature(field_name=f.field_name, signer_name=f.signer_name,
                  certificate=certificates.get(fingerprint_of(f.certificate_der)) if f.certificate_der else None,
                  signed_at=f.signed_at, valid=f.ok, problem=_problem(f), covers_whole_file=f.covers_whole_file)
        for f in found
    ]


@dataclass(frozen=True)
class FileSignatures:
    """What a download shows: the file's signatures, or that the file is damaged."""

    signed_file: SignedFile
    signatures: list[Signature]
    damaged: bool
    sha256: str

    @property
    def all_valid(self) -> bool:
        return not self.damaged and bool(self.signatures) and all(s.valid for s in self.signatures)


def signatures_of(signed_file: SignedFile) -> FileSignatures:
    try:
        content = read(signed_file)
    except OSError:  # the file is gone from storage: nothing can be shown as signed
        return FileSignatures(signed_file=signed_file, signatures=[], damaged=True, sha256="")
    found = signatures_in(content)
    return FileSignatures(signed_file=signed_file, signatures=found or [], damaged=found is None,
                          sha256=hashlib.sha256(content).hexdigest())
