"""Typing-through cache: answer from a recent completion when the user types into it.

When the characters typed since a completion was shown are the start of that
completion, the rest of it is still the best answer: no model call, no latency. Entries
are an LRU over (document, text before the cursor, text after it); the text before the
cursor is compared by length and a tail (the part the user can have changed by typing).
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass

TAIL = 2048  # characters of context compared before the cursor
SUFFIX = 256  # characters compared after it


@dataclass(frozen=True)
class CacheEntry:
    uri: str
    prefix_len: int
    prefix_tail: str
    suffix_head: str
    completion: str


class CompletionCache:
    def __init__(self, capacity: int = 128) -> None:
        self.capacity = capacity
        self._entries: OrderedDict[tuple[str, int, str], CacheEntry] = OrderedDict()

    def store(self, uri: str, prefix: str, suffix: str, completion: str) -> None:
        if not completion or self.capacity <= 0:
            return
        entry = CacheEntry(uri, len(prefix), prefix[-TAIL:], suffix[:SUFFIX], completion)
        key = (uri, entry.prefix_len, entry.prefix_tail)
        self._entries[key] = entry
        self._entries.move_to_end(key)
        while len(self._entries) > self.capacity:
            self._entries.popitem(last=False)

    def lookup(self, uri: str, prefix: str, suffix: str) -> str | None:
        """The remainder of a cached completion that what was typed continues, or None."""
        head = suffix[:SUFFIX]
        for key in reversed(self._entries):
            entry = self._entries[key]
            typed = len(prefix) - entry.prefix_len
            if entry.uri != uri or entry.suffix_head != head or not 0 <= typed < len(
                entry.completion
            ):
                continue
            before = prefix[: len(prefix) - typed] if typed else prefix
            if before[-TAIL:] != entry.prefix_tail:
                continue
            if entry.completion.startswith(prefix[len(prefix) - typed :]):
                self._entries.move_to_end(key)
                return entry.completion[typed:]
        return None

    def clear(self, uri: str | None = None) -> None:
        for key in [k for k in self._entries if uri is None or k[0] == uri]:
            del self._entries[key]
