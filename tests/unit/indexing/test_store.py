"""The store through the indexer: incremental runs, exclusions, skips, recovery."""

from __future__ import annotations

import logging
import os
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from lsp_server.indexing.database import SCHEMA_VERSION
from lsp_server.indexing.policy import Policy
from lsp_server.indexing.rows import module_keys
from tests.unit.indexing.conftest import Indexed, write_tree

IndexRepo = Callable[..., Indexed]


def names(indexed: Indexed) -> set[str]:
    return {row[0] for row in indexed.store.conn.execute("SELECT name FROM symbols")}


def test_only_changed_files_are_re_parsed(index_repo: IndexRepo) -> None:
    indexed = index_repo({"a.py": "def a(): pass\n", "b.py": "def b(): pass\n",
                          "c.py": "def c(): pass\n", "d.py": "def d(): pass\n"})
    assert (indexed.report.files, indexed.report.parsed) == (4, 4)
    assert indexed.run().parsed == 0
    ids = dict(indexed.store.conn.execute("SELECT name, id FROM symbols"))
    write_tree(indexed.root, {"a.py": "def a2(): pass\n", "e.py": "def e(): pass\n"})
    os.utime(indexed.path("b.py"), ns=(1, 1))  # same content, new mtime
    os.remove(indexed.path("c.py"))
    report = indexed.run()
    assert (report.parsed, report.parsed_lines, report.removed, report.files) == (3, 2, 1, 4)
    assert names(indexed) == {"a2", "b", "d", "e"}
    after = dict(indexed.store.conn.execute("SELECT name, id FROM symbols"))
    assert after["b"] == ids["b"] and after["d"] == ids["d"]  # rows kept, not rewritten
    stored = indexed.store.files()[indexed.path("b.py")]
    assert stored.mtime_ns == 1


def test_ignored_and_secret_files_are_absent_from_every_table(index_repo: IndexRepo) -> None:
    marker = "hunter2_marker"
    indexed = index_repo({
        ".gitignore": "ignored/\n", "ignored/x.py": f"def {marker}(): pass\n",
        ".env": f"TOKEN={marker}\n", "deploy.pem": marker, "node_modules/m.js": marker,
        "config/credentials.json": marker, "id_rsa": marker, ".llama-lspignore": "scratch.py\n",
        "scratch.py": f"{marker} = 1\n", "ok.py": "def fine(): pass\n",
    })
    everything = indexed.all_text()
    assert "fine" in everything
    assert marker not in everything
    assert indexed.report.skipped["secret"] == 4


def test_binary_huge_and_non_utf8_are_skipped_with_their_reason(
        index_repo: IndexRepo, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO)
    indexed = index_repo({"bin.py": b"x = 1\n\x00\x01\x02", "huge.py": "x = 1\n" * 500,
                          "latin.py": "n = 'caf\xe9'\n".encode("latin-1"), "ok.py": "y = 2\n"},
                         policy=Policy(max_file_bytes=2048))
    assert indexed.report.skipped == {"binary": 1, "not UTF-8": 1, "too large": 1}
    assert set(indexed.store.files()) == {indexed.path("ok.py")}
    assert "huge.py" in caplog.text and "over the 2048-byte limit" in caplog.text
    write_tree(indexed.root, {"ok.py": b"\x00binary now"})
    assert indexed.run().removed == 0 and indexed.store.files() == {}


def test_the_pool_gives_the_same_index_as_in_process(index_repo: IndexRepo,
                                                     tmp_path: Path) -> None:
    files: dict[str, str | bytes] = {
        f"pkg/m{i}.py": f"class C{i}:\n    def run(self):\n        return {i}\n" for i in range(60)}
    pooled = index_repo(files, workers=2)
    assert pooled.report.symbols == 120 and pooled.report.chunks == 60
    assert names(pooled) == {f"C{i}" for i in range(60)} | {"run"}


def corrupt_first_page(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.write(b"this is not a database" * 20)


def corrupt_middle(path: Path) -> None:
    with open(path, "r+b") as handle:
        handle.seek(4096 * 2)
        handle.write(os.urandom(4096 * 3))


@pytest.mark.parametrize("damage", [corrupt_first_page, corrupt_middle])
def test_a_corrupt_database_is_set_aside_and_rebuilt(
        index_repo: IndexRepo, caplog: pytest.LogCaptureFixture,
        damage: Callable[[Path], None]) -> None:
    files: dict[str, str | bytes] = {f"m{i}.py": f"def f{i}():\n    '''{'x' * 500}'''\n"
                                     for i in range(40)}
    indexed = index_repo(files)
    indexed.close()
    damage(indexed.database)
    again = Indexed(indexed.root, indexed.database, Policy(), 1)
    try:
        assert again.report.files == 40 and again.report.parsed == 40
        assert "cannot be used" in caplog.text
        assert list(indexed.database.parent.glob("index.sqlite.corrupt-*"))
        assert again.reader.definitions("f39")
    finally:
        again.close()


def test_foreign_and_outdated_databases(tmp_path: Path, index_repo: IndexRepo,
                                        caplog: pytest.LogCaptureFixture) -> None:
    database = tmp_path / "cache" / "index.sqlite"
    database.parent.mkdir(parents=True)
    foreign = sqlite3.connect(database)
    foreign.execute("CREATE TABLE customers(name)")
    foreign.commit()
    foreign.close()
    indexed = index_repo({"a.py": "def a(): pass\n"})
    assert "not a llama-lsp index" in caplog.text and indexed.report.files == 1
    indexed.store.conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    indexed.close()
    again = Indexed(indexed.root, database, Policy(), 1)
    assert again.report.parsed == 1  # rebuilt, not set aside
    again.close()


def test_changed_extraction_rules_re_parse_everything(index_repo: IndexRepo) -> None:
    indexed = index_repo({"a.py": "def a(): pass\n"})
    indexed.store.set_meta("extraction", "older rules")
    assert indexed.run().parsed == 1


def test_module_keys() -> None:
    assert module_keys("pkg/sub/__init__.py") == ("pkg.sub", "sub.pkg.", "sub/pkg/")
    assert module_keys("src/util.ts") == ("src.util", "util.src.", "src/")
    assert module_keys("main.go") == ("main", "main.", "")
