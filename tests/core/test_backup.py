"""manage.py backup / restore: one archive of the database and the media files; a restore checks
every member against the manifest before it changes anything (issue 12, Deliver 8)."""

import io
import json
import sqlite3
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from core.attachments import attachments_add
from core.backup import MANIFEST, BackupError, backup_check, backup_create, backup_restore
from core.models import Attachment
from plans.models import Plan
from tests.plans.helpers import draft_plan

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
on_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump / pg_restore need PostgreSQL")


def media_files() -> dict[str, bytes]:
    root = Path(settings.MEDIA_ROOT)
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()} if root.exists() else {}


def repacked(source: Path, target: Path, change) -> Path:
    """The archive with `change(name, data) -> data | None` applied to each member (None drops it)."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old:
            data = change(member.name, old.extractfile(member).read())
            if data is not None:
                member.size = len(data)
                new.addfile(member, io.BytesIO(data))
    return target


# --- PostgreSQL round trip (CI phase 2) ---------------------------------------------------------

@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_round_trip_brings_back_the_data_and_the_files(people, tmp_path):
    plan = draft_plan(people, recipients=[people.tree.muong_ang])
    [attachment] = attachments_add(owner=plan, files=[SimpleUploadedFile("ke-hoach.pdf", PDF)],
                                   by=people.province_officer)
    before, attachment_pk = media_files(), attachment.pk
    archive = tmp_path / "sao-luu.tar.gz"
    call_command("backup", output=archive, stdout=io.StringIO())
    manifest = backup_check(archive)
    assert manifest["database"]["engine"] == "postgresql" and "plans" in manifest["migrations"]
    assert f"media/{attachment.file.name}" in manifest["files"]

    Plan.objects.filter(pk=plan.pk).update(subject="Bị sửa sau khi sao lưu")
    attachment.file.delete(save=False)
    attachment.delete()
    draft_plan(people, recipients=[people.tree.tuan_giao], subject="Kế hoạch tạo sau khi sao lưu")

    out = io.StringIO()
    call_command("restore", str(archive), yes=True, stdout=out)
    assert "Restored the database and 1 media files" in out.getvalue()
    assert Plan.objects.get(pk=plan.pk).subject == plan.subject
    assert not Plan.objects.filter(subject="Kế hoạch tạo sau khi sao lưu").exists()
    assert Attachment.objects.get(pk=attachment_pk).file.read() == PDF
    assert media_files() == before


@on_postgresql
@pytest.mark.django_db(transaction=True)
def test_a_tampered_archive_is_refused_and_nothing_changes(people, tmp_path):
    plan = draft_plan(people, recipients=[people.tree.muong_ang])
    attachments_add(owner=plan, files=[SimpleUploadedFile("ke-hoach.pdf", PDF)], by=people.province_officer)
    archive = backup_create(output=tmp_path / "sao-luu.tar.gz")
    tampered = repacked(archive, tmp_path / "sua.tar.gz",
                        lambda name, data: data.replace(b"Catalog", b"Catalug") if name.startswith("media/") else data)
    Plan.objects.filter(pk=plan.pk).update(subject="Đổi sau khi sao lưu")
    files = media_files()
    with pytest.raises(CommandError) as excinfo:
        call_command("restore", str(tampered), yes=True, stdout=io.StringIO())
    assert str(excinfo.value).startswith("Nothing was changed: media/")
    assert "does not match the manifest" in str(excinfo.value)
    assert Plan.objects.get(pk=plan.pk).subject == "Đổi sau khi sao lưu" and media_files() == files


# --- Damaged archives (any database) ------------------------------------------------------------

@pytest.fixture
def sqlite_site(tmp_path):
    """A database file of its own (never the test database) and a media folder with one file."""
    database = {"ENGINE": "django.db.backends.sqlite3", "NAME": str(tmp_path / "site.sqlite3")}
    with sqlite3.connect(database["NAME"]) as conn:
        conn.execute("CREATE TABLE django_migrations (id integer primary key, app text, name text, applied text)")
        conn.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('plans', '0001_initial', '')")
        conn.execute("CREATE TABLE ke_hoach (so text)")
        conn.execute("INSERT INTO ke_hoach VALUES ('01-KH/TĐTN')")
    conn.close()
    media = tmp_path / "site-media"
    (media / "attachments" / "2025" / "03").mkdir(parents=True)
    (media / "attachments" / "2025" / "03" / "a.pdf").write_bytes(PDF)
    return database, media


def rows_of(database) -> list:
    with sqlite3.connect(database["NAME"]) as conn:
        rows = conn.execute("SELECT so FROM ke_hoach ORDER BY so").fetchall()
    conn.close()
    return rows


def test_a_sqlite_round_trip_on_a_file_of_its_own(sqlite_site, tmp_path):
    database, media = sqlite_site
    archive = backup_create(output=tmp_path / "b.tar.gz", database=database, media_root=media)
    manifest = backup_check(archive)
    assert manifest["migrations"] == {"plans": ["0001_initial"]} and manifest["file_count"] == 2
    with sqlite3.connect(database["NAME"]) as conn:
        conn.execute("DELETE FROM ke_hoach")
        conn.execute("INSERT INTO ke_hoach VALUES ('sai')")
    conn.close()
    (media / "attachments" / "2025" / "03" / "a.pdf").write_bytes(b"changed")
    (media / "extra.pdf").write_bytes(PDF)
    restored = backup_restore(path=archive, database=database, media_root=media)
    assert restored.files == 1 and rows_of(database) == [("01-KH/TĐTN",)]
    assert sorted(str(p.relative_to(media)) for p in media.rglob("*") if p.is_file()) == ["attachments/2025/03/a.pdf"]
    assert (media / "attachments" / "2025" / "03" / "a.pdf").read_bytes() == PDF


def _damaged(name, data):
    return data.replace(b"%PDF", b"%PDX") if name.endswith(".pdf") else data


def _dropped(name, data):
    return None if name.endswith(".pdf") else data


def _manifest_lies(name, data):
    if name != MANIFEST:
        return data
    manifest = json.loads(data)
    manifest["files"]["media/attachments/2025/03/b.pdf"] = {"size": 1, "sha256": "0" * 64}
    manifest["file_count"] += 1
    return json.dumps(manifest).encode()


@pytest.mark.parametrize("change, reason", [
    (_damaged, "media/attachments/2025/03/a.pdf does not match the manifest"),
    (_dropped, "The archive lacks media/attachments/2025/03/a.pdf"),
    (_manifest_lies, "The archive lacks media/attachments/2025/03/b.pdf"),
])
def test_an_altered_archive_is_refused_before_anything_changes(sqlite_site, tmp_path, change, reason):
    database, media = sqlite_site
    archive = repacked(backup_create(output=tmp_path / "b.tar.gz", database=database, media_root=media),
                       tmp_path / "altered.tar.gz", change)
    with sqlite3.connect(database["NAME"]) as conn:
        conn.execute("INSERT INTO ke_hoach VALUES ('sau sao luu')")
    conn.close()
    with pytest.raises(BackupError, match=reason):
        backup_restore(path=archive, database=database, media_root=media)
    assert len(rows_of(database)) == 2 and (media / "attachments" / "2025" / "03" / "a.pdf").read_bytes() == PDF
    assert not list(tmp_path.glob(".restore-*"))


def test_a_truncated_archive_is_refused(sqlite_site, tmp_path):
    database, media = sqlite_site
    archive = backup_create(output=tmp_path / "b.tar.gz", database=database, media_root=media)
    archive.write_bytes(archive.read_bytes()[:-200])
    with pytest.raises(BackupError, match="is damaged and cannot be read"):
        backup_check(archive)


def test_a_member_leaving_its_folder_is_refused(sqlite_site, tmp_path):
    database, media = sqlite_site
    archive = backup_create(output=tmp_path / "b.tar.gz", database=database, media_root=media)
    with tarfile.open(archive, "r:gz") as old, tarfile.open(tmp_path / "evil.tar.gz", "w:gz") as new:
        for member in old:
            new.addfile(member, old.extractfile(member))
        evil = tarfile.TarInfo("media/../../etc/cron.d/x")
        evil.size = 3
        new.addfile(evil, io.BytesIO(b"bad"))
    with pytest.raises(BackupError, match="not a plain file inside the archive"):
        backup_restore(path=tmp_path / "evil.tar.gz", database=database, media_root=media)


def test_an_archive_from_newer_code_is_refused(sqlite_site, tmp_path):
    database, media = sqlite_site
    with sqlite3.connect(database["NAME"]) as conn:
        conn.execute("INSERT INTO django_migrations (app, name, applied) VALUES ('plans', '9999_from_the_future', '')")
    conn.close()
    archive = backup_create(output=tmp_path / "b.tar.gz", database=database, media_root=media)
    with pytest.raises(BackupError, match="newer code"):
        backup_restore(path=archive, database=database, media_root=media)


def test_restore_without_yes_asks_and_a_no_changes_nothing(sqlite_site, tmp_path, monkeypatch):
    database, media = sqlite_site
    archive = backup_create(output=tmp_path / "b.tar.gz", database=database, media_root=media)
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="restore cancelled"):
        call_command("restore", str(archive), stdout=io.StringIO())


def test_restore_of_a_file_that_is_not_a_backup_says_so(tmp_path):
    bogus = tmp_path / "not.tar.gz"
    bogus.write_bytes(b"hello")
    with pytest.raises(CommandError, match="Nothing was changed: .* is damaged and cannot be read"):
        call_command("restore", str(bogus), yes=True, stdout=io.StringIO())
