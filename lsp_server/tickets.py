"""Request tickets: an id and a deadline per request, and the latest one per document wins.

A newer inline completion for the same document supersedes the older ones: their shared
cancel event is set, so the engine stops them before the next token and every stage
boundary answers empty. The count of open tickets is what "no growth of pending work"
is measured by.
"""

from __future__ import annotations

import itertools
import threading
import time
from dataclasses import dataclass, field


class Superseded(Exception):
    """The request was cancelled, superseded or ran past its deadline: answer empty."""


@dataclass
class Ticket:
    id: int
    uri: str
    deadline: float  # time.monotonic() value
    cancel: threading.Event = field(default_factory=threading.Event)

    def check(self) -> None:
        """Called at every stage boundary."""
        if self.cancel.is_set() or time.monotonic() > self.deadline:
            self.cancel.set()
            raise Superseded(f"request {self.id} for {self.uri}")


class Tickets:
    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self._latest: dict[str, Ticket] = {}
        self._open: dict[int, Ticket] = {}
        self._lock = threading.Lock()

    def open(self, uri: str, timeout_s: float) -> Ticket:
        """A new ticket for ``uri``; the document's previous ticket is cancelled."""
        with self._lock:
            ticket = Ticket(next(self._ids), uri, time.monotonic() + timeout_s)
            previous = self._latest.get(uri)
            if previous is not None:
                previous.cancel.set()
            self._latest[uri] = ticket
            self._open[ticket.id] = ticket
            return ticket

    def close(self, ticket: Ticket) -> None:
        with self._lock:
            self._open.pop(ticket.id, None)
            if self._latest.get(ticket.uri) is ticket:
                del self._latest[ticket.uri]

    def cancel_all(self) -> None:
        with self._lock:
            for ticket in self._open.values():
                ticket.cancel.set()

    @property
    def pending(self) -> int:
        return len(self._open)
