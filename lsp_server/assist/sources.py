"""Nearby source files for a repository question, until the repository index answers it.

A time-boxed breadth-first walk: the current file's directory first (the code a
question is most likely about), then the workspace from its root, nearest levels
first. Hidden, vendored and build directories are never entered, symlinks never
followed, and secret files are decided by name and never opened (the index's own
list, ``indexing.policy``, so both read the same files). What is read must be small
UTF-8 text.
"""

from __future__ import annotations

import os
import time
from collections import deque
from collections.abc import Iterator
from pathlib import Path

from lsp_server.indexing.policy import is_secret
from lsp_server.languages import language_for

MAX_FILE_BYTES = 256 * 1024
WALK_SECONDS = 0.3
MAX_FILES = 2000
# Hidden directories (.git, .venv, .tox, ...) are skipped as well.
SKIP_DIRS = frozenset({
    "node_modules", "bower_components", "venv", "__pycache__", "build", "dist", "target",
    "out", "vendor", "site-packages", "coverage", "htmlcov",
})
SKIP_FILES = frozenset({"package-lock.json", "yarn.lock", "pnpm-lock.yaml", "Cargo.lock",
                        "poetry.lock", "uv.lock", "go.sum"})
# Text worth reading besides the languages of the language table.
TEXT_EXTENSIONS = frozenset({
    ".md", ".rst", ".txt", ".toml", ".yaml", ".yml", ".json", ".cfg", ".ini", ".sh",
    ".sql", ".html", ".css", ".scss", ".rb", ".php", ".kt", ".swift", ".cs", ".scala",
    ".lua", ".vue", ".svelte", ".proto", ".gradle", ".cmake", ".zig",
})
TEXT_NAMES = frozenset({"Makefile", "Dockerfile", "CMakeLists.txt", "Justfile"})


def is_wanted(name: str, rel: str, extra_globs: tuple[str, ...] = ()) -> bool:
    """A file worth reading for a question: text we know, not a lock file, not a secret."""
    if name in SKIP_FILES or is_secret(rel, extra_globs):
        return False
    return (name in TEXT_NAMES or os.path.splitext(name)[1].lower() in TEXT_EXTENSIONS
            or language_for(name) != "plaintext")


def read_text(path: Path | str) -> str | None:
    """The file's text, or None when it is too large, binary, not UTF-8 or unreadable."""
    try:
        if os.path.getsize(path) > MAX_FILE_BYTES:
            return None
        with open(path, "rb") as handle:
            data = handle.read(MAX_FILE_BYTES + 1)
    except OSError:
        return None
    if b"\0" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def nearby_files(
    workspace: Path, near: Path | None = None, *, deadline: float, max_files: int = MAX_FILES,
    secret_globs: tuple[str, ...] = (),
) -> Iterator[tuple[Path, str]]:
    """``(path, workspace-relative path)`` of wanted files, nearest first, until
    ``deadline`` (``time.monotonic()``) or ``max_files``. Time spent by the caller
    between items counts, so reading and scoring are boxed too."""
    root = workspace.resolve()
    starts = [root]
    if near is not None and near.resolve() != root and root in near.resolve().parents:
        starts.insert(0, near.resolve())
    seen: set[Path] = set()
    count = 0
    for start in starts:
        queue = deque([start])
        while queue:
            directory = queue.popleft()
            if directory in seen:
                continue
            seen.add(directory)
            try:
                entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
            except OSError:
                continue
            for entry in entries:
                if time.monotonic() > deadline or count >= max_files:
                    return
                if entry.is_symlink():
                    continue
                rel = Path(entry.path).relative_to(root).as_posix()
                if entry.is_dir():
                    if not entry.name.startswith(".") and entry.name not in SKIP_DIRS:
                        queue.append(Path(entry.path))
                elif entry.is_file() and is_wanted(entry.name, rel, secret_globs):
                    count += 1
                    yield Path(entry.path), rel
