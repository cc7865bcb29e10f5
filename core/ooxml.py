"""Uploaded Office packages (.xlsx, .docx) checked before anything parses or stores them.

An Office file is a ZIP package, and a ZIP can promise far more than it weighs: 18 KB of
repeated cells inflate to megabytes of XML (finding V1), 1 MB of zeros to a gigabyte (V5). So
the package is judged by its central directory alone, the list of parts with their declared
sizes, which costs nothing to read: how many parts, how much they would inflate to in all, how
strongly each one is compressed, whether the parts lie where they claim and not on top of each
other (the overlapping-entries bomb), and no encryption or compression method Office does not
write. Only the relationship parts (`*.rels`, a few KB each) are then inflated, each bounded in
size and parsed with defusedxml, to refuse links to outside content that Word or Excel would
fetch on opening (a remote template, image or object: a tracking pixel, a leaked Windows
login, a payload). Hyperlinks are allowed: they are only followed when someone clicks them.

Every later read of a part goes through Python's zipfile, which stops inflating at the part's
declared size (and fails its CRC if the data held more), so the total checked here bounds what
openpyxl or python-docx can ever be made to inflate.
"""

import struct
import zipfile

import defusedxml.ElementTree
from defusedxml import DefusedXmlException
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext as _

#: More parts than any real document or workbook has (a template has about 10, a long report with
#: pictures a few hundred).
MAX_ENTRIES = 1000
#: Deflate at its best reaches about 1,000:1 on zeros; real XML and pictures stay well below
#: 100:1. Parts smaller than RATIO_FLOOR are left alone: an empty sheet compresses very well too.
MAX_RATIO = 100
RATIO_FLOOR = 64 * 1024
#: A relationship part lists targets; a few hundred pictures make a few tens of KB.
MAX_RELS_BYTES = 1024 * 1024
EXTERNAL = "external"
HYPERLINK = "/hyperlink"
LOCAL_HEADER = struct.Struct("<4s22xHH")  # signature, …, file name length, extra field length
LOCAL_SIGNATURE = b"PK\x03\x04"
ENCRYPTED = 0x1


#: ValidationError codes: not a readable package at all, or a package refused as unsafe.
NOT_OOXML, UNSAFE_OOXML = "not_ooxml", "unsafe_ooxml"


class Refusal(Exception):
    def __init__(self, message: str, code: str = UNSAFE_OOXML):
        super().__init__(message)
        self.message, self.code = message, code


def ooxml_check(file, *, max_inflated: int | None = None) -> None:
    """Raise ValidationError (one Vietnamese message, code NOT_OOXML or UNSAFE_OOXML) unless
    `file`, an uploaded .xlsx or .docx, is safe to open. Reads only the central directory, the
    local headers and the relationship parts; leaves the file at its start. `max_inflated`
    tightens settings.OOXML_MAX_INFLATED_BYTES for a caller that knows its files are smaller."""
    limit = settings.OOXML_MAX_INFLATED_BYTES
    if max_inflated is not None:
        limit = min(limit, max_inflated)
    file.seek(0)
    try:
        _check(file, limit)
    except Refusal as refusal:
        raise ValidationError(refusal.message, code=refusal.code) from None
    # A crafted archive can make zipfile raise almost anything (struct.error, ValueError,
    # OverflowError, EOFError, NotImplementedError…): to us it is simply not a usable package.
    except Exception:  # noqa: BLE001
        raise ValidationError(_not_office(), code=NOT_OOXML) from None
    finally:
        file.seek(0)


def ooxml_problem(file, *, max_inflated: int | None = None) -> str | None:
    """Why the package is refused, or None (ooxml_check for a caller that collects reasons)."""
    try:
        ooxml_check(file, max_inflated=max_inflated)
    except ValidationError as exc:
        return exc.messages[0]
    return None


def _not_office() -> str:
    return _("The file is not a valid Word (.docx) or Excel (.xlsx) file, or it is damaged.")


def _megabytes(size: int) -> str:
    limit = size / (1024 * 1024)
    return formats.number_format(limit, decimal_pos=0 if limit.is_integer() else 1)


