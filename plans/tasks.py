"""Thin Celery tasks of plans: take ids, reload, call the module that does the work."""

from celery import shared_task

from core.pdf import PdfUnavailable

from . import documents, signatures
from .models import Plan


@shared_task(autoretry_for=(PdfUnavailable,), retry_backoff=True, max_retries=3)
def plan_document_pdf(plan_id):
    """Queued by plan_issue after it commits: the issued plan's PDF, made from its stored .docx,
    is stored before anyone asks (the first download would otherwise wait for LibreOffice), then
    signed by the keys kept on the server (plans.signatures). Without LibreOffice on the server
    it gives up after its retries; a download then says why."""
    plan = Plan.objects.get(pk=plan_id)
    if not documents.pdf_possible():
        return  # no LibreOffice here: nothing to retry, the .docx is stored
    documents.plan_pdf(plan)
    signatures.sign_issue(plan)


@shared_task(autoretry_for=(PdfUnavailable,), retry_backoff=True, max_retries=3)
def plan_sign_approval(plan_id):
    """Queued by plan_approve after it commits: the leader's signature on the approved version
    when their key is kept here (nothing is composed otherwise)."""
    plan = Plan.objects.get(pk=plan_id)
    if documents.pdf_possible():
        signatures.sign_approval(plan)
