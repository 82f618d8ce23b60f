"""The one vocabulary of errors.

Every failure a user can meet is a subclass of :class:`LlamaLspError` with a message
written for them (what happened, which path or key, what to do). Callers show
``str(error)`` once and answer empty; anything that is not a ``LlamaLspError`` is a bug
and is only logged with its traceback.
"""

from __future__ import annotations

import errno
from pathlib import Path

DISK_FULL = "the disk is full (free some space, or set cache_dir to a folder on another disk)"
WRITABLE_HINT = "set cache_dir to a folder you can write"


class LlamaLspError(Exception):
    """Base class: the message is what the user sees."""


class ConfigError(LlamaLspError):
    """A setting has an invalid value (the caller falls back to the default)."""


class ModelNotFoundError(LlamaLspError):
    def __init__(self, path: Path | str) -> None:
        super().__init__(f"model file not found: {path}")
        self.path = Path(path)


class ModelInvalidError(LlamaLspError):
    """The file exists but is not a loadable GGUF (truncated, corrupt, wrong format)."""

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"cannot load model {path}: {reason}")
        self.path = Path(path)
        self.reason = reason


class NoModelConfiguredError(LlamaLspError):
    def __init__(self, hint: str) -> None:
        super().__init__(f"no model configured. {hint}")


class CannotInfillError(LlamaLspError):
    """The model has no fill-in-the-middle tokens, so it cannot complete at a cursor."""

    def __init__(self, path: Path | str, suggestion: str) -> None:
        super().__init__(
            f"this model cannot fill in the middle ({Path(path).name} has no FIM tokens); "
            f"use a base code model such as {suggestion}"
        )


class DownloadError(LlamaLspError):
    """A model download failed or produced a file whose checksum does not match."""


class ChecksumMismatchError(DownloadError):
    def __init__(self, path: Path | str, expected: str, actual: str) -> None:
        super().__init__(
            f"checksum mismatch for {path}: expected sha256 {expected}, got {actual}; "
            "the file was not installed"
        )


class PromptTooLongError(LlamaLspError):
    """A prompt that cannot fit the model's context window (or is empty)."""


class PositionError(LlamaLspError):
    """A line/column outside the document."""


class DocumentError(LlamaLspError):
    """A file that cannot be used as a document (binary, not UTF-8, too large, missing)."""


class SecretFileError(DocumentError):
    """A secrets file (``.env``, keys, credentials) as the document of a completion or an
    explanation: the index never reads it, and its text never goes into a prompt."""

    def __init__(self, path: Path | str) -> None:
        super().__init__(f"{Path(path).name} looks like a secrets file, so its text is never "
                         "sent to the model (see index_secret_globs)")


class GenerationCancelled(LlamaLspError):
    """Raised inside the engine worker when a request was cancelled; never shown."""


class UnknownModelError(LlamaLspError):
    """A model name that is not in the registry (``llama-lsp models list`` shows them)."""

    def __init__(self, name: str, known: list[str]) -> None:
        super().__init__(
            f"unknown model {name!r}; known models: {', '.join(known)} "
            "(see `llama-lsp models list`)"
        )
        self.name = name


def folder_problem(exc: OSError) -> str | None:
    """What the user must change when the cache folder (models, indexes) cannot be
    written: a full disk or quota, a read-only or foreign folder, a file where the folder
    should be. None for any other OSError."""
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return DISK_FULL
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM, errno.ENOTDIR):
        return f"{exc.strerror or exc} ({WRITABLE_HINT})"
    return None


class IndexWriteError(LlamaLspError):
    """The index database cannot be written: the disk (or quota) is full, or the folder is
    read-only. Not llama-lsp's fault, so the user is told what to change.

    SQLite rolls the transaction back, and each transaction holds whole files, so the
    index still answers from its last commit; the next scan re-does what was not written.
    """

    def __init__(self, path: Path | str, reason: str) -> None:
        super().__init__(f"cannot write the repository index {path}: {reason}; the index "
                         "keeps answering from what it already holds")
        self.path = Path(path)
        self.reason = reason


class AssistInputError(LlamaLspError):
    """An explain / ask request the assistant cannot use (an empty question or selection)."""
