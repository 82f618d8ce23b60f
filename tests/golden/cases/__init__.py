"""Golden cases for post-processing: one TOML file per language, one ``[[case]]`` each.

A case has the document (``file``) with the cursor marked ``█``, what a model wrote there
(``raw``) and what the editor should show (``expected``; ``dropped = true`` when the
filters should show nothing). ``source`` says whether ``raw`` was recorded from a real
model or written after the habits of small instruct models, and ``why`` what it tests.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from lsp_server.documents.cursor import Cursor, split_at

CURSOR = "█"
HERE = Path(__file__).parent


def cursor_in(text: str) -> Cursor:
    """The document with its ``█`` removed, split at the marker."""
    if text.count(CURSOR) != 1:
        raise ValueError(f"a golden file needs exactly one {CURSOR}")
    before, after = text.split(CURSOR)
    return split_at(before + after, before.count("\n"), len(before.rsplit("\n", 1)[-1]))


@dataclass(frozen=True)
class Case:
    language: str
    name: str
    file: str
    raw: str
    expected: str | None
    why: str = ""
    source: str = ""

    @property
    def id(self) -> str:
        return f"{self.language}/{self.name}"

    @cached_property
    def cursor(self) -> Cursor:
        return cursor_in(self.file)


def load_cases(folder: Path = HERE) -> list[Case]:
    cases = []
    for path in sorted(folder.glob("*.toml")):
        data = tomllib.loads(path.read_text("utf-8"))
        for row in data["case"]:
            expected = None if row.get("dropped") else row.get("expected", "")
            cases.append(Case(row.get("language", data["language"]), row["name"], row["file"],
                              row.get("raw", ""), expected, row.get("why", ""),
                              row.get("source", "")))
    return cases
