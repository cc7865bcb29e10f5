"""Backup and restore: one .tar.gz holding the database dump, every file under MEDIA_ROOT and a
manifest that lets a restore prove the archive whole before it changes anything.

    manifest.json        created_at, database engine, applied migration heads per app, and the
                         size and sha256 of every other member
    database.dump        PostgreSQL: pg_dump's custom format (pg_restore reads it)
    database.sqlite3     SQLite: a consistent copy made with SQLite's own backup API
    media/<path>         the uploaded files, under their stored names

A restore reads the whole archive first, hashing each member into a temporary folder, and
refuses (BackupError, saying why) a member missing, added, altered, a path leaving its folder,
a link, or migrations this code does not have; only then does it restore the database
(pg_restore --clean --if-exists in one transaction; SQLite's backup API into the file) and
swap the media folder for the restored one. Web and worker should be stopped meanwhile: a
restore replaces what they are writing.

The dump and restore use the "owner" connection when there is one (DATABASE_OWNER_URL): the
app's runtime role may not drop and recreate tables.
"""

import datetime
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import zlib
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone

MANIFEST = "manifest.json"
PG_DUMP, SQLITE_DUMP = "database.dump", "database.sqlite3"
MEDIA = "media"
FORMAT = 1
CHUNK = 1024 * 1024


class BackupError(Exception):
    """The archive cannot be made or restored; the message says why."""


@dataclass(frozen=True)
class Restored:
    manifest: dict
    files: int


def backup_alias() -> str:
    return "owner" if "owner" in settings.DATABASES else "default"


def _engine(database: dict) -> str:
    engine = database["ENGINE"]
    if "postgresql" in engine:
        return "postgresql"
    if "sqlite3" in engine:
        return "sqlite"
    raise BackupError(f"Backups support PostgreSQL and SQLite, not {engine}.")


# --- Backup -------------------------------------------------------------------------------------

def backup_create(*, output: Path | None = None, database: dict | None = None,
                  media_root: Path | None = None) -> Path:
    """Write the archive (to `output`, else BACKUP_DIR/kehoach-<moment>.tar.gz) and return its path.
    `database` is a connection's settings (the backup alias's, as the running process sees it)."""
    database = database or connections[backup_alias()].settings_dict
    media_root = Path(media_root or settings.MEDIA_ROOT)
    engine = _engine(database)
    if output is None:
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
        output = Path(settings.BACKUP_DIR) / f"kehoach-{stamp}.tar.gz"
    output = Path(output)
    output.parent.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="kehoach-backup-") as work:
        dump = Path(work) / (PG_DUMP if engine == "postgresql" else SQLITE_DUMP)
        if engine == "postgresql":
            _pg("pg_dump", database, "--format=custom", f"--file={dump}")
        else:
            _sqlite_copy(database["NAME"], dump)
        members = {dump.name: dump}
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_symlink():
                    raise BackupError(f"{path} is a symbolic link; media files are stored as plain files.")
                if path.is_file():
                    members[str(PurePosixPath(MEDIA, *path.relative_to(media_root).parts))] = path
        manifest = {
            "format": FORMAT,
            "created_at": timezone.now().isoformat(),
            "database": {"engine": engine, "name": str(database["NAME"])},
            "migrations": _migration_heads(engine, database, dump),
            "file_count": len(members),
            "files": {name: {"size": path.stat().st_size, "sha256": _sha256(path)} for name, path in members.items()},
        }
        # Written beside the target and renamed at the end: a failed backup leaves no half archive.
        partial = output.with_name(output.name + ".partial")
        try:
            with tarfile.open(partial, "w:gz") as archive:
                data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
                info = tarfile.TarInfo(MANIFEST)
                info.size, info.mtime = len(data), int(timezone.now().timestamp())
                archive.addfile(info, _BytesReader(data))
                for name, path in members.items():
                    archive.add(path, arcname=name, recursive=False)
            os.replace(partial, output)
        finally:
            partial.unlink(missing_ok=True)
    return output


