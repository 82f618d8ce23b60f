"""An index that cannot be written: a clear message, the old index kept and answering.

The disk is "full" through SQLite itself: ``PRAGMA max_page_count`` at the database's
current size makes every write that needs a new page fail with SQLITE_FULL ("database or
disk is full"), the error SQLite gives when the file system has no space left; and
``PRAGMA query_only`` gives SQLITE_READONLY, as a read-only folder does. A real full
tmpfs and a read-only bind mount were checked by hand (see the closing note of the
change); the full tmpfs also gives SQLITE_IOERR_SHMSIZE when the index is opened, which
``write_problem`` covers below.
"""

from __future__ import annotations

import errno
import logging
import sqlite3
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path

import pytest

from lsp_server.cli import main
from lsp_server.errors import DISK_FULL, IndexWriteError
from lsp_server.index_keeper import log_scan
from lsp_server.indexing import database
from lsp_server.indexing.database import index_file, write_problem
from lsp_server.indexing.policy import Policy
from lsp_server.indexing.report import IndexReport
from lsp_server.indexing.service import WorkspaceIndex
from lsp_server.session import Session
from tests.unit.indexing.conftest import write_tree

TIMEOUT = 30.0
OLD = {f"pkg/old{i}.py": f"def old_{i}(a, b):\n    '''{'x' * 200}'''\n    return a\n"
       for i in range(5)}
# Enough new symbols and chunks that the database must grow to hold them.
NEW = {f"pkg/new{i}.py": "".join(f"def new_{i}_{j}(a):\n    '''{'y' * 300}'''\n    return a\n"
                                 for j in range(20)) for i in range(30)}


@pytest.fixture
def full_disk(monkeypatch: pytest.MonkeyPatch) -> Callable[[str | None], None]:
    """``full_disk("full")``: writer connections opened from now on cannot grow their
    file; ``full_disk("readonly")``: they cannot write at all; ``full_disk(None)``: room."""
    state: dict[str, str | None] = {"mode": None}
    connect = database.connect

    def limited(path: Path, *, readonly: bool = False) -> sqlite3.Connection:
        conn = connect(path, readonly=readonly)
        if state["mode"] == "full" and not readonly:
            pages = conn.execute("PRAGMA page_count").fetchone()[0]
            conn.execute(f"PRAGMA max_page_count = {max(pages, 1)}")
        elif state["mode"] == "readonly" and not readonly:
            conn.execute("PRAGMA query_only = 1")
        return conn

    monkeypatch.setattr(database, "connect", limited)
    return lambda mode: state.update(mode=mode)


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[Path]:
    """A repository indexed once with room to spare, then given many new files."""
    root = write_tree(tmp_path / "repo", OLD).resolve()
    index = WorkspaceIndex([root], database=index_file(tmp_path / "cache", [root]),
                           policy=Policy(), workers=1, watch=False)
    assert index.start().result(timeout=TIMEOUT).files == 5
    index.close()
    write_tree(root, NEW)
    yield root


def open_index(root: Path, errors: list[IndexWriteError]) -> WorkspaceIndex:
    return WorkspaceIndex([root], database=index_file(root.parent / "cache", [root]),
                          policy=Policy(), workers=1, watch=False, on_error=errors.append)


@pytest.mark.parametrize(("mode", "told"), [
    ("full", "the disk is full"), ("readonly", "set cache_dir to a folder you can write")])
def test_a_scan_that_cannot_write_keeps_the_old_index_answering(
        repo: Path, full_disk: Callable[[str | None], None], mode: str, told: str) -> None:
    full_disk(mode)
    errors: list[IndexWriteError] = []
    index = open_index(repo, errors)
    try:
        with pytest.raises(IndexWriteError, match=told):
            index.start().result(timeout=TIMEOUT)
        assert len(errors) == 1 and str(index.database) in str(errors[0])
        assert index.reader.definitions("old_4")  # the last commit still answers
        assert not index.reader.definitions("new_0_0")  # no half-written file
        with pytest.raises(IndexWriteError):  # an overlay write fails the same way
            index.overlay(repo / "pkg" / "new0.py", NEW["pkg/new0.py"] * 3).result(TIMEOUT)
        assert len(errors) == 2
    finally:
        index.close()
    full_disk(None)  # space freed (or the folder writable): the next start catches up
    index = open_index(repo, errors)
    try:
        assert index.start().result(timeout=TIMEOUT).files == 35
        assert index.reader.definitions("new_29_19") and index.reader.definitions("old_0")
    finally:
        index.close()
    assert not list((index.database.parent).glob("*.corrupt-*"))  # never set aside


