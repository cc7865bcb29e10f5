"""Downloading an attachment: the only way a stored file leaves the server."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_safe

from .attachments import attachment_visible
from .models import Attachment


@login_required
@require_safe
def download(request, pk):
    attachment = Attachment.objects.filter(pk=pk).first()
    # Missing and not allowed look the same, so an id says nothing about what exists.
    if attachment is None or not attachment_visible(request.user, attachment):
        raise Http404
    try:
        handle = attachment.file.storage.open(attachment.file.name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.original_name,
                            content_type=attachment.mime_type)
    response["X-Content-Type-Options"] = "nosniff"
    patch_cache_control(response, private=True)
    return response
