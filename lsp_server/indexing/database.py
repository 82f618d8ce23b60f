"""The index database: where it lives, its schema, and what happens when it is not ours.

SQLite in WAL mode, so the one writer never blocks readers. The file is a cache: when
its schema version differs it is rebuilt; when it is corrupt or belongs to something else
it is renamed aside (``index.sqlite.corrupt-<time>``, kept for a bug report) and rebuilt,
with one warning. ``application_id`` tells our databases from foreign ones.

Tables: ``files`` (path, size, mtime, hash, language, lines, module keys), ``symbols``,
``imports``, ``chunks`` and ``chunks_fts`` (FTS5, BM25; rowid = chunks.id, the chunk
text is stored once, in the FTS table). Lines are 0-based, columns are UTF-8 bytes.
"""

from __future__ import annotations

import hashlib
import logging
import os
import shutil
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from lsp_server.errors import DISK_FULL, WRITABLE_HINT, IndexWriteError, folder_problem

log = logging.getLogger(__name__)

SCHEMA_VERSION = 1
APPLICATION_ID = 0x6C6C7370  # "llsp"
INDEX_FILE = "index.sqlite"
LOW_SPACE_BYTES = 1 << 20  # free space below which an SQLite I/O error means a full disk

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE files(
    id INTEGER PRIMARY KEY, path TEXT NOT NULL UNIQUE, language TEXT NOT NULL,
    size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL, hash TEXT NOT NULL,
    lines INTEGER NOT NULL, module TEXT NOT NULL, module_key TEXT NOT NULL,
    dir_key TEXT NOT NULL, overlay INTEGER NOT NULL DEFAULT 0);
CREATE TABLE symbols(
    id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL, name TEXT NOT NULL,
    kind TEXT NOT NULL, scope TEXT NOT NULL, signature TEXT NOT NULL, doc TEXT NOT NULL,
    start_line INTEGER NOT NULL, start_col INTEGER NOT NULL,
    end_line INTEGER NOT NULL, end_col INTEGER NOT NULL);
CREATE TABLE imports(
    id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL, module TEXT NOT NULL,
    name TEXT, alias TEXT, line INTEGER NOT NULL);
CREATE TABLE chunks(
    id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL, kind TEXT NOT NULL,
    name TEXT NOT NULL, start_line INTEGER NOT NULL, end_line INTEGER NOT NULL);
CREATE VIRTUAL TABLE chunks_fts USING fts5(text, terms);
"""

# Secondary indexes, apart: every open re-creates any that a killed build left missing.
# A cold build drops those filled in random order (``DEFERRED``: symbols by name, row by
# row, cost a third of the writer's time) and creates them once at its end. The others
# grow in file id order, so keeping them costs a few appends per file while the parse
# workers run, instead of a serial sort at the end while one core idles.
INDEXES = {
    "files_module_key": "files(module_key)",
    "files_dir_key": "files(dir_key)",
    "symbols_name": "symbols(name)",
    "symbols_file": "symbols(file_id, start_line)",
    "imports_file": "imports(file_id)",
    "chunks_file": "chunks(file_id, start_line)",
}
DEFERRED = ("symbols_name", "files_module_key", "files_dir_key")


def index_file(cache_dir: Path, roots: list[Path]) -> Path:
    """``<cache_dir>/index/<hash of the workspace roots>/index.sqlite``."""
    key = "\n".join(sorted(str(root.resolve()) for root in roots))
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return cache_dir / "index" / digest / INDEX_FILE


def connect(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
    """A connection with the index's pragmas (readers: query_only, any thread)."""
    conn = sqlite3.connect(path, timeout=5.0, isolation_level=None,
                           check_same_thread=not readonly)
    conn.execute("PRAGMA busy_timeout = 5000")
    if readonly:
        # Document frequencies, for pruning common search terms (a per-connection table).
        conn.execute("CREATE VIRTUAL TABLE IF NOT EXISTS temp.chunks_vocab"
                     " USING fts5vocab(main, chunks_fts, 'row')")
        conn.execute("PRAGMA query_only = 1")
    else:
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA temp_store = MEMORY")
        conn.execute("PRAGMA cache_size = -16384")
    return conn