def test_the_session_tells_the_user_once_and_keeps_repository_context(
        repo: Path, full_disk: Callable[[str | None], None]) -> None:
    full_disk("full")
    shown: list[tuple[str, bool]] = []
    session = Session(lambda message, error: shown.append((message, error)))
    session.configure(repo, {"cacheDir": str(repo.parent / "cache"), "indexWorkers": 1})
    session.start_index()
    try:
        scan = session.index.scan
        assert scan is not None
        with pytest.raises(IndexWriteError):
            scan.result(timeout=TIMEOUT)
        assert [error for _message, error in shown] == [True]
        assert shown[0][0].startswith("llama-lsp: cannot write the repository index")
        reader = session.index.reader
        assert reader is not None and reader.definitions("old_2")
    finally:
        session.index.close()


def test_cli_index_on_a_full_disk_says_so_and_loses_nothing(
        repo: Path, full_disk: Callable[[str | None], None], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(repo.parent / "config"))
    full_disk("full")
    args = ["index", str(repo), "--cache-dir", str(repo.parent / "cache"), "--index-workers", "1"]
    assert main(args) == 1
    err = capsys.readouterr().err
    assert "the disk is full" in err and "Traceback" not in err
    with sqlite3.connect(index_file(repo.parent / "cache", [repo])) as conn:
        names = {row[0] for row in conn.execute("SELECT name FROM symbols")}
    assert names == {f"old_{i}" for i in range(5)}
    full_disk(None)
    assert main(args) == 0
    assert "35 files" in capsys.readouterr().out


def test_what_counts_as_a_write_problem(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "cache" / "index.sqlite"

    def sqlite_error(code: int) -> sqlite3.OperationalError:
        exc = sqlite3.OperationalError("disk I/O error")
        exc.sqlite_errorcode = code
        return exc

    shm_size = sqlite3.SQLITE_IOERR | (19 << 8)  # SQLITE_IOERR_SHMSIZE
    assert write_problem(sqlite_error(sqlite3.SQLITE_FULL), path) == DISK_FULL
    assert write_problem(OSError(errno.ENOSPC, "No space left on device"), path) == DISK_FULL
    assert write_problem(OSError(errno.EDQUOT, "Disk quota exceeded"), path) == DISK_FULL
    read_only = write_problem(OSError(errno.EROFS, "Read-only file system"), path)
    assert read_only is not None and read_only.startswith("Read-only file system")
    assert write_problem(sqlite_error(sqlite3.SQLITE_READONLY | (1 << 8)), path) is not None
    assert write_problem(OSError(errno.ENOTDIR, "Not a directory"), path) is not None
    assert write_problem(OSError(errno.ENOENT, "No such file or directory"), path) is None
    assert write_problem(sqlite_error(sqlite3.SQLITE_BUSY), path) is None
    assert write_problem(sqlite3.DatabaseError("file is not a database"), path) is None
    assert write_problem(sqlite_error(shm_size), path) is None  # an I/O error with room

    class Usage:
        free = 4096

    monkeypatch.setattr(database.shutil, "disk_usage", lambda folder: Usage)
    assert write_problem(sqlite_error(shm_size), path) == DISK_FULL  # the same, disk full


def test_a_failed_write_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    """The writer thread logs the IndexWriteError where it happens; the scan's summary
    does not log it again (other failures it does log)."""
    caplog.set_level(logging.INFO, logger="lsp_server")
    for error in (IndexWriteError(Path("/x/index.sqlite"), DISK_FULL), RuntimeError("boom")):
        scan: Future[IndexReport] = Future()
        scan.set_exception(error)
        log_scan(scan)
    assert [r.getMessage() for r in caplog.records] == ["indexing failed: boom"]
