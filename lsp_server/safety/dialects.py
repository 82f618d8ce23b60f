"""How the scanner reads a language (dialects.toml): its aliases, grammar and lexer.

The main language table (``lsp_server.languages``) lists only languages the index parses;
the scanner also covers C#, PHP, Ruby, Swift and Kotlin, which have no grammar wheel here,
so their comment and string syntax is described in data and read by :mod:`.lexer`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class Dialect:
    id: str
    aliases: tuple[str, ...] = ()
    extensions: tuple[str, ...] = ()
    grammar: str = ""  # a language id of lsp_server.languages; "" when only regex rules run
    line_comments: tuple[str, ...] = ()
    block_comments: tuple[tuple[str, str], ...] = ()
    strings: tuple[str, ...] = ()
    multiline: tuple[str, ...] = ()
    chars: bool = False
    fragment: tuple[str, str] = ("", "")  # wraps a statement fragment for the parser


@cache
def dialects() -> dict[str, Dialect]:
    text = resources.files("lsp_server.safety").joinpath("dialects.toml").read_text("utf-8")
    return {
        name: Dialect(
            id=name,
            aliases=tuple(row.get("aliases", ())),
            extensions=tuple(row.get("extensions", ())),
            grammar=row.get("grammar", ""),
            line_comments=tuple(row.get("line_comments", ())),
            block_comments=tuple((pair[0], pair[1]) for pair in row.get("block_comments", ())),
            strings=tuple(row.get("strings", ())),
            multiline=tuple(row.get("multiline", ())),
            chars=bool(row.get("chars", False)),
            fragment=(row["fragment"][0], row["fragment"][1]) if "fragment" in row else ("", ""),
        )
        for name, row in tomllib.loads(text).items()
    }


@cache
def _by_name() -> dict[str, Dialect]:
    table: dict[str, Dialect] = {}
    for dialect in dialects().values():
        for name in (dialect.id, *dialect.aliases):
            table[name.lower()] = dialect
    return table


def dialect_for(language: str) -> Dialect | None:
    """The dialect of an LSP language id or a common alias ("py", "c++"); None if unknown."""
    return _by_name().get(language.strip().lower())


def language_for_path(path: Path | str) -> str | None:
    """The scanner's language id for a file name by its extension; None when unknown."""
    suffix = Path(path).suffix.lower()
    return next((d.id for d in dialects().values() if suffix in d.extensions), None)
