"""Documents generated from inspections: the conclusion notice (.docx in the official layout, and
its PDF) and the year summary sentence of the annual report. The notice is composed from the same
pieces as the plans' documents (core.docx_layout) and made into PDF by the same converter
(core.pdf). The words are the documents' own (Vietnamese data), not interface strings.
"""

import datetime
import re
from collections import defaultdict
from pathlib import PurePosixPath

from django.core.files.base import ContentFile
from django.db.models import Count, Max, Q
from django.utils import timezone
from django.utils.text import slugify

from core import docx_layout
from core.docx_layout import place_of
from core.pdf import docx_to_pdf
from core.text import fold
from core.transitions import history_of

from .models import (
    ISSUED_INSPECTION_STATES,
    SUPERVISION_KINDS,
    Conclusion,
    ConclusionState,
    DecisionKind,
    Finding,
    FindingCategory,
    InspectionKind,
    InspectionTarget,
    Severity,
)

# What a unit of a level is called as an issuer ("Ban Thường vụ Tỉnh đoàn"); other levels use the name.
UNIT_WORDS = {"province": "Tỉnh đoàn", "district": "Huyện đoàn"}
DECISION_WORDS = {DecisionKind.PLAN: "Kế hoạch", DecisionKind.DECISION: "Quyết định"}
CATEGORY_HEADINGS = {
    FindingCategory.STRENGTH: "Ưu điểm",
    FindingCategory.SHORTCOMING: "Hạn chế, thiếu sót",
    FindingCategory.VIOLATION: "Vi phạm",
}
SEVERITY_WORDS = {Severity.MINOR: "mức độ nhẹ", Severity.MODERATE: "mức độ trung bình",
                  Severity.SERIOUS: "mức độ nghiêm trọng"}
CONCLUSION_CODE = "TB"

KIND_PHRASES = {
    InspectionKind.REGULAR_INSPECTION: "kiểm tra",
    InspectionKind.THEMATIC_INSPECTION: "kiểm tra chuyên đề",
    InspectionKind.VIOLATION_INSPECTION: "kiểm tra khi có dấu hiệu vi phạm",
    InspectionKind.REGULAR_SUPERVISION: "giám sát",
    InspectionKind.THEMATIC_SUPERVISION: "giám sát chuyên đề",
}
ISSUER_LEVEL_PHRASES = {"district": "Đoàn cấp huyện", "grassroots": "Đoàn cơ sở"}
TARGET_LEVEL_PHRASES = {"district": "đơn vị Đoàn cấp huyện", "grassroots": "đơn vị cơ sở", "branch": "chi đoàn"}
OUTSIDE_PHRASE = "cơ quan, tổ chức ngoài Đoàn"


def unit_word(unit) -> str:
    return UNIT_WORDS.get(unit.level.code, unit.name)


def _date(value) -> str:
    """dd/mm/yyyy of a date, or of a moment in local time; "…" when there is none yet."""
    if value is None:
        return "…"
    if isinstance(value, datetime.datetime):
        value = timezone.localdate(value)
    return value.strftime("%d/%m/%Y")


def _sentence(text: str) -> str:
    return text.strip().rstrip(".;,")


def _lower_first(text: str) -> str:
    # "Kiểm tra công tác…" reads "về việc kiểm tra công tác…"; an acronym ("UBND…") stays.
    return text[:1].lower() + text[1:] if text[1:2].islower() else text


# --- The conclusion notice ----------------------------------------------------------------------

def _issuer_lines(programme) -> list[str]:
    """BCH TỈNH ĐOÀN ĐIỆN BIÊN over ỦY BAN KIỂM TRA for the committee; the standing board signs
    for the executive committee (BCH) of its unit, which is then the only line."""
    unit = programme.issuing_unit
    executive = f"BCH {unit.name.upper()}"
    if not programme.is_committee:
        return [executive]
    committee = programme.department.name.upper()
    suffix = f" {unit_word(unit).upper()}"
    if committee.endswith(suffix):
        committee = committee[: -len(suffix)]
    return [executive, committee]


def _issuer_name(programme) -> str:
    if programme.is_committee:
        return programme.department.name
    return f"Ban Thường vụ {programme.issuing_unit.name}"


