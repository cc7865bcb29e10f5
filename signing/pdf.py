"""PAdES signatures on PDFs with pyHanko: the one module of the project that imports it.

Signing appends an incremental update (the bytes before it stay as they were), so every earlier
signature still covers its revision, and a file signed elsewhere (a USB token, a mobile CA) can be
checked to start with exactly the bytes the system gave out. Validation never fetches anything:
the trust roots are the authorities stored in the database, revocation is not checked here
(docs/architecture.md "Documents" says what production adds).
"""

import datetime
import io
from dataclasses import dataclass

from asn1crypto import x509 as asn1_x509
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext


class UnreadablePdf(ValueError):
    """The bytes are not a PDF pyHanko can read (a changed byte in its structure does that)."""


@dataclass(frozen=True)
class FoundSignature:
    """One signature embedded in a PDF and what validation found. `certificate_der` identifies the
    signer's certificate (the system maps it to a person by its fingerprint)."""

    field_name: str
    signer_name: str
    certificate_der: bytes
    signed_at: datetime.datetime | None
    intact: bool          # the signed bytes are unchanged
    valid: bool           # the cryptographic signature checks with the certificate
    trusted: bool         # the certificate chains to a trusted authority
    covers_whole_file: bool
    modified_after: bool  # a later revision changed more than signatures and form fields

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted and not self.modified_after


def certificate_of(der: bytes) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(der)


def sign(content: bytes, *, pkcs12: bytes, passphrase: bytes | None, field_name: str, reason: str,
         location: str, chain: list[bytes] = ()) -> bytes:
    """`content` with one more signature, made with the key and certificate of a PKCS#12 archive."""
    signer = signers.SimpleSigner.load_pkcs12_data(pkcs12, other_certs=[certificate_of(c) for c in chain],
                                                   passphrase=passphrase)
    writer = IncrementalPdfFileWriter(io.BytesIO(content), strict=False)
    meta = signers.PdfSignatureMetadata(field_name=field_name, reason=reason, location=location,
                                        subfilter=fields.SigSeedSubFilter.PADES)
    return signers.sign_pdf(writer, meta, signer=signer).getvalue()


def field_names(content: bytes) -> list[str]:
    """The names of the signature fields already in the file (a new one needs a name of its own)."""
    try:
        return [sig.field_name for sig in PdfFileReader(io.BytesIO(content), strict=False).embedded_signatures]
    except Exception:  # noqa: BLE001 - pyHanko raises many types on a damaged file; none is kept
        return []


def signatures_in(content: bytes, *, trust_roots: list[bytes]) -> list[FoundSignature]:
    """Every signature in the PDF, oldest first, validated against `trust_roots` (DER certificates).
    Raises UnreadablePdf when the file cannot be parsed at all."""
    try:
        reader = PdfFileReader(io.BytesIO(content), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # noqa: BLE001 - pyHanko's reader raises many types on a damaged file
        raise UnreadablePdf(str(exc)) from exc
    context = ValidationContext(trust_roots=[certificate_of(r) for r in trust_roots], allow_fetching=False,
                                revocation_mode="soft-fail")
    return [_found(sig, context) for sig in embedded]


def _found(sig, context) -> FoundSignature:
    try:
        status = validate_pdf_signature(sig, context)
    except Exception:  # noqa: BLE001 - a signature whose data cannot be parsed is simply not valid
        return FoundSignature(field_name=sig.field_name, signer_name="", certificate_der=b"", signed_at=None,
                              intact=False, valid=False, trusted=False, covers_whole_file=False, modified_after=True)
    certificate = status.signing_cert
    return FoundSignature(
        field_name=sig.field_name,
        signer_name=certificate.subject.native.get("common_name", "") if certificate else "",
        certificate_der=certificate.dump() if certificate else b"",
        signed_at=status.signer_reported_dt,
        intact=bool(status.intact), valid=bool(status.valid), trusted=bool(status.trusted),
        covers_whole_file=status.coverage == SignatureCoverageLevel.ENTIRE_FILE,
        modified_after=status.docmdp_ok is False,
    )