class _BytesReader:
    def __init__(self, data: bytes):
        self.data, self.at = data, 0

    def read(self, size=-1):
        end = len(self.data) if size < 0 else self.at + size
        chunk, self.at = self.data[self.at:end], min(end, len(self.data))
        return chunk


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _pg(program: str, database: dict, *args: str) -> None:
    command = [shutil.which(program) or program]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if database.get(key):
            command.append(f"{option}={database[key]}")
    command += [*args, f"--dbname={database['NAME']}"]
    env = {**os.environ}
    if database.get("PASSWORD"):
        env["PGPASSWORD"] = str(database["PASSWORD"])  # never on the command line, where ps shows it
    try:
        done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    except FileNotFoundError:
        raise BackupError(f"{program} is not installed (it comes with the PostgreSQL client).") from None
    if done.returncode:
        raise BackupError(f"{program} failed: {done.stderr.strip() or done.returncode}")


def _sqlite_copy(source: str, target: Path) -> None:
    # SQLite's backup API copies a consistent state even while the WAL holds recent writes.
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def _migration_heads(engine: str, database: dict, dump: Path) -> dict[str, list[str]]:
    """Per app, the applied migrations no applied migration of the app depends on."""
    if engine == "postgresql":
        import psycopg

        params = {"dbname": database["NAME"], "user": database.get("USER") or None,
                  "password": database.get("PASSWORD") or None, "host": database.get("HOST") or None,
                  "port": database.get("PORT") or None}
        with psycopg.connect(**{k: v for k, v in params.items() if v is not None}) as conn:
            applied = set(conn.execute("SELECT app, name FROM django_migrations").fetchall())
    else:
        with sqlite3.connect(dump) as conn:
            try:
                applied = set(conn.execute("SELECT app, name FROM django_migrations").fetchall())
            except sqlite3.OperationalError:  # not a Django database (yet): nothing applied
                applied = set()
        conn.close()
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    heads: dict[str, list[str]] = {}
    for app, name in sorted(applied):
        node = graph.node_map.get((app, name))
        if node is None or not any(child in applied for child in node.children if child[0] == app):
            heads.setdefault(app, []).append(name)
    return heads


# --- Check and restore --------------------------------------------------------------------------

