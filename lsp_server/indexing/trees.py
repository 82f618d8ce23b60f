"""Incremental re-parsing of the files the writer parses over and over (edits, overlays).

A watcher event or an overlay re-reads a whole file, and parsing is most of what it then
costs: 40 ms for a 750 KB file, too slow for the 50 ms budget from event to query. Given
the previous tree and the edit between the old and new bytes, tree-sitter re-parses only
around the edit (a few ms). Trees take 12 to 17 times their source in memory, so only
large files are kept, and only a few: small files parse in a few ms from scratch anyway.

Used in-process only (the writer thread); the parse pool's workers see each file once.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import NamedTuple

import tree_sitter

MIN_BYTES = 32 * 1024  # smaller files are parsed from scratch and not kept
MAX_BYTES = 2 << 20  # of source kept, all trees together (about 30 MiB of trees)
MAX_FILES = 4
BLOCK = 4096


class Edit(NamedTuple):
    start_byte: int
    old_end_byte: int
    new_end_byte: int
    start_point: tuple[int, int]
    old_end_point: tuple[int, int]
    new_end_point: tuple[int, int]


class TreeCache:
    """The last trees parsed for large files, keyed by path, least recently used first."""

    def __init__(self, max_bytes: int = MAX_BYTES, max_files: int = MAX_FILES) -> None:
        self.max_bytes, self.max_files = max_bytes, max_files
        self._trees: OrderedDict[str, tuple[str, bytes, tree_sitter.Tree]] = OrderedDict()
        self._bytes = 0

    def parse(self, parser: tree_sitter.Parser, language: str, path: str,
              source: bytes) -> tree_sitter.Tree:
        """``parser.parse(source)``, re-using the path's previous tree when there is one."""
        kept = self._trees.pop(path, None)
        if kept is not None:
            self._bytes -= len(kept[1])
        if kept is None or kept[0] != language:
            tree = parser.parse(source)
        else:
            _language, old, tree = kept
            edit = edit_between(old, source)
            if edit is not None:
                tree.edit(*edit)
                tree = parser.parse(source, tree)
        if len(source) >= MIN_BYTES:
            self._trees[path] = (language, source, tree)
            self._bytes += len(source)
            while self._trees and (self._bytes > self.max_bytes
                                   or len(self._trees) > self.max_files):
                _path, (_lang, dropped, _tree) = self._trees.popitem(last=False)
                self._bytes -= len(dropped)
        return tree

    def clear(self) -> None:
        self._trees.clear()
        self._bytes = 0


def edit_between(old: bytes, new: bytes) -> Edit | None:
    """The one edit (common prefix and suffix kept) that turns ``old`` into ``new``."""
    if old == new:
        return None
    shortest = min(len(old), len(new))
    start = _common(lambda data, i, j: data[i:j], old, new, shortest)
    tail = _common(lambda data, i, j: data[len(data) - j:len(data) - i], old, new,
                   shortest - start)
    old_end, new_end = len(old) - tail, len(new) - tail
    return Edit(start, old_end, new_end, _point(old, start), _point(old, old_end),
                _point(new, new_end))


def _common(take: Callable[[bytes, int, int], bytes], old: bytes, new: bytes,
            limit: int) -> int:
    """How many bytes ``old`` and ``new`` share from one end (``take(data, i, j)``: the
    i-th to j-th byte from that end), up to ``limit``: a block at a time (slices are
    memcmp-fast, a byte loop in Python is not), then by halves in the first block that
    differs."""
    done = 0
    while done + BLOCK <= limit and take(old, done, done + BLOCK) == take(new, done, done + BLOCK):
        done += BLOCK
    low, high = done, min(done + BLOCK, limit)
    while low < high:  # the equal run from ``done`` ends somewhere in [low, high]
        middle = (low + high + 1) // 2
        if take(old, done, middle) == take(new, done, middle):
            low = middle
        else:
            high = middle - 1
    return low


def _point(source: bytes, offset: int) -> tuple[int, int]:
    """(row, byte column) of a byte offset, as tree-sitter counts them."""
    row = source.count(b"\n", 0, offset)
    return row, offset - (source.rfind(b"\n", 0, offset) + 1)
