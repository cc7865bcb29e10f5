"""A .docx made into a PDF (PDF/A-2b) by LibreOffice headless, the one converter of the project.

Why LibreOffice and not an HTML renderer: the documents are composed once, as .docx in the official
layout (core.docx_layout), and the PDF must be the same page; Writer lays the .docx out as Word does,
with Liberation Serif standing in for Times New Roman at the same metrics (fonts-liberation2).

Each call gets a private profile directory: two soffice processes sharing one profile refuse to
start or hang on its lock, and a profile left by a crash must not break the next call. The command
is a list (no shell) and has a timeout, so a stuck conversion ends instead of holding a worker.
"""

import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext as _

# PDF/A-2b: an archival PDF with every font embedded (Writer's export filter option).
PDF_A_FILTER = 'pdf:writer_pdf_Export:{"SelectPdfVersion":{"type":"long","value":"2"}}'


class PdfUnavailable(RuntimeError):
    """The PDF could not be made: LibreOffice is missing, failed or took too long. The message is
    for the person who asked (Vietnamese in the UI)."""


def _soffice() -> str | None:
    configured = settings.SOFFICE_PATH
    if configured and Path(configured).is_file():
        return configured
    return shutil.which("soffice")


def pdf_available() -> bool:
    """Whether this server can make PDFs: the download link says so before anyone clicks."""
    return _soffice() is not None


def docx_to_pdf(content: bytes) -> bytes:
    """The PDF/A of a .docx, or PdfUnavailable with a message saying why not."""
    soffice = _soffice()
    if soffice is None:
        raise PdfUnavailable(_("The PDF needs LibreOffice on the server; download the .docx instead."))
    with tempfile.TemporaryDirectory(prefix="kehoach-pdf-") as work:
        work = Path(work)
        source = work / "document.docx"
        source.write_bytes(content)
        command = [soffice, f"-env:UserInstallation={(work / 'profile').as_uri()}", "--headless", "--norestore",
                   "--convert-to", PDF_A_FILTER, "--outdir", str(work), str(source)]
        try:
            subprocess.run(command, capture_output=True, timeout=settings.PDF_TIMEOUT_SECONDS, check=True,
                           cwd=work)
        except subprocess.TimeoutExpired as exc:
            raise PdfUnavailable(_("Making the PDF took too long; try again later.")) from exc
        except (subprocess.CalledProcessError, OSError) as exc:
            raise PdfUnavailable(_("LibreOffice could not make the PDF; download the .docx instead.")) from exc
        result = work / "document.pdf"
        # soffice answers 0 even when it could not read the file: the missing output tells.
        if not result.is_file() or not result.read_bytes().startswith(b"%PDF"):
            raise PdfUnavailable(_("LibreOffice could not make the PDF; download the .docx instead."))
        return result.read_bytes()


def preview_available() -> bool:
    return shutil.which("pdftoppm") is not None


def first_page_png(content: bytes, *, width: int = 900) -> bytes:
    """Page 1 of a PDF as a PNG `width` pixels wide (poppler's pdftoppm): what a phone shows of the
    document before anyone downloads it. PdfUnavailable when poppler is missing or the PDF is bad."""
    pdftoppm = shutil.which("pdftoppm")
    if pdftoppm is None:
        raise PdfUnavailable(_("The preview needs poppler-utils on the server; download the PDF instead."))
    with tempfile.TemporaryDirectory(prefix="kehoach-preview-") as work:
        source = Path(work) / "document.pdf"
        source.write_bytes(content)
        try:
            subprocess.run([pdftoppm, "-png", "-singlefile", "-f", "1", "-l", "1", "-scale-to-x", str(width),
                            "-scale-to-y", "-1", str(source), str(Path(work) / "page")],
                           capture_output=True, timeout=settings.PDF_TIMEOUT_SECONDS, check=True)
        except (subprocess.SubprocessError, OSError) as exc:
            raise PdfUnavailable(_("The preview could not be made; download the PDF instead.")) from exc
        return (Path(work) / "page.png").read_bytes()