def open_database(path: Path) -> sqlite3.Connection:
    """The writer's connection to a usable index database, rebuilt or set aside if need be."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        conn = connect(path)
        state = _state(conn)
    except sqlite3.DatabaseError as exc:
        if not is_corrupt(exc):
            raise  # locked, a full disk...: the file itself is fine, keep it
        set_aside(path, f"it is corrupt ({exc})")
        return _create(path)
    if state == "ok":
        create_indexes(conn)
        return conn
    conn.close()
    if state == "foreign":
        set_aside(path, "it is not a llama-lsp index")
    elif state == "outdated":
        log.info("index %s has an older schema; rebuilding it", path)
        remove_database(path)
    return _create(path)


def _state(conn: sqlite3.Connection) -> str:
    app_id = conn.execute("PRAGMA application_id").fetchone()[0]
    version = conn.execute("PRAGMA user_version").fetchone()[0]
    tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
    if app_id == 0 and tables == 0:
        return "empty"
    if app_id != APPLICATION_ID:
        return "foreign"
    if version != SCHEMA_VERSION:
        return "outdated"
    problems = conn.execute("PRAGMA quick_check(1)").fetchone()[0]
    if problems != "ok":
        raise sqlite3.DatabaseError(problems)
    return "ok"


def _create(path: Path) -> sqlite3.Connection:
    conn = connect(path)
    conn.executescript(f"BEGIN;{SCHEMA}PRAGMA application_id = {APPLICATION_ID};"
                       f"PRAGMA user_version = {SCHEMA_VERSION};COMMIT;")
    create_indexes(conn)
    return conn


def create_indexes(conn: sqlite3.Connection) -> None:
    """Create the secondary indexes that are missing (none, unless a cold build was cut)."""
    for name, target in INDEXES.items():
        conn.execute(f"CREATE INDEX IF NOT EXISTS {name} ON {target}")


def drop_indexes(conn: sqlite3.Connection) -> None:
    """Drop the indexes that a bulk load would fill in random order (``DEFERRED``)."""
    for name in DEFERRED:
        conn.execute(f"DROP INDEX IF EXISTS {name}")


def is_corrupt(exc: sqlite3.DatabaseError) -> bool:
    """A broken or foreign file (SQLite's NOTADB / CORRUPT come as the base class), not a
    locked database or a full disk (``OperationalError``), which leave the file as it was."""
    return type(exc) is sqlite3.DatabaseError


def write_problem(exc: BaseException, path: Path) -> str | None:
    """Why the index at ``path`` cannot be written, in the user's words, when the cause is
    outside llama-lsp: a full disk or quota, a read-only or foreign folder, a file where
    the folder should be. None for anything else (a bug, a locked or corrupt file: handled
    elsewhere).

    A full disk is SQLite's SQLITE_FULL, the file system's ENOSPC / EDQUOT, or an SQLite
    I/O error while the disk holding ``path`` is (nearly) full: some writes that find no
    space come back as I/O errors, such as a WAL index that cannot grow
    (SQLITE_IOERR_SHMSIZE when opening the index on a full disk).
    """
    if isinstance(exc, OSError):
        return folder_problem(exc)
    code = getattr(exc, "sqlite_errorcode", None)
    if code is None:
        return None
    if code == sqlite3.SQLITE_FULL or (
            code & 0xFF == sqlite3.SQLITE_IOERR and _free_bytes(path) < LOW_SPACE_BYTES):
        return DISK_FULL
    if code & 0xFF in (sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM):
        return f"{exc} ({WRITABLE_HINT})"
    return None


def _free_bytes(path: Path) -> int:
    for folder in (path.parent, *path.parents):  # the nearest that exists
        try:
            return shutil.disk_usage(folder).free
        except OSError:
            continue
    return LOW_SPACE_BYTES


@contextmanager
def write_errors_reported(path: Path) -> Iterator[None]:
    """Turn a full disk or a read-only folder met while writing the index at ``path`` into
    ``IndexWriteError``: a message for the user instead of SQLite's traceback."""
    try:
        yield
    except (sqlite3.Error, OSError) as exc:
        reason = write_problem(exc, path)
        if reason is None:
            raise
        raise IndexWriteError(path, reason) from exc


def set_aside(path: Path, why: str) -> None:
    """Rename a database that cannot be used (kept for a bug report), with one warning."""
    aside = path.with_name(f"{path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}")
    log.warning("index %s cannot be used because %s; moved it to %s and rebuilding",
                path, why, aside)
    os.replace(path, aside)
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def remove_database(path: Path) -> None:
    """Delete the database with its WAL and shared-memory files (a rebuild)."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def database_bytes(path: Path) -> int:
    return sum(os.path.getsize(f"{path}{s}") for s in ("", "-wal") if os.path.exists(f"{path}{s}"))
