"""Document numbers (số ký hiệu): assigned at issuance, unique and gap-free per sequence.

Scope and format come from settings.DOCUMENT_NUMBERING:
  style   "party" → 176-KH/TĐTN-XDĐ (Youth Union, Party bodies)   "state" → 2812/KH-UBND
  period  "term" (congress term of `term_years` from `term_first_year`) or "year"
  per_kind  True: one sequence per document kind (KH, HD, …); False: one for all kinds
The issuer is the unit, or a department that issues in its own name (the inspection
committee's 23-KH/UBKTTĐ runs beside the province's 176-KH/TĐTN-XDĐ).
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F

from .models import DocumentSequence


@dataclass(frozen=True)
class DocumentNumber:
    seq: int
    text: str
    scope: str


def _period(day: datetime.date, config) -> str:
    if config["period"] == "year":
        return str(day.year)
    first, length = config["term_first_year"], config["term_years"]
    start = first + ((day.year - first) // length) * length
    return f"{start}-{start + length}"


def _issuer(unit, department) -> tuple[str, str, str]:
    """(sequence owner key, issuer code, advising department code)."""
    if department is not None and department.issues_own_documents:
        return f"dept:{department.pk}", department.document_code, ""
    return f"unit:{unit.pk}", unit.document_code or unit.code, department.document_code if department else ""


def format_number(seq: int, kind_code: str, issuer: str, department_code: str, style: str) -> str:
    number = f"{seq:02d}"
    if style == "state":
        return f"{number}/{kind_code}-{issuer}"
    suffix = f"-{department_code}" if department_code else ""
    return f"{number}-{kind_code}/{issuer}{suffix}"


def number_next(*, unit, department, kind_code: str, day: datetime.date) -> DocumentNumber:
    """Take the next number. Must run in the issuing transaction: a rollback returns the number."""
    assert transaction.get_connection().in_atomic_block, "numbers are taken inside the issuing transaction"
    config = settings.DOCUMENT_NUMBERING
    owner, issuer, department_code = _issuer(unit, department)
    kind_key = kind_code if config["per_kind"] else "*"
    scope = f"{owner}|{kind_key}|{_period(day, config)}"
    # Insert-if-missing never blocks; the UPDATE then takes the row lock, so two clerks issuing
    # at once get consecutive numbers, and the second waits for the first to commit.
    DocumentSequence.objects.bulk_create([DocumentSequence(scope=scope)], ignore_conflicts=True)
    DocumentSequence.objects.filter(scope=scope).update(last_number=F("last_number") + 1)
    seq = DocumentSequence.objects.get(scope=scope).last_number
    text = format_number(seq, kind_code, issuer, department_code, config["style"])
    return DocumentNumber(seq=seq, text=text, scope=scope)
