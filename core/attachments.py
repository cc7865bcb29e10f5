"""Attachments of plans, reports, findings…: what is accepted, how it is stored, who may see it.

Accepted: PDF, Word (.docx), Excel (.xlsx), JPG and PNG, up to settings.ATTACHMENT_MAX_BYTES.
The type is read from the content, and the name's extension must agree with it: a renamed
executable or a PNG called .pdf is refused; a Word or Excel file must also pass core.ooxml
(no decompression bomb, no links to outside content). Files are stored under random names;
the name the person chose is kept for display and download only. Whoever may see the owner object may
download its files (`register_owner`), through core.attachment_views and nowhere else.
"""

import unicodedata
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import PurePosixPath

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import models, transaction
from django.utils import formats
from django.utils.translation import gettext as _

from .models import Attachment
from .ooxml import ooxml_problem

ORIGINAL_NAME_MAX = Attachment._meta.get_field("original_name").max_length


@dataclass(frozen=True)
class FileType:
    extension: str  # of the stored file
    mime_type: str


PDF = FileType(".pdf", "application/pdf")
DOCX = FileType(".docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document")
XLSX = FileType(".xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
JPEG = FileType(".jpg", "image/jpeg")
PNG = FileType(".png", "image/png")

#: The allow-list: extension of the original name -> the type its content must have.
ACCEPTED = {".pdf": PDF, ".docx": DOCX, ".xlsx": XLSX, ".jpg": JPEG, ".jpeg": JPEG, ".png": PNG}

# Office files are ZIP packages; the part that only a Word or an Excel package has tells them apart.
ZIP_MARKERS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX}


def sniff(file) -> FileType | None:
    """The accepted type the content really is, or None. Leaves the file at its start."""
    file.seek(0)
    head = file.read(8)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        try:
            # Reads only the central directory, so a ZIP bomb is never inflated here.
            names = set(zipfile.ZipFile(file).namelist())
        except Exception:  # a crafted archive can raise many kinds; to us it just is not Office
            return None
        finally:
            file.seek(0)
        found = {kind for marker, kind in ZIP_MARKERS.items() if marker in names}
        return found.pop() if len(found) == 1 else None
    return None


def display_name(name: str) -> str:
    """NFC, without any folder a browser sent along, short enough for the column (extension kept)."""
    name = unicodedata.normalize("NFC", name or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    if len(name) > ORIGINAL_NAME_MAX:
        suffix = PurePosixPath(name).suffix[:20]
        name = name[: ORIGINAL_NAME_MAX - len(suffix)] + suffix
    return name


def _limit_mb() -> str:
    limit = settings.ATTACHMENT_MAX_BYTES / (1024 * 1024)
    return formats.number_format(limit, decimal_pos=0 if limit.is_integer() else 1)


def _check(file, name: str) -> tuple[FileType | None, str | None]:
    """The file's type, or the reason it is refused."""
    expected = ACCEPTED.get(PurePosixPath(name).suffix.lower())
    if expected is None:
        return None, _("%(name)s: only PDF, Word (.docx), Excel (.xlsx), JPG and PNG files are accepted.") % {
            "name": name
        }
    if not file.size:
        return None, _("%(name)s is empty.") % {"name": name}
    if file.size > settings.ATTACHMENT_MAX_BYTES:
        return None, _("%(name)s is larger than %(limit)s MB.") % {"name": name, "limit": _limit_mb()}
    if sniff(file) != expected:
        return None, _("%(name)s: its content does not match its extension.") % {"name": name}
    if expected in (DOCX, XLSX):
        # Stored files are served back and opened in Word or Excel: a package that would
        # inflate to a gigabyte or fetch outside content is refused before it is stored.
        problem = ooxml_problem(file)
        if problem:
            return None, _("%(name)s: %(reason)s") % {"name": name, "reason": problem}
    return expected, None


def attachments_add(*, owner: models.Model, files: Iterable[File], by) -> list[Attachment]:
    """Attach uploaded files to `owner`. All or nothing: every file is checked first, and one
    refused file stores none of them (ValidationError under "attachments" with every reason)."""
    if owner.pk is None:
        raise ValueError("Attach files to a saved object")
    if _owner_key(type(owner)) not in _visible_to:
        # Nobody could ever download them: see register_owner.
        raise ValueError(f"{owner._meta.label} is not registered as an attachment owner")

    checked, errors = [], []
    for file in files:
        name = display_name(file.name)
        kind, error = _check(file, name)
        if error:
            errors.append(error)
        else:
            checked.append((file, name, kind))
    if errors:
        raise ValidationError({"attachments": errors})

    content_type = ContentType.objects.get_for_model(owner)
    storage = Attachment._meta.get_field("file").storage
    written: list[str] = []
    try:
        with transaction.atomic():
            attachments = []
            for file, name, kind in checked:
                attachment = Attachment(content_type=content_type, object_id=owner.pk, original_name=name,
                                        size=file.size, mime_type=kind.mime_type, uploaded_by=by)
                file.seek(0)
                # upload_to adds the year/month folders; the storage may still alter the name on a clash.
                attachment.file.save(f"{uuid.uuid4().hex}{kind.extension}", file, save=False)
                written.append(attachment.file.name)
                attachment.save()
                attachments.append(attachment)
    except BaseException:
        # The rows are rolled back; the files are not, so remove what was written.
        # (An outer transaction rolled back later would still leave files: a sweep of files
        # without a row is the answer to that, not a hook here.)
        for stored in written:
            storage.delete(stored)
        raise
    return attachments


def attachments_of(obj: models.Model) -> models.QuerySet[Attachment]:
    return Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).select_related("uploaded_by")


def attachments_by_owner(objs: Iterable[models.Model]) -> dict[int, list[Attachment]]:
    """The files of several owners of one model in one query (e.g. every version of a report)."""
    objs = list(objs)
    grouped: dict[int, list[Attachment]] = {obj.pk: [] for obj in objs}
    if not objs:
        return grouped
    files = Attachment.objects.filter(
        content_type=ContentType.objects.get_for_model(objs[0]), object_id__in=list(grouped)
    ).select_related("uploaded_by")
    for attachment in files:
        grouped[attachment.object_id].append(attachment)
    return grouped


# Who may see the files of which owners: model label -> visible_to(user) -> QuerySet of owners.
_visible_to: dict[str, Callable[..., models.QuerySet]] = {}


def _owner_key(model: type[models.Model]) -> str:
    return model._meta.concrete_model._meta.label_lower


def register_owner(model: type[models.Model], visible_to: Callable[..., models.QuerySet]) -> None:
    """Files attached to `model` objects may be seen by whoever sees the object in visible_to(user)."""
    _visible_to[_owner_key(model)] = visible_to


def attachment_visible(user, attachment: Attachment) -> bool:
    if not user.is_authenticated:
        return False
    content_type = ContentType.objects.get_for_id(attachment.content_type_id)  # cached, no query
    visible_to = _visible_to.get(f"{content_type.app_label}.{content_type.model}")
    if visible_to is None:
        return False
    return visible_to(user).filter(pk=attachment.object_id).exists()
