"""Reading certificates: from a PKCS#12 archive (key and certificate, for signing on the server) or
from a certificate file alone (PEM or DER, for a person who signs with their own token)."""

import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import NameOID
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class CertificateFacts:
    der: bytes
    subject: str
    common_name: str
    issuer: str
    serial: str
    fingerprint: str
    not_before: object
    not_after: object


def fingerprint_of(der: bytes) -> str:
    return hashlib.sha256(der).hexdigest()


def facts_of(certificate: x509.Certificate) -> CertificateFacts:
    der = certificate.public_bytes(serialization.Encoding.DER)
    names = certificate.subject.get_attributes_for_oid(NameOID.COMMON_NAME)
    return CertificateFacts(
        der=der, subject=certificate.subject.rfc4514_string(),
        common_name=str(names[0].value) if names else certificate.subject.rfc4514_string(),
        issuer=certificate.issuer.rfc4514_string(), serial=format(certificate.serial_number, "X"),
        fingerprint=fingerprint_of(der),
        not_before=certificate.not_valid_before_utc, not_after=certificate.not_valid_after_utc,
    )


def read_certificate(data: bytes) -> CertificateFacts:
    """A certificate from PEM or DER bytes, or ValidationError in Vietnamese."""
    for load in (x509.load_pem_x509_certificate, x509.load_der_x509_certificate):
        try:
            return facts_of(load(data))
        except ValueError:
            continue
    raise ValidationError(_("The file is not a certificate (.cer, .crt or .pem)."), code="not_certificate")


def read_pkcs12(data: bytes, passphrase: str) -> CertificateFacts:
    """The certificate of a PKCS#12 archive that holds its private key, or ValidationError."""
    try:
        key, certificate, _chain = pkcs12.load_key_and_certificates(data, passphrase.encode() or None)
    except ValueError as exc:
        raise ValidationError(_("The .p12 file could not be opened: check the file and its password."),
                              code="bad_pkcs12") from exc
    if key is None or certificate is None:
        raise ValidationError(_("The .p12 file holds no certificate with its private key."), code="no_key")
    return facts_of(certificate)