def _findings(target):
    """Findings by category; a correction (recorded after the notice was issued) is shown with
    the finding it corrects, so the notice keeps its shape and the correction is visible."""
    findings = list(target.findings.order_by("recorded_at", "pk"))
    by_id = {finding.pk: finding for finding in findings}
    groups = {category: [] for category in CATEGORY_HEADINGS}
    corrections = defaultdict(list)
    for finding in findings:
        if finding.corrects_id is None:
            groups[finding.category].append(finding)
            continue
        root = finding
        while root.corrects_id in by_id:
            root = by_id[root.corrects_id]
        corrections[root.pk].append(finding)
    return groups, corrections


def _finding_text(finding) -> str:
    severity = SEVERITY_WORDS.get(finding.severity)
    return _sentence(finding.description) + (f" ({severity})" if severity else "")


def _finding_line(finding, corrections) -> str:
    text = f"- {_finding_text(finding)}."
    for correction in corrections:
        category = CATEGORY_HEADINGS[correction.category].lower()
        text += f" Đính chính ngày {_date(correction.recorded_at)} ({category}): {_finding_text(correction)}."
    return text


def _recipients(programme, target) -> list[str]:
    word = unit_word(programme.issuing_unit)
    lines = [f"- {target.name} (để thực hiện);"]
    if programme.is_committee:
        return [*lines, f"- Ban Thường vụ {word} (để báo cáo);", "- Lưu UBKT."]
    lines.append(f"- Các đồng chí Ủy viên Ban Thường vụ {word} (để biết);")
    if programme.department_id:
        lines.append(f"- {programme.department.name} (để theo dõi);")
        return [*lines, f"- Lưu VP, {programme.department.document_code}."]
    return [*lines, "- Lưu VP."]


def _signer(conclusion) -> str:
    """Whoever approved the issued notice signs it."""
    if conclusion.state != ConclusionState.ISSUED:
        return ""
    approval = history_of(conclusion).filter(transition="approve").last()
    return approval.by.get_full_name() if approval else ""


def conclusion_docx(conclusion: Conclusion) -> bytes:
    """Thông báo kết luận kiểm tra (giám sát) for one inspected unit, in the official layout.

    Until it is issued the notice has no number or date and carries the DỰ THẢO mark.
    """
    conclusion = Conclusion.objects.select_related(
        "target__unit", "target__inspection__programme__issuing_unit__level",
        "target__inspection__programme__department",
    ).get(pk=conclusion.pk)
    target = conclusion.target
    inspection = target.inspection
    programme = inspection.programme
    unit = programme.issuing_unit
    issued = conclusion.state == ConclusionState.ISSUED
    word = "giám sát" if inspection.is_supervision else "kiểm tra"
    issuer = _issuer_name(programme)

    document = docx_layout.new_document(draft=not issued)
    number = conclusion.number if issued else docx_layout.number_placeholder(
        unit=unit, department=programme.department, kind_code=CONCLUSION_CODE)
    day = timezone.localdate(conclusion.issued_at) if issued else None
    docx_layout.heading(
        document, issuer_lines=_issuer_lines(programme), number=f"Số: {number}",
        place_date=docx_layout.long_date(place_of(unit), day, year=timezone.localdate().year),
    )
    docx_layout.title(document, kind=f"Thông báo kết luận {word}",
                      subject_lines=[inspection.subject, f"đối với {target.name}"])

    decision = DECISION_WORDS.get(inspection.decision_kind, "Kế hoạch")
    document.add_paragraph(
        f"Thực hiện {decision} số {inspection.decision_number or '…'} ngày {_date(inspection.decided_at)} "
        f"của {issuer} về việc {_lower_first(_sentence(inspection.subject))}, từ ngày {_date(inspection.starts_on)} "
        f"đến ngày {_date(inspection.ends_on)}, Đoàn {word} đã tiến hành {word} đối với {target.name}."
    )
    basis = f"Xét báo cáo của {target.name} và kết quả {word}" if target.self_report else f"Căn cứ kết quả {word}"
    document.add_paragraph(f"{basis}, {issuer} thông báo kết luận như sau:")
    for text in conclusion.text.splitlines():
        if text.strip():
            document.add_paragraph(text.strip())

    groups, corrections = _findings(target)
    heading_number = 0
    for category, heading in CATEGORY_HEADINGS.items():
        if not groups[category]:
            continue
        heading_number += 1
        document.add_paragraph().add_run(f"{heading_number}. {heading}").bold = True
        for finding in groups[category]:
            document.add_paragraph(_finding_line(finding, corrections[finding.pk]))

    recommendations = list(conclusion.recommendations.all())
    if recommendations:
        document.add_paragraph().add_run(f"{heading_number + 1}. Kiến nghị").bold = True
        for recommendation in recommendations:
            document.add_paragraph(
                f"- {_sentence(recommendation.text)} (thời hạn khắc phục: trước ngày {_date(recommendation.due)})."
            )
        document.add_paragraph(
            f"Đề nghị {target.name} nghiêm túc thực hiện các kiến nghị trên và báo cáo kết quả khắc phục "
            f"về {issuer} đúng thời hạn."
        )
    document.add_paragraph()

    signature = ["T/M ỦY BAN KIỂM TRA", "CHỦ NHIỆM"] if programme.is_committee else ["T/M BAN THƯỜNG VỤ", "BÍ THƯ"]
    docx_layout.closing(document, recipients=_recipients(programme, target), signature=signature,
                        signer=_signer(conclusion))
    return docx_layout.to_bytes(document)


