"""Turn generated token pieces into text, honouring stop strings while streaming.

Pieces are bytes that may split a UTF-8 character, and a stop string may arrive across
several tokens; so text is decoded incrementally and the tail that could still become a
stop string is held back until it either completes the stop or stops matching.
"""

from __future__ import annotations

import codecs


class TextStream:
    def __init__(self, stop_strings: tuple[str, ...] = ()) -> None:
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._stops = tuple(s for s in stop_strings if s)
        self.text = ""  # everything accepted so far (stop string excluded)
        self._emitted = 0
        self.stopped = False

    def push(self, piece: bytes) -> str:
        """Add one token's bytes; return the newly releasable text ("" if held back)."""
        self.text += self._decoder.decode(piece)
        for stop in self._stops:
            at = self.text.find(stop)
            if at >= 0:
                self.text = self.text[:at]
                self.stopped = True
        return self._release(final=self.stopped)

    def truncate(self, length: int) -> None:
        """Keep only the first ``length`` characters (an early-stop check decided so)."""
        self.text = self.text[:length]
        self._emitted = min(self._emitted, length)
        self.stopped = True

    def finish(self) -> str:
        """Flush what was held back once generation has ended."""
        if not self.stopped:
            self.text += self._decoder.decode(b"", final=True)
        return self._release(final=True)

    def _release(self, *, final: bool) -> str:
        end = len(self.text) if final else len(self.text) - self._held_back()
        end = max(end, self._emitted)
        out = self.text[self._emitted : end]
        self._emitted = end
        return out

    def _held_back(self) -> int:
        """Length of the longest tail of the text that is a proper prefix of a stop."""
        best = 0
        for stop in self._stops:
            for n in range(min(len(stop) - 1, len(self.text)), best, -1):
                if self.text.endswith(stop[:n]):
                    best = n
                    break
        return best
