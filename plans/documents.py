"""The plan as its official document: .docx in the Youth Union's layout (core.docx_layout), PDF made
from it (core.pdf).

Before issuance the document is a preview composed on the fly from the record (DỰ THẢO, no number or
date; the signer once a leader has approved). Issuing fixes it: plans.services.plan_issue stores the
.docx in the issuing transaction, and the PDF is made from that stored .docx and stored too, so a
later edit of the record, of this module or of the layout never changes an issued document.

`plan_pdf(plan)` is the one way to the PDF bytes of a plan: the download links use it, and a signer
(issue 13, ký số) takes its bytes to sign.

The words are the document's own (Vietnamese data), not interface strings.
"""

import logging
from collections import Counter

from django.core.files.base import ContentFile
from django.utils import timezone

from accounts.models import Position, Role, Unit
from core import docx_layout
from core.pdf import docx_to_pdf, pdf_available
from core.transitions import history_of

from .models import Plan, PlanKind, PlanState

logger = logging.getLogger(__name__)

ISSUED_STATES = (PlanState.ISSUED, PlanState.CLOSED, PlanState.REVOKED)
# The title of each kind; a letter (công văn) has none, its subject goes under the number as "V/v …".
TITLES = {PlanKind.PLAN: "Kế hoạch", PlanKind.GUIDANCE: "Hướng dẫn", PlanKind.PROGRAMME: "Chương trình"}
LETTERS = (PlanKind.LETTER, PlanKind.REPORT_REQUEST)
# "BCH ĐOÀN TỈNH ĐIỆN BIÊN" of "Tỉnh đoàn Điện Biên": how the executive committee names its unit.
EXECUTIVE_NAMES = (("Tỉnh đoàn ", "Đoàn tỉnh "), ("Thành đoàn ", "Đoàn thành phố "), ("Huyện đoàn ", "Đoàn huyện "),
                   ("Thị đoàn ", "Đoàn thị xã "), ("Quận đoàn ", "Đoàn quận "))
STANDING_BOARD = "TM. BAN THƯỜNG VỤ"
ROLE_TITLES = {Role.SECRETARY: "BÍ THƯ", Role.DEPUTY_SECRETARY: "PHÓ BÍ THƯ",
               Role.STANDING_MEMBER: "ỦY VIÊN BAN THƯỜNG VỤ"}


def pdf_possible() -> bool:
    return pdf_available()


def is_fixed(plan: Plan) -> bool:
    return plan.state in ISSUED_STATES and bool(plan.document_docx)


def issuer_lines(unit) -> list[str]:
    name = unit.name
    for prefix, words in EXECUTIVE_NAMES:
        if name.startswith(prefix):
            name = words + name[len(prefix):]
            break
    return [f"BCH {name.upper()}"]


def subject_line(plan: Plan) -> str:
    """The subject under the title, without the kind's word it often starts with: the title
    "KẾ HOẠCH" over "Tổ chức Tháng Thanh niên…", not over "Kế hoạch tổ chức…"."""
    subject = plan.subject.strip()
    word = TITLES.get(plan.kind, "")
    if word and subject.lower().startswith(word.lower() + " "):
        subject = subject[len(word) + 1:]
    return subject[:1].upper() + subject[1:]


def signature_of(plan: Plan) -> tuple[list[str], str]:
    """The signature block and the signer's name: the leader who approved the plan, by the
    leading role they held in the issuing unit that day; the board's block alone before approval."""
    approval = history_of(plan).filter(transition="approve").last()
    if approval is None:
        return [STANDING_BOARD], ""
    day = timezone.localdate(approval.at)
    roles = set(Position.objects.active_on(day).filter(user=approval.by, unit=plan.issuing_unit)
                .values_list("role", flat=True))
    role = next((r for r in ROLE_TITLES if r in roles), None)
    return [STANDING_BOARD, *([ROLE_TITLES[role]] if role else [])], approval.by.get_full_name()


# Beyond this many recipients a document names them by the unit they belong to, as an office
# writes "Các đơn vị trực thuộc Tỉnh đoàn Lai Châu": 3,321 communes one per line would fill some
# sixty pages and take seconds to lay out at issuance. The plan's page lists every one.
RECIPIENTS_NAMED = 30


def recipient_names(recipients) -> list[str]:
    """The names of (tree path, name) `recipients`, or beyond RECIPIENTS_NAMED one line per parent
    unit with its count, in the tree's order. One query for the parents."""
    counts = Counter(path[: -Unit.steplen] for path, _name in recipients)
    # Read whatever the number, so that issuing costs the same queries for 10 or 3,321 recipients.
    parents = dict(Unit.objects.filter(path__in=list(counts)).values_list("path", "name"))
    if len(recipients) <= RECIPIENTS_NAMED:
        return [name for _path, name in recipients]
    return [f"{count} đơn vị trực thuộc {parents[path]}" if path in parents else f"{count} đơn vị"
            for path, count in counts.items()]


