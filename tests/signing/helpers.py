"""A test certificate authority, certificates for the named people, and a small PDF to sign."""

import zlib

from signing import services
from signing.authority_kit import Authority


def small_pdf(text: str = "Kế hoạch") -> bytes:
    """A one-page PDF written by hand (no LibreOffice needed): header, four objects, xref, trailer."""
    stream = zlib.compress(f"BT /F1 18 Tf 72 720 Td ({text.encode('ascii', 'replace').decode()}) Tj ET".encode())
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
        b"/Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Times-Roman >> >> >> >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


class Pki:
    """One trusted authority (stored) and helpers to give people and units certificates."""

    def __init__(self):
        self.kit = Authority("CA thử nghiệm")
        self.authority = services.authority_add(name="CA thử nghiệm", data=self.kit.certificate_der)

    def server_certificate(self, *, user=None, unit=None, name=None):
        """A certificate with its key kept on the server."""
        issued = self.kit.issue(name or (user.get_full_name() if user else unit.name))
        return services.certificate_register_with_key(pkcs12=issued.pkcs12, passphrase=issued.passphrase.decode(),
                                                      user=user, unit=unit)

    def token(self, *, user=None, name=None, register=True):
        """A certificate whose key stays with its owner ("their USB token"): registered without the
        key; the returned archive is what the owner's tool signs with."""
        issued = self.kit.issue(name or user.get_full_name())
        if register:
            services.certificate_register(data=issued.certificate_der, user=user)
        return issued


def sign_with(content: bytes, issued, field_name: str = "ChuKyToken") -> bytes:
    """What the person's own signing tool does: append a signature to the file."""
    from signing import pdf

    return pdf.sign(content, pkcs12=issued.pkcs12, passphrase=issued.passphrase, field_name=field_name,
                    reason="Ký số", location="Điện Biên")
