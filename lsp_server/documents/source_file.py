"""Read a source file from disk as a document, refusing what must not become a prompt.

Binary, huge and non-UTF-8 files get a clear :class:`DocumentError` naming the file and
the reason instead of a decode crash or a multi-megabyte prompt.
"""

from __future__ import annotations

from pathlib import Path

from lsp_server.errors import DocumentError

MAX_DOCUMENT_BYTES = 4 * 1024 * 1024


def read_source(path: Path | str, *, max_bytes: int = MAX_DOCUMENT_BYTES) -> str:
    path = Path(path)
    if not path.is_file():
        raise DocumentError(f"file not found: {path}")
    size = path.stat().st_size
    if size > max_bytes:
        raise DocumentError(f"{path} is too large ({size} bytes; the limit is {max_bytes})")
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        raise DocumentError(f"{path} looks like a binary file")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise DocumentError(f"{path} is not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
