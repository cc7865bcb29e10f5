"""The plan's digital signatures (ký số, issue 13), on the signing app's files.

Two files are signed. At approval, the approved version (the record as the leader approved it,
composed then and fixed: what the leader signs is what they approved). At issuance, the issued
PDF with its number and date: first the approving leader's signature, then the issuing unit's
(the organisation's signature in place of the seal, Decree 30/2020 order). A signature is applied
on the server when its owner's certificate is kept here with its key; a leader whose key is on
a USB token or a mobile CA downloads the file, signs it in their own tool and uploads it, and
signing.services checks it before it replaces the file.
"""

from django.utils.translation import gettext as _

from core import docx_layout
from core.errors import TransitionNotAllowed
from core.pdf import docx_to_pdf
from core.rules import require
from signing import selectors as signing_selectors
from signing import services as signing
from signing.models import SignedFile

from . import documents
from .models import Plan, PlanState
from .rules import PLAN_RULES, approver_of, last_by

APPROVAL, ISSUE = SignedFile.Stage.APPROVAL, SignedFile.Stage.ISSUE
# The reason written into each signature (document data, Vietnamese like the document itself).
REASONS = {APPROVAL: "Phê duyệt văn bản", ISSUE: "Ban hành văn bản"}


def stage_of(plan: Plan) -> str | None:
    """Which file a signature goes on now: the approved version until the plan is issued."""
    if plan.state == PlanState.APPROVED:
        return APPROVAL
    if documents.is_fixed(plan):
        return ISSUE
    return None


def signed_file(plan: Plan, stage: str | None = None) -> SignedFile | None:
    """The file of `stage` (the current one by default), opened the first time it is asked for:
    the approved version is composed from the record then, the issued one is the stored PDF."""
    stage = stage or stage_of(plan)
    if stage is None:
        return None
    existing = signing_selectors.signed_file_of(plan, stage)
    if existing is not None or stage != stage_of(plan):
        return existing
    content = docx_to_pdf(documents.plan_docx(plan)) if stage == APPROVAL else documents.plan_pdf(plan)
    return signing.signed_file_open(plan, stage, content)


def pdf_for_download(plan: Plan) -> bytes:
    """The PDF people download: the file being signed (with its signatures so far) once there is
    one, the preview of a draft before. Raises core.pdf.PdfUnavailable without LibreOffice."""
    current = signed_file(plan)
    if current is None:
        return documents.plan_pdf(plan)
    return signing_selectors.read(current)


def _sign(plan: Plan, current: SignedFile, certificate, *, by) -> None:
    signing.sign_on_server(current, certificate, by=by, reason=REASONS[current.stage],
                           location=docx_layout.place_of(plan.issuing_unit))


def sign_approval(plan: Plan) -> bool:
    """After approval: the leader's signature on the approved version, when their key is kept
    here. False when it is not (they sign with their own token, or not at all)."""
    leader = approver_of(plan)
    certificate = signing_selectors.server_certificate(user=leader) if leader is not None else None
    if certificate is None or plan.state != PlanState.APPROVED:
        return False
    _sign(plan, signed_file(plan, APPROVAL), certificate, by=leader)
    return True


def sign_issue(plan: Plan) -> int:
    """After issuance: the leader's and then the unit's signature on the issued PDF, each when its
    key is kept here and it is not on the file already. Returns how many were added."""
    if stage_of(plan) != ISSUE:
        return 0
    current = signed_file(plan, ISSUE)
    present = {s.certificate_id for s in current.events.all()}
    leader, clerk = approver_of(plan), last_by(plan, "issue")
    added = 0
    for certificate, by in ((signing_selectors.server_certificate(user=leader) if leader else None, leader),
                            (signing_selectors.server_certificate(unit=plan.issuing_unit), clerk)):
        if certificate is not None and certificate.pk not in present and by is not None:
            _sign(plan, current, certificate, by=by)
            added += 1
    return added


def awaits_signature_of(plan: Plan, user) -> bool:
    """Whether `user` may sign (plans.rules "sign") and has not signed the current file yet: what
    the page offers the upload for. Opens no file: a page view composes nothing."""
    stage = stage_of(plan)
    if stage is None or not PLAN_RULES["sign"].allows(user, plan):
        return False
    current = signing_selectors.signed_file_of(plan, stage)
    return current is None or not current.events.filter(certificate__user=user).exists()


def upload_signed(plan: Plan, content: bytes, *, by) -> SignedFile:
    """The approving leader's upload of the current file signed with their own token."""
    require(PLAN_RULES, "sign", by, plan)
    current = signed_file(plan)
    if current is None:
        raise TransitionNotAllowed(plan, _("upload the signed document"))
    return signing.accept_upload(current, content, by=by, signers=[by])


def signatures_of(plan: Plan) -> list:
    """The files of the plan that exist, each with the signatures found in its bytes now."""
    return [signing_selectors.signatures_of(f) for f in signing_selectors.signed_files_of(plan)]
