"""Writes of signing: certificates registered, files opened for signing, signatures added on the
server or uploaded from a person's own tool. Each signature is added with the file's row locked,
so two at once are applied one after the other, never one over the other."""

import hashlib
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from . import pdf, sealing, selectors
from .certificates import CertificateFacts, read_certificate, read_pkcs12
from .models import Authority, Certificate, SignedFile, SigningEvent


def _certificate_save(facts: CertificateFacts, *, user, unit, **sealed) -> Certificate:
    if (user is None) == (unit is None):
        raise ValidationError(_("A certificate belongs to one person or to one unit."), code="owner")
    if Certificate.objects.filter(fingerprint=facts.fingerprint).exists():
        raise ValidationError(_("This certificate is already registered."), code="duplicate")
    return Certificate.objects.create(
        user=user, unit=unit, subject=facts.subject, common_name=facts.common_name, issuer=facts.issuer,
        serial=facts.serial, fingerprint=facts.fingerprint, certificate_der=facts.der,
        not_before=facts.not_before, not_after=facts.not_after, **sealed)


def certificate_register(*, data: bytes, user=None, unit=None) -> Certificate:
    """A certificate whose key stays on the owner's token: signatures uploaded under it are theirs."""
    return _certificate_save(read_certificate(data), user=user, unit=unit)


def certificate_register_with_key(*, pkcs12: bytes, passphrase: str, user=None, unit=None) -> Certificate:
    """A certificate with its key (PKCS#12), kept sealed, that signs on the server for its owner."""
    facts = read_pkcs12(pkcs12, passphrase)
    return _certificate_save(facts, user=user, unit=unit, sealed_pkcs12=sealing.seal(pkcs12),
                             sealed_passphrase=sealing.seal(passphrase.encode()))


def authority_add(*, name: str, data: bytes) -> Authority:
    facts = read_certificate(data)
    authority, _created = Authority.objects.get_or_create(
        fingerprint=facts.fingerprint, defaults={"name": name or facts.common_name, "certificate_der": facts.der})
    return authority


def _digest(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def signed_file_open(document, stage: str, content: bytes) -> SignedFile:
    """The file `document` is signed on at `stage`, made from `content` the first time; afterwards
    the stored one, whatever `content` is (the version signed is the one first fixed)."""
    content_type = ContentType.objects.get_for_model(document)
    existing = SignedFile.objects.filter(content_type=content_type, object_id=document.pk, stage=stage).first()
    if existing is not None:
        return existing
    signed_file = SignedFile(content_type=content_type, object_id=document.pk, stage=stage,
                             base_sha256=_digest(content), base_size=len(content), sha256=_digest(content))
    signed_file.file.save(f"{stage}-{content_type.model}-{document.pk}.pdf", ContentFile(content), save=False)
    try:
        with transaction.atomic():
            signed_file.save()
    except IntegrityError:  # opened at the same moment by someone else: theirs is the one
        signed_file.file.storage.delete(signed_file.file.name)
        return SignedFile.objects.get(content_type=content_type, object_id=document.pk, stage=stage)
    return signed_file


def _replace(signed_file: SignedFile, content: bytes, *, signatures: int) -> None:
    old = signed_file.file.name
    signed_file.file.save(f"{signed_file.stage}-{signed_file.content_type.model}-{signed_file.object_id}.pdf",
                          ContentFile(content), save=False)
    signed_file.sha256 = _digest(content)
    signed_file.signature_count = signatures
    signed_file.save(update_fields=["file", "sha256", "signature_count", "updated_at"])
    storage = signed_file.file.storage
    transaction.on_commit(lambda: storage.delete(old))


def _locked(signed_file: SignedFile) -> SignedFile:
    return SignedFile.objects.select_for_update().select_related("content_type").get(pk=signed_file.pk)


def _field_name(content: bytes, prefix: str) -> str:
    taken = set(pdf.field_names(content))
    return next(f"{prefix}{n}" for n in range(1, 100) if f"{prefix}{n}" not in taken)


@transaction.atomic
def sign_on_server(signed_file: SignedFile, certificate: Certificate, *, by, reason: str,
                   location: str) -> SignedFile:
    """Add the signature of `certificate` (which must hold its key) to the file."""
    if not certificate.signs_on_server:
        raise ValidationError(_("This certificate has no key on the server: its owner signs with their own token."),
                              code="no_key")
    signed_file = _locked(signed_file)
    content = selectors.read(signed_file)
    field = _field_name(content, "ChuKy")
    signed = pdf.sign(content, pkcs12=sealing.unseal(certificate.sealed_pkcs12),
                      passphrase=sealing.unseal(certificate.sealed_passphrase) or None,
                      field_name=field, reason=reason, location=location)
    _replace(signed_file, signed, signatures=signed_file.signature_count + 1)
    SigningEvent.objects.create(signed_file=signed_file, certificate=certificate, way=SigningEvent.Way.SERVER,
                                field_name=field, by=by)
    return signed_file


def upload_errors(current: bytes, uploaded: bytes, *, signers: Iterable) -> tuple[list[str], list]:
    """Why an uploaded signed PDF cannot replace `current`, and the new signatures if it can. The
    upload must be `current` with signatures appended, every signature valid and trusted, the last
    covering the whole file, and each new one made with a certificate registered to one of `signers`."""
    if len(uploaded) > settings.SIGNING_MAX_UPLOAD_BYTES:
        return [_("The file is larger than allowed.")], []
    if not uploaded.startswith(b"%PDF"):
        return [_("The file is not a PDF.")], []
    if len(uploaded) <= len(current) or not uploaded.startswith(current):
        return [_("The file is not the version given out for signing: download it again, sign it without "
                  "changing it, and upload the signed file.")], []
    found = selectors.signatures_in(uploaded)
    if found is None:
        return [_("The file is not a PDF.")], []
    before = selectors.signatures_in(current) or []
    new = found[len(before):]
    if not new:
        return [_("The file has no new signature.")], []
    errors = [f"{s.signer_name or _('Unknown signer')}: {s.problem}" for s in found if not s.valid]
    if not found[-1].covers_whole_file:
        errors.append(_("The last signature does not cover the whole file: something was added after it."))
    allowed = {person.pk for person in signers}
    for signature in new:
        certificate = signature.certificate
        if certificate is None or not certificate.active:
            errors.append(_("The certificate of %(name)s is not registered to anyone in the system.")
                          % {"name": signature.signer_name})
        elif certificate.user_id not in allowed:
            errors.append(_("%(name)s did not approve this document: only the approving leader's signature is "
                            "accepted.") % {"name": certificate.owner_name})
    return errors, new


@transaction.atomic
def accept_upload(signed_file: SignedFile, uploaded: bytes, *, by, signers: Iterable) -> SignedFile:
    """Replace the file by the signed one uploaded, after checking it (upload_errors); nothing is
    stored when any check fails."""
    signed_file = _locked(signed_file)
    errors, new = upload_errors(selectors.read(signed_file), uploaded, signers=signers)
    if errors:
        raise ValidationError(errors, code="signature")
    _replace(signed_file, uploaded, signatures=signed_file.signature_count + len(new))
    SigningEvent.objects.bulk_create([
        SigningEvent(signed_file=signed_file, certificate=s.certificate, way=SigningEvent.Way.UPLOAD,
                     field_name=s.field_name, by=by) for s in new])
    return signed_file
