"""Load the rule cases (cases/*.toml) and derive the comment / string negatives."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from lsp_server.safety import Rule, dialect_for
from lsp_server.safety.catalog import ANY_LANGUAGE

CASES = Path(__file__).parent / "cases"
# Characters that start interpolation inside a "..." literal, escaped when a snippet is
# wrapped in strings (the wrapping must keep it a plain literal).
_INTERPOLATION_ESCAPES = {"php": "$", "kotlin": "$", "ruby": "#", "javascript": "", "go": ""}
UNKNOWN_LANGUAGE = "plaintext"


@dataclass(frozen=True)
class Case:
    rule: str
    language: str
    snippet: str
    bad: bool
    index: int
    note: str = ""

    def __str__(self) -> str:
        kind = "bad" if self.bad else "good"
        return f"{self.rule}[{self.language}]:{kind}{self.index}{self.note}"


def load_cases() -> dict[str, dict[str, list[str]]]:
    table: dict[str, dict[str, list[str]]] = {}
    for path in sorted(CASES.glob("*.toml")):
        for rule_id, row in tomllib.loads(path.read_text("utf-8")).items():
            assert rule_id not in table, f"{rule_id} has cases in two files"
            table[rule_id] = row
    return table


def case_languages(rule: Rule, row: dict[str, list[str]]) -> list[str]:
    """The languages a rule's snippets are tried in: the case's own list, else the rule's."""
    if "languages" in row:
        return list(row["languages"])
    if ANY_LANGUAGE in rule.languages:
        return ["python", UNKNOWN_LANGUAGE]
    return sorted(rule.languages)


def commented(snippet: str, language: str) -> str:
    dialect = dialect_for(language)
    assert dialect is not None and dialect.lexical.line_comments
    marker = dialect.lexical.line_comments[0]
    return "\n".join(f"{marker} {line}" for line in snippet.split("\n"))


def in_strings(snippet: str, language: str) -> str:
    """Each line as a plain double-quoted literal on its own line."""
    dialect = dialect_for(language)
    assert dialect is not None
    extra = _INTERPOLATION_ESCAPES.get(dialect.id, "")
    lines = []
    for line in snippet.split("\n"):
        escaped = line.replace("\\", "\\\\").replace('"', '\\"')
        for char in extra:
            escaped = escaped.replace(char, "\\" + char)
        lines.append(f'x = "{escaped}"' if dialect.id in ("python", "ruby") else f'"{escaped}",')
    return "\n".join(lines)
