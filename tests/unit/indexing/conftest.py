"""Temporary repositories on disk and indexes over them (real files, real SQLite)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from lsp_server.indexing.indexer import Indexer
from lsp_server.indexing.policy import Policy
from lsp_server.indexing.reader import IndexReader
from lsp_server.indexing.report import IndexReport
from lsp_server.indexing.store import Store
from lsp_server.indexing.walk import Walker

Files = Mapping[str, str | bytes]


def write_tree(root: Path, files: Files) -> Path:
    """Write ``{relative path: text or bytes}`` under ``root``."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root


class Indexed:
    """A repository, its index and a reader: ``run()`` re-scans after edits."""

    def __init__(self, root: Path, database: Path, policy: Policy, workers: int) -> None:
        self.root, self.database = root, database
        self.store = Store(database)
        self.indexer = Indexer(self.store, Walker([root], policy), workers=workers)
        self.reader = IndexReader(database)
        self.report = self.run()

    def run(self) -> IndexReport:
        return self.indexer.run()

    def path(self, rel: str) -> str:
        return str(self.root / rel)

    def close(self) -> None:
        self.reader.close()
        self.store.close()

    def all_text(self) -> str:
        """Every value of every table, to prove something is absent from all of them."""
        conn = self.store.conn
        tables = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type IN ('table') AND sql NOT LIKE"
            " 'CREATE VIRTUAL%' AND name NOT LIKE 'chunks_fts_%'")]
        parts = [repr(conn.execute(f"SELECT * FROM {table}").fetchall()) for table in tables]
        parts.append(repr(conn.execute("SELECT * FROM chunks_fts").fetchall()))
        return "\n".join(parts)


@pytest.fixture
def index_repo(tmp_path: Path) -> Iterator[Callable[..., Indexed]]:
    """``index_repo(files, policy=Policy(), workers=1)`` -> an indexed temporary repo."""
    made: list[Indexed] = []

    def make(files: Files, *, policy: Policy | None = None, workers: int = 1) -> Indexed:
        root = write_tree(tmp_path / "repo", files).resolve()
        indexed = Indexed(root, tmp_path / "cache" / "index.sqlite", policy or Policy(), workers)
        made.append(indexed)
        return indexed

    yield make
    for indexed in made:
        indexed.close()