def backup_check(path: Path, into: Path | None = None) -> dict:
    """The archive's manifest, once every member has been read and matched its size and hash.
    With `into`, the members are also written there (what restore then uses, never re-read)."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(f"{path} does not exist.")
    try:
        with tarfile.open(path, "r:gz") as archive:
            first = archive.next()
            if first is None or first.name != MANIFEST or not first.isfile():
                raise BackupError(f"{path} is not a backup of this system: it does not start with {MANIFEST}.")
            try:
                manifest = json.loads(archive.extractfile(first).read(CHUNK * 16))
                expected = dict(manifest["files"])
            except (ValueError, KeyError, TypeError):
                raise BackupError(f"The manifest of {path} is damaged.") from None
            if manifest.get("format") != FORMAT:
                raise BackupError(f"{path} has archive format {manifest.get('format')}; this code reads {FORMAT}.")
            seen = set()
            for member in archive:
                if member is first:  # iterating starts again from the members already read
                    continue
                name = _safe_name(member)
                if name not in expected:
                    raise BackupError(f"{name} is in the archive but not in its manifest.")
                if name in seen:
                    raise BackupError(f"{name} is in the archive twice.")
                seen.add(name)
                digest, size = hashlib.sha256(), 0
                target = None
                if into is not None:
                    target = Path(into, *PurePosixPath(name).parts)
                    target.parent.mkdir(parents=True, exist_ok=True)
                with archive.extractfile(member) as source, (open(target, "wb") if target else _Null()) as copy:
                    while chunk := source.read(CHUNK):
                        digest.update(chunk)
                        size += len(chunk)
                        copy.write(chunk)
                if size != expected[name]["size"] or digest.hexdigest() != expected[name]["sha256"]:
                    raise BackupError(f"{name} does not match the manifest (size or sha256): the archive was "
                                      "altered or damaged.")
    # gzip and tarfile report a damaged archive in several ways: a bad CRC, a truncated stream.
    except (tarfile.TarError, EOFError, OSError, zlib.error) as exc:
        raise BackupError(f"{path} is damaged and cannot be read ({exc.__class__.__name__}: {exc}).") from None
    missing = set(expected) - seen
    if missing:
        raise BackupError(f"The archive lacks {', '.join(sorted(missing))}, which its manifest lists.")
    if manifest.get("file_count") != len(expected):
        raise BackupError("The manifest's file count does not match its list of files.")
    return manifest


class _Null:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def write(self, chunk):
        pass


def _safe_name(member: tarfile.TarInfo) -> str:
    name = PurePosixPath(member.name)
    if not member.isfile() or name.is_absolute() or ".." in name.parts or not name.parts:
        raise BackupError(f"{member.name} is not a plain file inside the archive; refusing the archive.")
    if name.parts[0] != MEDIA and str(name) not in (PG_DUMP, SQLITE_DUMP):
        raise BackupError(f"{member.name} is not a member a backup holds.")
    return str(name)


def backup_restore(*, path: Path, database: dict | None = None, media_root: Path | None = None) -> Restored:
    """Check the whole archive, then restore the database and the media files from it."""
    database = database or connections[backup_alias()].settings_dict
    media_root = Path(media_root or settings.MEDIA_ROOT)
    engine = _engine(database)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    # Next to MEDIA_ROOT, so the final swap is a rename on one file system.
    staging = Path(tempfile.mkdtemp(prefix=".restore-", dir=media_root.parent))
    try:
        manifest = backup_check(path, into=staging)
        _check_restorable(manifest, engine)
        dump = staging / (PG_DUMP if engine == "postgresql" else SQLITE_DUMP)
        # Our own connections hold no locks pg_restore would wait on, and see the new tables after.
        connections.close_all()
        if engine == "postgresql":
            _pg("pg_restore", database, "--clean", "--if-exists", "--no-owner", "--single-transaction",
                "--exit-on-error", str(dump))
        else:
            _sqlite_restore(dump, database["NAME"])
        restored_media = staging / MEDIA
        restored_media.mkdir(exist_ok=True)
        previous = staging / "previous-media"
        if media_root.exists():
            os.replace(media_root, previous)
        os.replace(restored_media, media_root)
        files = sum(1 for name in manifest["files"] if name.startswith(f"{MEDIA}/"))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return Restored(manifest=manifest, files=files)


def _check_restorable(manifest: dict, engine: str) -> None:
    if manifest["database"]["engine"] != engine:
        raise BackupError(f"The archive holds a {manifest['database']['engine']} database; this site runs on {engine}.")
    graph = MigrationLoader(None, ignore_no_migrations=True).graph
    unknown = [f"{app}.{name}" for app, names in manifest.get("migrations", {}).items() for name in names
               if (app, name) not in graph.nodes]
    if unknown:
        raise BackupError(f"The archive was made by newer code (migrations {', '.join(unknown)} are unknown here); "
                          "restore it with that version.")


def _sqlite_restore(dump: Path, target: str) -> None:
    # Through SQLite's backup API, not a file copy: it replaces the content in one transaction
    # and keeps the WAL consistent, where copying over a file with a live -wal corrupts it.
    with sqlite3.connect(dump) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    src.close()
    dst.close()


def describe(manifest: dict) -> str:
    created = datetime.datetime.fromisoformat(manifest["created_at"])
    media = sum(1 for name in manifest["files"] if name.startswith(f"{MEDIA}/"))
    return (f"made {timezone.localtime(created):%d/%m/%Y %H:%M}, {manifest['database']['engine']} database, "
            f"{media} media files")