def _check(file, limit: int) -> None:
    _count_before_listing(file)
    with zipfile.ZipFile(file) as package:
        infos = package.infolist()
        if len(infos) > MAX_ENTRIES:
            raise Refusal(_too_many(len(infos)))
        if len({info.filename for info in infos}) != len(infos):
            raise Refusal(_not_office(), NOT_OOXML)  # two parts of one name: readers disagree on which counts
        total = 0
        for info in infos:
            if info.flag_bits & ENCRYPTED:
                raise Refusal(_("The file is encrypted or protected by a password. Save it without a password "
                                "and upload it again."))
            if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
                raise Refusal(_not_office(), NOT_OOXML)  # Office writes nothing else; bzip2/LZMA are for bombs
            total += info.file_size
            if total > limit:
                raise Refusal(_("The file would unpack to more than %(limit)s MB, which is more than "
                                "any document needs.") % {"limit": _megabytes(limit)})
            if info.file_size > RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
                raise Refusal(_("The file is compressed far more than a real document (part “%(part)s”) and "
                                "may be a decompression bomb.") % {"part": info.filename[:80]})
        _parts_in_place(file, infos, package.start_dir)
        for info in infos:
            if info.filename.lower().endswith(".rels"):
                _no_external_targets(package, info)


def _too_many(count: int) -> str:
    return _("The file has too many parts (%(count)s; at most %(limit)s).") % {
        "count": formats.number_format(count), "limit": formats.number_format(MAX_ENTRIES)}


def _count_before_listing(file) -> None:
    # zipfile builds one object per entry when it opens the archive; read the count from the
    # end record first, so 20 MB of empty entries is refused before half a million objects.
    try:
        end = zipfile._EndRecData(file)  # the stdlib's own reader of that record (and of zip64's)
    except AttributeError:  # pragma: no cover - a Python without it still gets the check below
        return
    if end is None:
        raise Refusal(_not_office(), NOT_OOXML)
    if end[zipfile._ECD_ENTRIES_TOTAL] > MAX_ENTRIES:
        raise Refusal(_too_many(end[zipfile._ECD_ENTRIES_TOTAL]))


def _parts_in_place(file, infos, directory_start: int) -> None:
    """Each part's data lies after its own local header, before the directory, and on no other
    part's bytes: overlapping parts let a small file declare the same bytes many times over."""
    spans = []
    for info in infos:
        file.seek(info.header_offset)
        header = file.read(LOCAL_HEADER.size)
        if len(header) != LOCAL_HEADER.size:
            raise Refusal(_not_office(), NOT_OOXML)
        signature, name_length, extra_length = LOCAL_HEADER.unpack(header)
        if signature != LOCAL_SIGNATURE:
            raise Refusal(_not_office(), NOT_OOXML)
        end = info.header_offset + LOCAL_HEADER.size + name_length + extra_length + info.compress_size
        spans.append((info.header_offset, end))
    spans.sort()
    previous_end = 0
    for start, end in spans:
        if start < previous_end or end > directory_start:
            raise Refusal(_not_office(), NOT_OOXML)
        previous_end = end


def _no_external_targets(package: zipfile.ZipFile, info: zipfile.ZipInfo) -> None:
    if info.file_size > MAX_RELS_BYTES:
        raise Refusal(_not_office(), NOT_OOXML)
    with package.open(info) as part:
        # Bounded by our cap as well as by the declared size zipfile already enforces.
        data = part.read(MAX_RELS_BYTES + 1)
    if len(data) > MAX_RELS_BYTES:
        raise Refusal(_not_office(), NOT_OOXML)
    try:
        root = defusedxml.ElementTree.fromstring(data, forbid_dtd=True)
    except (DefusedXmlException, defusedxml.ElementTree.ParseError):
        raise Refusal(_not_office(), NOT_OOXML) from None
    for relationship in root.iter():
        if not relationship.tag.endswith("Relationship"):
            continue
        if (relationship.get("TargetMode") or "").strip().lower() != EXTERNAL:
            continue
        if (relationship.get("Type") or "").endswith(HYPERLINK):
            continue
        target = (relationship.get("Target") or "")[:80]
        raise Refusal(_("The file links to content outside it (“%(target)s”), which Word or Excel would fetch "
                        "when it is opened. Save it without linked pictures, objects or templates.")
                      % {"target": target})