def recipient_lines(plan: Plan, recipients) -> list[str]:
    """"Nơi nhận:" as the province's documents write it: a letter's addressees are "Như trên" (they
    are named under "Kính gửi"); a plan names each recipient unit; the file copy last, with the
    advising department's code ("Lưu VP, XDĐ.")."""
    if plan.kind in LETTERS:
        lines = ["- Như trên;"]
    else:
        lines = [f"- {name};" for name in recipient_names(recipients)]
    keep = "- Lưu VP"
    if plan.department_id and plan.department.document_code:
        keep += f", {plan.department.document_code}"
    return [*lines, keep + "."]


def _compose(plan: Plan, recipients: list[tuple[str, str]] | None = None) -> bytes:
    """The .docx of the plan as the record stands now; `recipients` as (tree path, name) in the
    tree's order when the caller has read them."""
    plan = Plan.objects.select_related("issuing_unit", "department").get(pk=plan.pk)
    unit = plan.issuing_unit
    if recipients is None:
        # Names and places, not units: 3,321 model objects cost more than the rest of the document.
        recipients = list(plan.recipients.order_by("path").values_list("path", "name"))
    issued = plan.state in ISSUED_STATES and bool(plan.number)
    number = plan.number if issued else docx_layout.number_placeholder(
        unit=unit, department=plan.department, kind_code=plan.kind)
    day = timezone.localdate(plan.issued_at) if issued and plan.issued_at else None
    letter = plan.kind in LETTERS

    document = docx_layout.new_document(draft=not issued)
    docx_layout.heading(
        document, issuer_lines=issuer_lines(unit), number=f"Số: {number}",
        place_date=docx_layout.long_date(docx_layout.place_of(unit), day, year=timezone.localdate().year),
        about=f"V/v {plan.subject.strip()}" if letter else "",
    )
    if letter:
        docx_layout.addressees(document, recipient_names(recipients))
    else:
        docx_layout.title(document, kind=TITLES.get(plan.kind, plan.get_kind_display()),
                          subject_lines=[subject_line(plan)])
    docx_layout.body(document, plan.body)
    signature, signer = signature_of(plan)
    docx_layout.closing(document, recipients=recipient_lines(plan, recipients), signature=signature, signer=signer)
    return docx_layout.to_bytes(document)


def file_name(plan: Plan, extension: str) -> str:
    """"176-KH-TĐTN-XDĐ.pdf" of an issued plan (no slash in a file name); a draft's by its id.
    core.files.file_response encodes the Vietnamese letters for the browser."""
    if plan.number:
        return f"{plan.number.replace('/', '-')}.{extension}"
    return f"du-thao-{plan.pk}.{extension}"


def document_fix(plan: Plan, recipients: list[tuple[str, str]] | None = None) -> None:
    """Store the .docx of a plan being issued. Called by plan_issue inside its transaction, after
    the number and date are set: the stored file and the issue commit or roll back together."""
    plan.document_docx.save(file_name(plan, "docx"), ContentFile(_compose(plan, recipients)), save=False)
    Plan.objects.filter(pk=plan.pk).update(document_docx=plan.document_docx.name)


def plan_docx(plan: Plan) -> bytes:
    """The issued .docx as stored, or the preview of a plan not issued yet."""
    if is_fixed(plan):
        with plan.document_docx.open("rb") as stored:
            return stored.read()
    return _compose(plan)


def plan_pdf(plan: Plan) -> bytes:
    """The PDF of the plan: of an issued plan the stored one, made once from the stored .docx; of a
    plan not issued yet a preview. Raises core.pdf.PdfUnavailable when LibreOffice cannot make it."""
    if not is_fixed(plan):
        return docx_to_pdf(_compose(plan))
    if plan.document_pdf:
        with plan.document_pdf.open("rb") as stored:
            return stored.read()
    content = docx_to_pdf(plan_docx(plan))
    name = plan.document_pdf.storage.save(f"plans/documents/{file_name(plan, 'pdf')}", ContentFile(content))
    # Claimed with a conditional update: two first downloads at once both convert, one file is kept,
    # and whoever lost serves the winner's bytes, so everyone gets the same PDF (a signer signs those).
    if Plan.objects.filter(pk=plan.pk, document_pdf="").update(document_pdf=name):
        plan.document_pdf.name = name
        return content
    plan.document_pdf.storage.delete(name)
    plan.refresh_from_db(fields=["document_pdf"])
    with plan.document_pdf.open("rb") as stored:
        return stored.read()
