"""Reading and extracting files, in the parse processes or in-process.

A job carries what the parent already knows (the stored hash), so an unchanged file whose
mtime moved costs one read and one hash, not a parse. The file is ``fstat``-ed before it
is read, so the recorded size and mtime are never newer than the content: a file edited
during the read is simply seen as changed on the next scan. Binary files (a NUL byte in
the first 8 KiB) and files that are not UTF-8 are skipped with their reason.
"""

from __future__ import annotations

import gc
import hashlib
import os
from typing import NamedTuple

from lsp_server.indexing.extract import Extraction, extractor_for
from lsp_server.indexing.policy import SkipReason
from lsp_server.indexing.trees import TreeCache

BINARY_SNIFF = 8192


class Job(NamedTuple):
    path: str
    language: str
    stored_hash: str  # "" when the file is new to the index
    max_bytes: int


class FileResult(NamedTuple):
    path: str
    language: str
    skipped: SkipReason | None  # None: read (indexed, or unchanged when extraction is None)
    size: int
    mtime_ns: int
    hash: str
    lines: int
    extraction: Extraction | None


def run_jobs(jobs: list[Job]) -> list[FileResult]:
    """The worker entry point: one batch of files (batches keep pickling overhead low).

    The cyclic garbage collector pauses during a batch: extraction makes no cycles, and
    its many short-lived tuples would start a collection every few hundred allocations
    (3 to 5% of a worker's time).
    """
    gc.disable()
    try:
        return [run_job(job) for job in jobs]
    finally:
        gc.enable()


def run_job(job: Job, trees: TreeCache | None = None) -> FileResult:
    """One file; ``trees``: re-parse incrementally from (and keep) the previous tree."""
    try:
        with open(job.path, "rb") as handle:
            stat = os.fstat(handle.fileno())
            if stat.st_size > job.max_bytes:
                return _skip(job, SkipReason.TOO_LARGE, stat.st_size, stat.st_mtime_ns)
            data = handle.read(job.max_bytes + 1)
    except OSError:
        return _skip(job, SkipReason.UNREADABLE)
    return extract_source(job.path, job.language, data, stat.st_mtime_ns, job.stored_hash,
                          trees)


def extract_source(path: str, language: str, data: bytes, mtime_ns: int,
                   stored_hash: str = "", trees: TreeCache | None = None) -> FileResult:
    """A file's result from its bytes (also used for the unsaved text of open documents)."""
    if b"\0" in data[:BINARY_SNIFF]:
        return _skip(Job(path, language, stored_hash, 0), SkipReason.BINARY, len(data), mtime_ns)
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    lines = data.count(b"\n") + (1 if data and not data.endswith(b"\n") else 0)
    if digest == stored_hash:
        return FileResult(path, language, None, len(data), mtime_ns, digest, lines, None)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return _skip(Job(path, language, stored_hash, 0), SkipReason.NOT_UTF8, len(data),
                     mtime_ns)
    extractor = extractor_for(language)
    if extractor is None:
        extraction = Extraction([], [], [])
    else:
        tree = None if trees is None else trees.parse(extractor.parser, language, path, data)
        extraction = extractor.extract(data, text, tree)
    return FileResult(path, language, None, len(data), mtime_ns, digest, lines, extraction)


def _skip(job: Job, reason: SkipReason, size: int = 0, mtime_ns: int = 0) -> FileResult:
    return FileResult(job.path, job.language, reason, size, mtime_ns, "", 0, None)
