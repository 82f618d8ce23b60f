"""The daemon's index: real watchdog events reach queries; overlays win over the disk."""

from __future__ import annotations

import os
import shutil
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from lsp_server.indexing.policy import Policy
from lsp_server.indexing.service import WorkspaceIndex
from tests.unit.indexing.conftest import write_tree

TIMEOUT = 10.0


def wait_for(condition: Callable[[], bool], what: str) -> None:
    """Poll the index until ``condition`` holds; fail with ``what`` after TIMEOUT."""
    deadline = time.monotonic() + TIMEOUT
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for: {what}")
        time.sleep(0.01)


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[tuple[Path, WorkspaceIndex]]:
    root = write_tree(tmp_path / "repo", {
        "app.py": "def main(): pass\n", ".gitignore": "ignored/\n", "pkg/__init__.py": "",
        "pkg/one.py": "def one(): pass\n"}).resolve()
    index = WorkspaceIndex([root], database=tmp_path / "cache" / "index.sqlite",
                           policy=Policy(), workers=1, debounce_ms=10)
    report = index.start().result(timeout=TIMEOUT)
    assert report.files == 3
    yield root, index
    index.close()


def defined(index: WorkspaceIndex, name: str) -> list[str]:
    return [str(s.path) for s in index.reader.definitions(name)]


def test_watcher_reflects_create_modify_delete_and_rename(
        workspace: tuple[Path, WorkspaceIndex]) -> None:
    root, index = workspace
    write_tree(root, {"new.py": "def created(): pass\n"})
    wait_for(lambda: defined(index, "created") == [str(root / "new.py")], "create")
    write_tree(root, {"new.py": "def modified(): pass\n"})
    wait_for(lambda: defined(index, "modified") != [] and defined(index, "created") == [],
             "modify")
    os.rename(root / "new.py", root / "renamed.py")
    wait_for(lambda: defined(index, "modified") == [str(root / "renamed.py")], "rename")
    os.remove(root / "renamed.py")
    wait_for(lambda: defined(index, "modified") == [], "delete")


def test_watcher_follows_directory_moves_creates_and_deletes(
        workspace: tuple[Path, WorkspaceIndex]) -> None:
    root, index = workspace
    os.rename(root / "pkg", root / "lib")
    wait_for(lambda: defined(index, "one") == [str(root / "lib" / "one.py")], "directory move")
    shutil.copytree(root / "lib", root / "copy")
    wait_for(lambda: len(defined(index, "one")) == 2, "directory created with files")
    shutil.rmtree(root / "lib")
    wait_for(lambda: defined(index, "one") == [str(root / "copy" / "one.py")],
             "directory deleted")


def test_ignored_paths_never_enter_and_ignore_files_rescan(
        workspace: tuple[Path, WorkspaceIndex]) -> None:
    root, index = workspace
    write_tree(root, {"ignored/secret_plan.py": "def hidden(): pass\n",
                      ".env.py": "def hidden_env(): pass\n"})
    write_tree(root, {"later.py": "def later(): pass\n"})
    wait_for(lambda: defined(index, "later") != [], "a later event")
    assert defined(index, "hidden") == [] and defined(index, "hidden_env") == []
    write_tree(root, {".gitignore": "ignored/\napp.py\n"})
    wait_for(lambda: defined(index, "main") == [], "rescan after .gitignore changed")


def test_overlay_wins_until_cleared(workspace: tuple[Path, WorkspaceIndex]) -> None:
    root, index = workspace
    index.overlay(root / "app.py", "def unsaved_edit(): pass\n").result(timeout=TIMEOUT)
    assert defined(index, "unsaved_edit") == [str(root / "app.py")]
    assert defined(index, "main") == []
    write_tree(root, {"app.py": "def saved_on_disk(): pass\n"})  # ignored while overlaid
    write_tree(root, {"marker.py": "def marker(): pass\n"})
    wait_for(lambda: defined(index, "marker") != [], "a later event")
    assert defined(index, "saved_on_disk") == [] and defined(index, "unsaved_edit") != []
    index.clear_overlay(root / "app.py").result(timeout=TIMEOUT)
    assert defined(index, "saved_on_disk") == [str(root / "app.py")]
    assert defined(index, "unsaved_edit") == []
    index.overlay(root / "unsaved_new.py", "def brand_new(): pass\n").result(timeout=TIMEOUT)
    assert defined(index, "brand_new") == [str(root / "unsaved_new.py")]
    index.overlay(root / ".env", "KEY=1\n").result(timeout=TIMEOUT)  # secret: never indexed
    assert str(root / ".env") not in index.reader.conn.execute(
        "SELECT group_concat(path) FROM files").fetchone()[0]
