"""The index's read API, for retrieval, the question panel and the editor.

Each thread gets its own read-only connection, so lookups never wait for the writer
(WAL) nor for each other. Lines are 0-based; columns are UTF-8 byte offsets within the
line, as tree-sitter reports them. A database that fails mid-query (corrupt, replaced)
answers empty and logs once; the writer rebuilds it on its next start.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Collection, Sequence
from pathlib import Path
from typing import Any

from lsp_server.indexing.database import connect
from lsp_server.indexing.records import Chunk, ResolvedImport, Symbol
from lsp_server.indexing.resolve import Lookup, bound_name, resolve
from lsp_server.indexing.tokens import match_expression, pick_terms, query_terms
from lsp_server.languages import languages

log = logging.getLogger(__name__)

_SYMBOL = ("SELECT s.name, s.kind, s.scope, f.path, s.start_line, s.start_col, s.end_line,"
           " s.end_col, s.signature, s.doc FROM symbols s JOIN files f ON f.id = s.file_id")
POSTINGS_BUDGET = 20_000  # chunks a search may score (about 20 ms on a 2M-line index)
RE_EXPORT_FILES = 3  # files of an import searched for a re-export, nearest first
SCOPE_KINDS = ("function", "method", "class", "struct", "interface", "trait", "impl", "enum",
               "namespace", "module", "constructor")


class IndexReader:
    def __init__(self, database: Path) -> None:
        self.database = database
        self._local = threading.local()
        self._generation = 0

    @property
    def conn(self) -> sqlite3.Connection:
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None or getattr(self._local, "generation", -1) != self._generation:
            if conn is not None:
                conn.close()
            conn = connect(self.database, readonly=True)
            self._local.conn, self._local.generation = conn, self._generation
        return conn

    def reset(self) -> None:
        """The database file was replaced (rebuilt): every thread reconnects on next use."""
        self._generation += 1

    def close(self) -> None:
        """Close this thread's connection (others close when their thread ends)."""
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    def definitions(self, name: str, module: str | None = None, *, limit: int = 50,
                    languages: Collection[str] = ()) -> list[Symbol]:
        """Where ``name`` is defined; ``Cls.meth`` matches by scope, ``module`` by path,
        ``languages`` (ids) by the defining file's language.

        ``module`` may be dotted (``pkg.mod``), a path (``pkg/mod``) or Rust-style
        (``crate::mod``); it matches files whose module path ends with it.
        """
        scope, _, bare = name.rpartition(".")
        query, args = _SYMBOL + " WHERE s.name = ?", [bare]
        clause, among = _in_languages("f", languages)
        query, args = query + clause, args + among
        if scope:
            query += " AND (s.scope = ? OR s.scope LIKE ?)"
            args += [scope, f"%.{scope}"]
        if module:
            parts = [p for p in module.replace("::", ".").replace("/", ".").split(".")
                     if p and p not in ("crate", "self")]
            refs = Lookup(self.conn).module(parts)
            if not refs:
                return []
            query += f" AND f.id IN ({','.join(str(ref[0]) for ref in refs)})"
        query += " ORDER BY s.scope != '', f.path, s.start_line LIMIT ?"
        return [_symbol(row) for row in self._rows(query, (*args, limit))]

    def symbols(self, path: Path | str) -> list[Symbol]:
        """Every definition in a file (an outline), in source order."""
        return [_symbol(row) for row in self._rows(
            _SYMBOL + " WHERE f.path = ? ORDER BY s.start_line, s.start_col", (str(path),))]

    def scope_at(self, path: Path | str, line: int, column: int = 0) -> Symbol | None:
        """The innermost function, class (or similar) that contains a position."""
        kinds = ",".join(f"'{kind}'" for kind in SCOPE_KINDS)
        rows = self._rows(
            _SYMBOL + f" WHERE f.path = ? AND s.kind IN ({kinds})"
            " AND (s.start_line, s.start_col) <= (?, ?) AND (s.end_line, s.end_col) >= (?, ?)"
            " ORDER BY s.start_line DESC, s.start_col DESC LIMIT 1",
            (str(path), line, column, line, column))
        return _symbol(rows[0]) if rows else None

    def imports(self, path: Path | str) -> list[ResolvedImport]:
        """What a file imports, the files that resolves to, and where each name is defined."""
        rows = self._rows("SELECT i.module, i.name, i.alias, i.line, f.language FROM imports i"
                          " JOIN files f ON f.id = i.file_id WHERE f.path = ? ORDER BY i.id",
                          (str(path),))
        return [self._resolve(str(path), *row) for row in rows]

    def _resolve(self, importer: str, module: str, name: str | None, alias: str | None,
                 line: int, language: str, depth: int = 0) -> ResolvedImport:
        row = languages().get(language)
        resolver = row.resolver if row else ""
        refs = resolve(resolver, Lookup(self.conn), importer, module, name)
        found: list[Symbol] = []
        if name and name != "*" and refs:
            homes = refs
            found = self._defined_in(name, [ref[0] for ref in refs])
            if resolver == "python" and any(_named(s.path, name) for s in found):
                # ``from pkg import cli`` names pkg's own ``cli`` or else the submodule
                # pkg/cli.py itself, never a ``cli`` defined inside that submodule: look
                # again in the module alone (rare, so the common import costs no query).
                homes = resolve(resolver, Lookup(self.conn), importer, module, None)
                found = self._defined_in(name, [ref[0] for ref in homes]) if homes else []
            if not found and depth < 2:
                found = self._re_exported(name, homes[:RE_EXPORT_FILES], language, depth)
        return ResolvedImport(module, name, alias, line, tuple(Path(r[1]) for r in refs),
                              tuple(found), bound_name(resolver, module, name, alias))

    def _re_exported(self, name: str, refs: list[tuple[int, str]], language: str,
                     depth: int) -> list[Symbol]:
        """The definitions behind the first of ``refs`` that imports ``name`` itself (a
        package's ``__init__`` re-exporting it), followed through that file's import."""
        for file_id, path in refs:
            found = [symbol for mod, nam, ali, lin in self._rows(
                "SELECT module, name, alias, line FROM imports"
                " WHERE file_id = ? AND (name = ? OR alias = ?)", (file_id, name, name))
                for symbol in self._resolve(path, mod, nam, ali, lin, language,
                                            depth + 1).definitions]
            if found:
                return found
        return []

    def _defined_in(self, name: str, file_ids: list[int]) -> list[Symbol]:
        """Top-level definitions only: an import binds a module's own names, so ``from .
        import nodes`` is the module ``nodes.py``, not the ``nodes`` attribute of a class
        in it."""
        ids = ",".join(str(i) for i in file_ids)
        return [_symbol(row) for row in self._rows(
            _SYMBOL + f" WHERE s.name = ? AND s.file_id IN ({ids}) AND s.scope = ''"
            " ORDER BY s.start_line", (name,))]

    def search(self, text: str, k: int = 10, *, exclude: Path | str | None = None,
               languages: Collection[str] = ()) -> list[Chunk]:
        """The ``k`` chunks that best match ``text`` (BM25 over identifiers and words), in
        files of ``languages`` (ids) when given.

        Identifiers count whole and split (``parseHttpRequest`` -> parse, http, request);
        the most common terms are dropped when their postings exceed a budget.
        """
        terms = query_terms(text)
        if not terms:
            return []
        marks = ",".join("?" * len(terms))
        counts: dict[str, int] = dict(self._rows(
            f"SELECT term, doc FROM temp.chunks_vocab WHERE term IN ({marks})", terms))
        expression = match_expression(pick_terms(counts, POSTINGS_BUDGET))
        if not expression:
            return []
        # Rank first (files filtered while ranking), then read the winners' text only.
        clause, among = _in_languages("g", languages)
        rows = self._rows(
            "SELECT f.path, c.start_line, c.end_line, c.kind, c.name, t.text, m.score FROM"
            " (SELECT chunks_fts.rowid AS id, bm25(chunks_fts) AS score FROM chunks_fts"
            "  JOIN chunks k ON k.id = chunks_fts.rowid JOIN files g ON g.id = k.file_id"
            f"  WHERE chunks_fts MATCH ? AND g.path != ?{clause} ORDER BY score LIMIT ?) m"
            " JOIN chunks c ON c.id = m.id JOIN files f ON f.id = c.file_id"
            " JOIN chunks_fts t ON t.rowid = m.id ORDER BY m.score",
            (expression, str(exclude or ""), *among, k))
        return [Chunk(Path(r[0]), r[1], r[2], r[3], r[4], r[5], -r[6]) for r in rows]

    def chunks(self, path: Path | str) -> list[Chunk]:
        """A file's chunks in order, with their text."""
        rows = self._rows(
            "SELECT f.path, c.start_line, c.end_line, c.kind, c.name, t.text FROM chunks c"
            " JOIN files f ON f.id = c.file_id JOIN chunks_fts t ON t.rowid = c.id"
            " WHERE f.path = ? ORDER BY c.start_line", (str(path),))
        return [Chunk(Path(r[0]), r[1], r[2], r[3], r[4], r[5], 0.0) for r in rows]

    def file_lines(self, path: Path | str) -> int:
        """How many lines the indexed file has (0 when it is not indexed)."""
        rows = self._rows("SELECT lines FROM files WHERE path = ?", (str(path),))
        return int(rows[0][0]) if rows else 0

    def counts(self) -> dict[str, int]:
        rows = self._rows("SELECT (SELECT count(*) FROM files), (SELECT count(*) FROM symbols),"
                          " (SELECT count(*) FROM imports), (SELECT count(*) FROM chunks)", ())
        keys = ("files", "symbols", "imports", "chunks")
        return dict(zip(keys, rows[0], strict=True)) if rows else dict.fromkeys(keys, 0)

    def _rows(self, query: str, args: Sequence[object]) -> list[tuple[Any, ...]]:
        try:
            return self.conn.execute(query, args).fetchall()
        except sqlite3.DatabaseError as exc:
            log.warning("index query failed (%s); answering empty", exc)
            return []


def _in_languages(files: str, languages: Collection[str]) -> tuple[str, list[str]]:
    """The SQL condition (and its arguments) that a ``files`` row is in one of
    ``languages``; none when it is empty (any language)."""
    if not languages:
        return "", []
    return f" AND {files}.language IN ({','.join('?' * len(languages))})", sorted(languages)


def _named(path: Path, name: str) -> bool:
    """Whether ``path`` is the Python module ``name`` (``name.py``, ``name/__init__.py``)."""
    return path.stem == name or (path.stem == "__init__" and path.parent.name == name)


def _symbol(row: tuple[Any, ...]) -> Symbol:
    name, kind, scope, path, *rest = row
    return Symbol(name, kind, scope, Path(path), *rest)
