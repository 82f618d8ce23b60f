"""What the user did recently: edited lines and viewed places, a small bounded ring.

The recent-edits source shows the code around these places: what was just written
elsewhere is what the next lines most often use (llama.vim's ring buffer, Copilot's
"neighboring tabs"). Entries are positions, not text: the text is read from the index,
which overlays unsaved documents, when a request needs it.
"""

from __future__ import annotations

import threading
from collections import deque
from dataclasses import dataclass
from pathlib import Path

NEAR_LINES = 8  # an entry within this many lines of a newer one in the same file is merged


@dataclass(frozen=True)
class Place:
    path: Path
    line: int  # 0-based
    edited: bool  # an edit (True) or only a visit (False)


class Activity:
    def __init__(self, capacity: int = 16) -> None:
        self._places: deque[Place] = deque(maxlen=capacity)
        self._lock = threading.Lock()

    def edited(self, path: Path, line: int) -> None:
        self._add(Place(path, line, True))

    def viewed(self, path: Path, line: int) -> None:
        self._add(Place(path, line, False))

    def recent(self) -> list[Place]:
        """Newest first."""
        with self._lock:
            return list(reversed(self._places))

    def _add(self, place: Place) -> None:
        with self._lock:
            for old in list(self._places):
                if old.path == place.path and abs(old.line - place.line) <= NEAR_LINES:
                    self._places.remove(old)  # the newer position replaces it
                    place = Place(place.path, place.line, place.edited or old.edited)
            self._places.append(place)