def file_name(conclusion: Conclusion, extension: str) -> str:
    """12-TB/UBKTTĐ → thong-bao-ket-luan-12-tb-ubkttd.pdf: plain ASCII survives every mail client."""
    name = slugify(fold(conclusion.number).replace("/", "-")) if conclusion.number else f"du-thao-{conclusion.pk}"
    return f"thong-bao-ket-luan-{name}.{extension}"


def _edition(conclusion: Conclusion) -> int:
    """Which corrections the issued notice holds: the last correction of a finding recorded on its
    target (0: none). The notice shows each correction beside the finding it corrects, and nothing
    else of it changes once issued, so a stored PDF of the same edition is the notice as it stands."""
    return (Finding.objects.filter(target_id=conclusion.target_id, corrects__isnull=False)
            .aggregate(last=Max("pk"))["last"] or 0)


def _stored_edition(name: str) -> int | None:
    # "inspections/conclusions/7-0.pdf", or "7-0_AbC1234.pdf" should the storage have renamed it.
    match = re.fullmatch(r"\d+-(\d+)(?:_\w+)?\.pdf", PurePosixPath(name).name)
    return int(match[1]) if match else None


def conclusion_pdf(conclusion: Conclusion) -> bytes:
    """The notice as PDF/A, by the converter of every document; core.pdf.PdfUnavailable without LibreOffice.

    An issued notice's PDF is made once and stored, then served as stored: every download gives the
    same bytes, without LibreOffice's seconds. A correction recorded since changes the notice (and its
    .docx), so the PDF of the new edition is made and stored in its place. A notice not issued yet is a
    preview, composed on every download.
    """
    conclusion = Conclusion.objects.get(pk=conclusion.pk)
    if conclusion.state != ConclusionState.ISSUED:
        return docx_to_pdf(conclusion_docx(conclusion))
    edition, stored = _edition(conclusion), conclusion.document_pdf.name
    if stored and _stored_edition(stored) == edition:
        with conclusion.document_pdf.open("rb") as file:
            return file.read()
    content = docx_to_pdf(conclusion_docx(conclusion))
    storage = conclusion.document_pdf.storage
    name = storage.save(f"inspections/conclusions/{conclusion.pk}-{edition}.pdf", ContentFile(content))
    # Claimed with a conditional update, as plans.documents.plan_pdf does: of two first downloads at
    # once one file is kept and whoever lost serves the winner's bytes. An earlier edition's file is
    # kept on disk: it is what was downloaded before the correction.
    if Conclusion.objects.filter(pk=conclusion.pk, document_pdf=stored).update(document_pdf=name):
        return content
    storage.delete(name)
    conclusion.refresh_from_db(fields=["document_pdf"])
    with conclusion.document_pdf.open("rb") as file:
        return file.read()


# --- The year summary ---------------------------------------------------------------------------

def _count(n: int) -> str:
    return f"{n:02d}"  # the report writes "06 đơn vị"


def _targets_phrase(counts) -> str:
    """[(rank, phrase, n)] → "90 đơn vị cơ sở, 24 chi đoàn và 01 cơ quan, tổ chức ngoài Đoàn"."""
    items = [f"{_count(n)} {phrase}" for _rank, phrase, n in sorted(counts) if n]
    return " và ".join(filter(None, (", ".join(items[:-1]), items[-1]))) if items else ""


