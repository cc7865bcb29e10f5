"""The plan's official document on screen: downloads, the first-page preview, its signatures and
the approving leader's upload of the version they signed with their own token (issue 13)."""

import hashlib

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import ActionForbidden, TransitionNotAllowed
from core.files import DOCX, PDF, file_response
from core.pdf import PdfUnavailable, first_page_png, pdf_available, preview_available

from . import documents, selectors, signatures


class SignedUploadForm(forms.Form):
    signed_pdf = forms.FileField(label=gettext_lazy("Signed PDF"),
                                 help_text=gettext_lazy("The PDF downloaded here, signed in your signing tool."))

    def clean_signed_pdf(self):
        upload = self.cleaned_data["signed_pdf"]
        if upload.size > settings.SIGNING_MAX_UPLOAD_BYTES:
            raise ValidationError(_("The file is larger than allowed."))
        return upload.read()


def document_card(user, plan) -> dict:
    """What plans/_document.html shows: the downloads, the preview, each signed file with the
    signatures found in it, and the upload form for the leader who approved."""
    return {
        "document_fixed": documents.is_fixed(plan),
        "pdf_available": pdf_available(),
        "preview_available": pdf_available() and preview_available(),
        "signed_files": signatures.signatures_of(plan),
        # Approved or issued: the document is fixed (or fixed at its first download), so page 1 is worth a picture.
        "document_settled": signatures.stage_of(plan) is not None,
        "signed_upload_form": SignedUploadForm() if signatures.awaits_signature_of(plan, user) else None,
    }


def _plan(request, pk):
    return get_object_or_404(selectors.plans_visible_to(request.user), pk=pk)


@login_required
def plan_document_docx(request, pk):
    """The plan's official document: as issued, or the draft's preview (anyone who sees the plan)."""
    plan = _plan(request, pk)
    return file_response(documents.plan_docx(plan), documents.file_name(plan, "docx"), DOCX)


@login_required
def plan_document_pdf(request, pk):
    """The PDF with the signatures it has so far (plans.signatures.pdf_for_download)."""
    plan = _plan(request, pk)
    try:
        content = signatures.pdf_for_download(plan)
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
        return redirect("plans:detail", pk=plan.pk)
    return file_response(content, documents.file_name(plan, "pdf"), PDF)


@login_required
def plan_document_preview(request, pk):
    """Page 1 of the PDF as a PNG, shown on the plan and assignment pages (a phone reads it without
    downloading the file). Cached by the PDF's bytes: a new signature or version is a new image."""
    plan = _plan(request, pk)
    try:
        content = signatures.pdf_for_download(plan)
        key = f"plans:preview:{hashlib.sha256(content).hexdigest()}"
        image = cache.get(key)
        if image is None:
            image = first_page_png(content)
            cache.set(key, image, 24 * 3600)
    except PdfUnavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    return HttpResponse(image, content_type="image/png", headers={"Cache-Control": "private, max-age=300"})


@login_required
@require_POST
def plan_document_upload(request, pk):
    plan = _plan(request, pk)
    form = SignedUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("signed_pdf", []):
            messages.error(request, error)
        return redirect(f"{reverse('plans:detail', args=[plan.pk])}#van-ban")
    try:
        signatures.upload_signed(plan, form.cleaned_data["signed_pdf"], by=request.user)
    except (ActionForbidden, TransitionNotAllowed) as exc:
        messages.error(request, str(exc))
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    except PdfUnavailable as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("The signed document was checked and saved."))
    return redirect(f"{reverse('plans:detail', args=[plan.pk])}#van-ban")
