"""Generated files sent to a browser or an API client: one place for their content types."""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from rest_framework.renderers import BaseRenderer, JSONRenderer

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF = "application/pdf"


def file_response(content: bytes, filename: str, content_type: str) -> HttpResponse:
    """A download: the browser saves it under `filename` (Vietnamese names are RFC 5987-encoded)."""
    return HttpResponse(content, content_type=content_type, headers={
        "Content-Disposition": content_disposition_header(as_attachment=True, filename=filename)})


class _FileRenderer(BaseRenderer):
    """Lets an API client ask for the file type; errors still answer in JSON."""

    charset = None
    render_style = "binary"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if isinstance(data, bytes):
            return data
        return JSONRenderer().render(data)


class XlsxRenderer(_FileRenderer):
    media_type, format = XLSX, "xlsx"


class DocxRenderer(_FileRenderer):
    media_type, format = DOCX, "docx"


class PdfRenderer(_FileRenderer):
    media_type, format = PDF, "pdf"
