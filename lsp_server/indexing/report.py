"""What an indexing run reports, and the version of the extraction rules.

The version hashes the language table, every query file and ``EXTRACTOR_REVISION``
(bumped by hand when extract.py or chunking.py change what they produce), so an index
built by other rules is re-parsed instead of silently answering from stale rows.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict, dataclass, field
from functools import cache
from importlib import resources

from lsp_server.languages import QUERY_PURPOSES, languages, query_source

EXTRACTOR_REVISION = "1"


@dataclass(frozen=True)
class IndexReport:
    files: int  # indexed files in the database after the run
    lines: int  # their lines
    symbols: int
    imports: int
    chunks: int
    parsed: int  # files read this run (changed or new)
    parsed_lines: int
    removed: int  # files dropped (deleted, now ignored, now binary...)
    seconds: float
    skipped: dict[str, int] = field(default_factory=dict)  # reason -> paths skipped
    database: str = ""
    database_bytes: int = 0

    @property
    def lines_per_second(self) -> float:
        return self.parsed_lines / self.seconds if self.seconds > 0 else 0.0

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "lines_per_second": round(self.lines_per_second),
                "seconds": round(self.seconds, 3)}


@cache
def extraction_version() -> str:
    digest = hashlib.sha256(EXTRACTOR_REVISION.encode())
    table = resources.files("lsp_server.languages").joinpath("languages.toml")
    digest.update(table.read_bytes())
    for language in sorted(languages()):
        for purpose in QUERY_PURPOSES:
            digest.update(query_source(language, purpose).encode())
    return digest.hexdigest()[:16]
