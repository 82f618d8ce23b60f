"""The one writer: applies parse results to the database in batched transactions.

Everything that changes the index goes through one ``Store`` on one thread, so there is
never a write conflict, and a transaction only ever holds whole files: a killed process
leaves the database as of its last commit, each file either fully old or fully new, and
the next scan re-does whatever was not committed (it compares size, mtime and hash).
During a bulk load ``synchronous=OFF`` saves the fsyncs; that only risks the cache on a
power loss, never on a crash of this process, and the database is only a cache.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import NamedTuple

from lsp_server.indexing.database import create_indexes, drop_indexes, open_database
from lsp_server.indexing.loader import Loader
from lsp_server.indexing.parse import FileResult
from lsp_server.indexing.rows import match_chunks, module_keys

COMMIT_BYTES = 8 << 20  # of source, per transaction of a bulk load
# FTS5 merges its segments as a load writes them: with the default (4 segments of a level
# merged at a time) merging is a quarter of the FTS cost of a cold build; 16 at a time
# merges each posting fewer times. Restored after the load, so edits keep segments few.
COLD_AUTOMERGE = 16
AUTOMERGE = 4
WAL_AUTOCHECKPOINT = 1000  # pages: SQLite's default, restored after a cold load


class StoredFile(NamedTuple):
    id: int
    size: int
    mtime_ns: int
    hash: str
    overlay: bool


class Store:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.conn = open_database(path)
        self._next_chunk = self._max_id("chunks") + 1

    def close(self) -> None:
        """Close the connection (again is harmless); ``optimize`` refreshes planner stats."""
        with suppress(sqlite3.Error):  # closed already, or the file broke
            self.conn.execute("PRAGMA optimize")
        self.conn.close()

    def _max_id(self, table: str) -> int:
        return int(self.conn.execute(f"SELECT coalesce(max(id), 0) FROM {table}").fetchone()[0])

    def files(self, paths: Collection[str] | None = None,
              dirs: Collection[str] = ()) -> dict[str, StoredFile]:
        """Stored state of every file, or only of ``paths`` and of files below ``dirs``."""
        query = "SELECT path, id, size, mtime_ns, hash, overlay FROM files"
        if paths is None:
            rows = list(self.conn.execute(query))
        else:
            wanted = list(paths)
            rows = [row for start in range(0, len(wanted), 500) for row in self.conn.execute(
                f"{query} WHERE path IN ({','.join('?' * len(wanted[start:start + 500]))})",
                wanted[start:start + 500])]
            for directory in dirs:
                prefix = directory.rstrip("/") + "/"
                rows += self.conn.execute(f"{query} WHERE substr(path, 1, ?) = ?",
                                          (len(prefix), prefix))
        return {path: StoredFile(i, size, mtime, digest, bool(overlay))
                for path, i, size, mtime, digest, overlay in rows}

    def meta(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return None if row is None else str(row[0])

    def set_meta(self, key: str, value: str) -> None:
        self.conn.execute("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    @contextmanager
    def transaction(self) -> Iterator[None]:
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            self.conn.execute("COMMIT")
        except BaseException:
            self.rollback()
            raise

    def rollback(self) -> None:
        """Undo the open transaction, unless SQLite already has: it rolls back by itself
        on a full disk, and a second ROLLBACK would hide that error behind its own."""
        if self.conn.in_transaction:
            self.conn.execute("ROLLBACK")

    def is_empty(self) -> bool:
        return self.conn.execute("SELECT 1 FROM files LIMIT 1").fetchone() is None

    @contextmanager
    def loading(self, bulk: bool) -> Iterator[Loader]:
        """A ``Loader`` for many batches; ``bulk``: few large commits and no fsyncs.

        A bulk load into an empty index also drops the secondary indexes it would fill in
        random order (``database.DEFERRED``) and builds them once at the end (a killed
        load leaves them to ``open_database``), then copies the WAL into the database.
        """
        fresh = self.is_empty()
        cold = bulk and fresh
        if bulk:
            self.conn.execute("PRAGMA synchronous = OFF")
        if cold:
            drop_indexes(self.conn)
            self._automerge(COLD_AUTOMERGE)
            # Checkpointing as the WAL fills would copy pages that later batches rewrite:
            # once, at the end, copies each page once.
            self.conn.execute("PRAGMA wal_autocheckpoint = 0")
        loader = Loader(self, COMMIT_BYTES if bulk else 0, fresh=fresh)
        try:
            yield loader
            loader.commit()
        except BaseException:
            loader.rollback()
            raise
        finally:
            with suppress(sqlite3.Error):  # a broken file: the caller rebuilds it anyway
                if cold:
                    self._automerge(AUTOMERGE)
                    create_indexes(self.conn)
                    # Still without fsyncs: syncing the whole new database at the end was
                    # a serial third of a second while the other core idled.
                    self.checkpoint()
                    self.conn.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT}")
                self.conn.execute("PRAGMA synchronous = NORMAL")

    def _automerge(self, segments: int) -> None:
        self.conn.execute("INSERT INTO chunks_fts(chunks_fts, rank) VALUES ('automerge', ?)",
                          (segments,))

    def write(self, results: Iterable[tuple[FileResult, str]], *, overlay: bool = False,
              fresh: bool = False) -> None:
        """Replace the rows of each (result, path relative to its root); call in a transaction.

        A file already indexed keeps its id and its unchanged chunks (``rows.match_chunks``);
        ``fresh`` says none is (a load into an empty index), which saves the lookups.
        """
        symbols, imports, chunks, texts, stats = [], [], [], [], []
        moved, removed = [], []
        for result, rel in results:
            extraction = result.extraction
            if extraction is None:  # read again, same content: only the stat moved
                stats.append((result.size, result.mtime_ns, result.path))
                continue
            row = (result.language, result.size, result.mtime_ns, result.hash, result.lines,
                   *module_keys(rel), int(overlay))
            known = None if fresh else self.conn.execute(
                "SELECT id FROM files WHERE path = ?", (result.path,)).fetchone()
            added = extraction.chunks
            if known is None:
                file_id = self.conn.execute(
                    "INSERT INTO files(language, size, mtime_ns, hash, lines, module, module_key,"
                    " dir_key, overlay, path) VALUES (?,?,?,?,?,?,?,?,?,?)", (*row, result.path),
                ).lastrowid
            else:
                file_id = known[0]
                self.conn.execute(
                    "UPDATE files SET language = ?, size = ?, mtime_ns = ?, hash = ?, lines = ?,"
                    " module = ?, module_key = ?, dir_key = ?, overlay = ? WHERE id = ?",
                    (*row, file_id))
                for table in ("symbols", "imports"):
                    self.conn.execute(f"DELETE FROM {table} WHERE file_id = ?", (file_id,))
                stored = self.conn.execute(
                    "SELECT c.id, c.kind, c.name, c.start_line, c.end_line, t.text, t.terms"
                    " FROM chunks c JOIN chunks_fts t ON t.rowid = c.id WHERE c.file_id = ?",
                    (file_id,))
                changed, added, gone = match_chunks(stored, extraction.chunks)
                moved += [(*chunk[:4], chunk_id) for chunk_id, chunk in changed]
                removed += gone
            symbols += [(file_id, *symbol) for symbol in extraction.symbols]
            imports += [(file_id, *item) for item in extraction.imports]
            for kind, name, first, last, text, terms in added:
                chunks.append((self._next_chunk, file_id, kind, name, first, last))
                texts.append((self._next_chunk, text, terms))
                self._next_chunk += 1
        self._delete_chunks(removed)
        execute = self.conn.executemany
        execute("UPDATE files SET size = ?, mtime_ns = ? WHERE path = ?", stats)
        execute("UPDATE chunks SET kind = ?, name = ?, start_line = ?, end_line = ?"
                " WHERE id = ?", moved)
        execute("INSERT INTO symbols(file_id, name, kind, scope, signature, doc, start_line,"
                " start_col, end_line, end_col) VALUES (?,?,?,?,?,?,?,?,?,?)", symbols)
        execute("INSERT INTO imports(file_id, module, name, alias, line) VALUES (?,?,?,?,?)",
                imports)
        execute("INSERT INTO chunks VALUES (?,?,?,?,?,?)", chunks)
        execute("INSERT INTO chunks_fts(rowid, text, terms) VALUES (?,?,?)", texts)

    def delete(self, paths: Sequence[str]) -> None:
        """Remove files and everything extracted from them; call in a transaction."""
        ids = []
        for path in paths:
            row = self.conn.execute("SELECT id FROM files WHERE path = ?", (path,)).fetchone()
            if row is not None:
                ids.append(row[0])
        self._delete_ids(ids)

    def clear(self) -> None:
        """Remove every file's rows (the extraction rules changed); call in a transaction."""
        for table in ("symbols", "imports", "chunks", "chunks_fts", "files"):
            self.conn.execute(f"DELETE FROM {table}")

    def delete_under(self, directory: str) -> list[str]:
        """Remove every file below a directory (it was deleted or moved away)."""
        prefix = directory.rstrip("/") + "/"
        rows = self.conn.execute("SELECT id, path FROM files WHERE substr(path, 1, ?) = ?",
                                 (len(prefix), prefix)).fetchall()
        self._delete_ids([row[0] for row in rows])
        return [row[1] for row in rows]

    def _delete_ids(self, ids: list[int]) -> None:
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            marks = ",".join("?" * len(part))
            self.conn.execute("DELETE FROM chunks_fts WHERE rowid IN (SELECT id FROM chunks"
                              f" WHERE file_id IN ({marks}))", part)
            for table in ("symbols", "imports", "chunks"):
                self.conn.execute(f"DELETE FROM {table} WHERE file_id IN ({marks})", part)
            self.conn.execute(f"DELETE FROM files WHERE id IN ({marks})", part)

    def _delete_chunks(self, ids: list[int]) -> None:
        for start in range(0, len(ids), 500):
            part = ids[start:start + 500]
            marks = ",".join("?" * len(part))
            self.conn.execute(f"DELETE FROM chunks_fts WHERE rowid IN ({marks})", part)
            self.conn.execute(f"DELETE FROM chunks WHERE id IN ({marks})", part)

    def checkpoint(self) -> None:
        # A reader may hold an old snapshot; then the next checkpoint catches up.
        with suppress(sqlite3.OperationalError):
            self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
