"""Each language's comment and string-literal syntax (lexical.toml), declared once.

Two lexers read it: the post-processing filters (``lsp_server.postprocessing.lexing``),
which skip brackets inside comments and literals, and the insecure-code scanner
(``lsp_server.safety.lexer``), which blanks them before its code-scope regex rules run.
Both build their regex from the token patterns here, so a comment or a literal is the
same span of text for both; they differ only in what they do with it.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any


@dataclass(frozen=True)
class Lexical:
    line_comments: tuple[str, ...] = ()
    block_comments: tuple[tuple[str, str], ...] = ()
    strings: tuple[str, ...] = ()  # longest first: ''' before '
    multiline: tuple[str, ...] = ()  # the delimiters in ``strings`` whose literals span lines
    chars: bool = False  # 'a' and '\n' are character literals; a lone ' is code
    indented_blocks: bool = False  # a line ending in ":" opens a block of deeper lines

    def opener(self, token: str) -> str:
        """The comment marker or string delimiter a lexed token starts with (a char
        literal's quote otherwise)."""
        starts = (*self.line_comments, *(a for a, _ in self.block_comments), *self.strings)
        return next((s for s in starts if token.startswith(s)), token[:1])


@dataclass(frozen=True)
class LexicalLanguage:
    id: str
    aliases: tuple[str, ...]  # other names of this language
    lexical: Lexical
    kin: tuple[str, ...] = ()  # other languages lexed like it (Objective-C like C)


_SYNTAX_KEYS = ("line_comments", "block_comments", "strings", "multiline", "chars",
                "indented_blocks")


def _lexical(row: dict[str, Any]) -> Lexical:
    return Lexical(
        tuple(row.get("line_comments", ())),
        tuple((a, b) for a, b in row.get("block_comments", ())),
        tuple(row.get("strings", ())),
        tuple(row.get("multiline", ())),
        bool(row.get("chars", False)),
        bool(row.get("indented_blocks", False)),
    )


@cache
def lexical_languages() -> dict[str, LexicalLanguage]:
    """Every row of lexical.toml by language id, ``syntax = "<id>"`` resolved."""
    text = resources.files("lsp_server.languages").joinpath("lexical.toml").read_text("utf-8")
    rows: dict[str, dict[str, Any]] = tomllib.loads(text)
    table: dict[str, LexicalLanguage] = {}
    for name, row in rows.items():
        source = rows.get(row["syntax"], {}) if "syntax" in row else row
        if source is not row and (
            not source or "syntax" in source or any(key in row for key in _SYNTAX_KEYS)
        ):
            raise ValueError(f"lexical.toml [{name}]: `syntax` must name a row with its own syntax")
        table[name] = LexicalLanguage(name, tuple(row.get("aliases", ())), _lexical(source),
                                      tuple(row.get("kin", ())))
    return table


@cache
def _ids(kin: bool) -> dict[str, str]:
    ids: dict[str, str] = {}
    for language in lexical_languages().values():
        for name in (language.id, *language.aliases, *(language.kin if kin else ())):
            ids[name.lower()] = language.id
    return ids


def language_id(language_or_alias: str) -> str | None:
    """The lexical table's id for a language id, an alias ("py", "c++") or a kin language
    lexed like it ("objective-c": c); None if unknown."""
    return _ids(True).get(language_or_alias.strip().lower())


def same_language(language_or_alias: str) -> str | None:
    """The table's id for a language id or an alias only: a kin language is another
    language (C's parser would see Objective-C's ``[obj send]`` as errors)."""
    return _ids(False).get(language_or_alias.strip().lower())


def lexical_for(language_or_alias: str) -> Lexical | None:
    """The comment and string syntax of a language id or alias; None if unknown."""
    found = language_id(language_or_alias)
    return None if found is None else lexical_languages()[found].lexical


# A character literal: one character or one escape (``\n``, ``\x41``, ``\u{10FFFF}``, and
# ``\'``); a quote not closed within that is a Rust lifetime or a label, not a literal.
CHAR_LITERAL = r"'(?:\\[^\n][^'\n]{0,9}|[^'\\\n])'"


def string_pattern(delimiter: str, multiline: bool) -> str:
    """A literal from ``delimiter`` to the next one not escaped by a backslash.

    Unterminated, it runs to the end of the text (``multiline``) or stops before the end
    of its line: both lexers then see an open literal, never a failed match. A backslash
    with nothing after it on the line (the end of a prefix, a line continuation) is part
    of the literal, not a reason to read its opening quote as code.
    """
    d = re.escape(delimiter)
    if multiline:
        return rf"{d}(?:\\[\s\S]|(?!{d})[\s\S])*?(?:{d}|\Z)"
    return rf"{d}(?:\\.|(?!{d})[^\n])*?(?:{d}|(?=\n)|\Z)"


def comment_patterns(lexical: Lexical) -> list[str]:
    """Line comments up to the line break; block comments to their closer or the end."""
    patterns = [rf"{re.escape(m)}[^\n]*" for m in lexical.line_comments]
    patterns += [rf"{re.escape(a)}[\s\S]*?(?:{re.escape(b)}|\Z)" for a, b in lexical.block_comments]
    return patterns


def literal_patterns(lexical: Lexical) -> list[str]:
    """String literals in the order of ``strings``, then character literals."""
    patterns = [string_pattern(d, d in lexical.multiline) for d in lexical.strings]
    if lexical.chars:
        patterns.append(CHAR_LITERAL)
    return patterns
