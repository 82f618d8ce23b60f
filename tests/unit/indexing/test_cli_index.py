"""``llama-lsp index``: the summary, and a run killed mid-way that the next run completes."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from lsp_server.indexing.database import index_file
from tests.unit.indexing.conftest import write_tree

FILES = 4000  # ~380k lines: several commits (every 0.5 s) even on a fast machine
FUNCTIONS = 12  # per file; each function is 8 lines


def cli_env(tmp_path: Path) -> dict[str, str]:
    return {**os.environ, "LLAMA_LSP_CACHE_DIR": str(tmp_path / "cache"),
            "XDG_CONFIG_HOME": str(tmp_path / "config")}


def make_repo(root: Path) -> Path:
    body = "".join(f"def f{{i}}_{j}(a, b):\n    '''Doc {j}.'''\n    c = a + b\n"
                   f"    d = c * 2\n    e = d - a\n    if e:\n        return e\n    return c\n"
                   for j in range(FUNCTIONS))
    return write_tree(root, {f"pkg{i % 20}/m{i}.py": body.replace("{i}", str(i))
                             for i in range(FILES)}).resolve()


def count_files(database: Path) -> int:
    if not database.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=1) as conn:
            return int(conn.execute("SELECT count(*) FROM files").fetchone()[0])
    except sqlite3.Error:
        return 0  # not created yet


def index(root: Path, tmp_path: Path) -> dict[str, object]:
    done = subprocess.run([sys.executable, "-m", "lsp_server.cli", "index", str(root), "--json"],
                          capture_output=True, text=True, env=cli_env(tmp_path), timeout=120)
    assert done.returncode == 0, done.stderr
    summary: dict[str, object] = json.loads(done.stdout)
    return summary


def test_a_killed_run_leaves_a_database_the_next_run_completes(tmp_path: Path) -> None:
    root = make_repo(tmp_path / "repo")
    database = index_file(tmp_path / "cache", [root])
    process = subprocess.Popen(
        [sys.executable, "-m", "lsp_server.cli", "index", str(root)], env=cli_env(tmp_path),
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + 60
        while count_files(database) == 0:
            assert process.poll() is None, "the run ended before it could be interrupted"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        process.kill()  # SIGKILL, mid-run: some batches are committed, most are not
        process.wait()
    finally:
        os.killpg(process.pid, signal.SIGKILL)  # its forkserver and parse workers too
    committed = count_files(database)
    assert 0 < committed < FILES
    summary = index(root, tmp_path)
    assert summary["files"] == FILES and summary["parsed"] == FILES - committed
    assert summary["symbols"] == FILES * FUNCTIONS and summary["lines"] == FILES * FUNCTIONS * 8
    again = index(root, tmp_path)
    assert again["parsed"] == 0 and again["files"] == FILES


@pytest.mark.parametrize("flag", ["", "--json"])
def test_summary_reports_counts_speed_size_and_skips(tmp_path: Path, flag: str) -> None:
    root = write_tree(tmp_path / "repo", {"a.py": "def a():\n    pass\n", ".env": "X=1\n",
                                         "notes.md": "# hi\n"}).resolve()
    done = subprocess.run([sys.executable, "-m", "lsp_server.cli", "index", str(root),
                           *([flag] if flag else [])], capture_output=True, text=True,
                          env=cli_env(tmp_path), timeout=60)
    assert done.returncode == 0, done.stderr
    if flag:
        summary = json.loads(done.stdout)
        assert {key: summary[key] for key in ("files", "lines", "symbols", "chunks")} == {
            "files": 1, "lines": 2, "symbols": 1, "chunks": 1}
        assert summary["skipped"] == {"no language": 1, "secret": 1}
        assert summary["database_bytes"] > 0 and "lines_per_second" in summary
    else:
        assert "1 files, 2 lines, 1 symbols" in done.stdout
        assert "skipped: no language 1, secret 1" in done.stdout