def _target_key(row) -> tuple[float, str]:
    """(rank, phrase) of a target row's level; outside bodies come after every level."""
    code = row["unit__level__code"]
    if code is None:
        return float("inf"), OUTSIDE_PHRASE
    return row["unit__level__rank"], TARGET_LEVEL_PHRASES.get(code, f"đơn vị {row['unit__level__name'].lower()}")


def year_summary(unit, year: int) -> str:
    """The report's sentence on the year's inspections and supervision, from the data.

    Counted: inspections of programmes of `year` whose decision is issued.
    - The unit's own programmes: one clause per issuer (standing board, then the inspection
      committee), one part per kind, the DISTINCT targets of each level ("đối với 06 đơn vị"
      names a set of units, so a unit inspected twice for the same kind counts once).
    - Programmes of units below it, by the issuer's level: (inspection, target) pairs, i.e.
      target rows, with every inspection kind under "kiểm tra" and every supervision kind under
      "giám sát". These are tallies of work done ("đã kiểm tra được 90 đơn vị cơ sở"): the
      report adds up what each lower unit did, so a unit inspected by two inspections counts
      twice, as it does in the lower units' own reports.

    Two grouped queries whatever the number of inspections (three if unit.level is not loaded).
    """
    issued = InspectionTarget.objects.filter(inspection__programme__year=year,
                                             inspection__state__in=ISSUED_INSPECTION_STATES)
    own = (
        issued.filter(inspection__programme__issuing_unit=unit)
        .values("inspection__programme__department__issues_own_documents", "inspection__kind",
                "unit__level__code", "unit__level__name", "unit__level__rank")
        .annotate(units=Count("unit", distinct=True),
                  outside=Count("outside_body", distinct=True, filter=Q(unit__isnull=True)))
        .order_by()
    )
    below = (
        issued.filter(inspection__programme__issuing_unit__path__startswith=unit.path,
                      inspection__programme__issuing_unit__depth__gt=unit.depth)
        .values("inspection__programme__issuing_unit__level__code",
                "inspection__programme__issuing_unit__level__name",
                "inspection__programme__issuing_unit__level__rank", "inspection__kind",
                "unit__level__code", "unit__level__name", "unit__level__rank")
        .annotate(n=Count("pk"))
        .order_by()
    )
    sentences = [text for text in (_own_sentence(unit, own), _below_sentence(below)) if text]
    if not sentences:
        return f"Năm {year} chưa có cuộc kiểm tra, giám sát nào được ban hành."
    return " ".join(sentences)


def _own_sentence(unit, rows) -> str:
    # (is committee, kind) → {(rank, phrase): n}
    clauses = defaultdict(lambda: defaultdict(int))
    for row in rows:
        committee = bool(row["inspection__programme__department__issues_own_documents"])
        outside = row["unit__level__code"] is None
        clauses[(committee, row["inspection__kind"])][_target_key(row)] += row["outside" if outside else "units"]
    word = unit_word(unit)
    parts = []
    for committee, issuer, verb in ((False, f"Ban Thường vụ {word}", "tổ chức "),
                                    (True, f"Ủy ban kiểm tra {word}", "")):
        kinds = [
            f"{KIND_PHRASES[kind]} đối với {_targets_phrase([(*key, n) for key, n in targets.items()])}"
            for kind in InspectionKind.values
            if (targets := clauses.get((committee, kind)))
        ]
        if kinds:
            parts.append(f"{issuer} {verb}{', '.join(kinds)}")
    return "; ".join(parts) + "." if parts else ""


def _below_sentence(rows) -> str:
    # issuer level (rank, phrase) → supervision? → {(rank, phrase): n}
    levels = defaultdict(lambda: defaultdict(lambda: defaultdict(int)))
    for row in rows:
        issuer_code = row["inspection__programme__issuing_unit__level__code"]
        issuer = (row["inspection__programme__issuing_unit__level__rank"],
                  ISSUER_LEVEL_PHRASES.get(issuer_code, row["inspection__programme__issuing_unit__level__name"]))
        levels[issuer][row["inspection__kind"] in SUPERVISION_KINDS][_target_key(row)] += row["n"]
    parts = []
    for (_rank, issuer), families in sorted(levels.items()):
        done = [
            f"{verb} được {_targets_phrase([(*key, n) for key, n in families[supervision].items()])}"
            for supervision, verb in ((False, "kiểm tra"), (True, "giám sát"))
            if families.get(supervision)
        ]
        parts.append(f"{issuer} đã {', '.join(done)}")
    return "; ".join(parts) + "." if parts else ""
