"""Brackets as code sees them: strings and comments skipped, per language (lexical.toml).

Bracket and quote balance decides several cuts (an unmatched ``}`` ends a block, a ``)``
the suffix already has is not repeated), and a bracket inside ``"a (b"`` or a comment
must not count. One regex per syntax family finds comments, literals and brackets; only
its matches are walked in Python, so a 200-line window takes well under a millisecond.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

PAIRS = {")": "(", "]": "[", "}": "{"}


@dataclass(frozen=True)
class Dialect:
    line_comments: tuple[str, ...] = ()
    block_comments: tuple[tuple[str, str], ...] = ()
    strings: tuple[str, ...] = ()
    multiline: tuple[str, ...] = ()
    chars: bool = False


@dataclass
class Scan:
    """What a text leaves behind: brackets still open, closers it never opened, and
    the opener of a literal or comment still running at its end ("" in code)."""

    stack: list[tuple[str, int]] = field(default_factory=list)  # (opener, offset)
    unmatched: list[tuple[str, int, bool]] = field(default_factory=list)  # (closer, offset, bare)
    state: str = ""
    literal_end: int = -1  # where a literal begun before the text (``state``) closes


@cache
def _table() -> dict[str, Dialect]:
    text = resources.files(__package__).joinpath("lexical.toml").read_text("utf-8")
    table: dict[str, Dialect] = {}
    for row in tomllib.loads(text).values():
        dialect = Dialect(
            tuple(row.get("line_comments", ())),
            tuple((a, b) for a, b in row.get("block_comments", ())),
            tuple(row.get("strings", ())),
            tuple(row.get("multiline", ())),
            bool(row.get("chars", False)),
        )
        table.update(dict.fromkeys(row["languages"], dialect))
    return table


def dialect_for(language: str) -> Dialect:
    """The language's comment and string syntax; plain brackets for unknown languages."""
    return _table().get(language, Dialect())


def _string(delimiter: str, multiline: bool) -> str:
    d = re.escape(delimiter)
    body = r"\\[\s\S]" if multiline else r"\\."
    other = rf"(?!{d})[^\\]" if multiline else rf"(?!{d})[^\\\n]"
    end = r"\Z" if multiline else r"(?=\n)|\Z"
    return rf"{d}(?:{body}|{other})*?(?:{d}|{end})"


@cache
def _pattern(dialect: Dialect) -> re.Pattern[str]:
    parts = [rf"{re.escape(m)}[^\n]*" for m in dialect.line_comments]
    parts += [rf"{re.escape(a)}[\s\S]*?(?:{re.escape(b)}|\Z)" for a, b in dialect.block_comments]
    literal = [_string(d, d in dialect.multiline) for d in dialect.strings]
    if dialect.chars:
        literal.append(r"'(?:\\[^'\n]{1,8}|[^'\\\n])'")
    alternatives = [f"(?P<literal>{'|'.join(parts + literal)})"] if parts + literal else []
    alternatives += [r"(?P<open>[(\[{])", r"(?P<close>[)\]}])"]
    return re.compile("|".join(alternatives))


def _opener(token: str, dialect: Dialect) -> str:
    starts = [*dialect.line_comments, *(a for a, _ in dialect.block_comments), *dialect.strings]
    return next((s for s in starts if token.startswith(s)), token[:1])


def _is_closed(token: str, opener: str, dialect: Dialect) -> bool:
    if opener in dialect.line_comments:
        return False  # a line comment runs to the end of its line: still open at the end
    closer = next((b for a, b in dialect.block_comments if a == opener), opener)
    if len(token) < len(opener) + len(closer) or not token.endswith(closer):
        return False
    body = token[: len(token) - len(closer)]
    return (len(body) - len(body.rstrip("\\"))) % 2 == 0


def scan(text: str, dialect: Dialect, state: str = "", limit: int | None = None) -> Scan:
    """Walk ``text`` (starting inside the literal or comment ``state`` opened, if any),
    stopping once ``limit`` bare closers were seen."""
    source, shift = state + text, len(state)
    result = Scan()
    for match in _pattern(dialect).finditer(source):
        kind, token, at = match.lastgroup, match.group(), match.start() - shift
        if kind == "open":
            result.stack.append((token, at))
        elif kind == "close":
            if result.stack and result.stack[-1][0] == PAIRS[token]:
                result.stack.pop()
            else:
                result.unmatched.append((token, at, not result.stack))
                if limit is not None and len(result.unmatched) >= limit:
                    break
        else:
            opener = _opener(token, dialect)
            closed = _is_closed(token, opener, dialect)
            if state and match.start() == 0 and closed:
                result.literal_end = match.end() - shift
            if not closed and match.end() == len(source):
                result.state = opener
    return result
