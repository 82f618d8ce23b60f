"""How the scanner reads a language (dialects.toml): its extensions, grammar and fragment.

The main language table (``lsp_server.languages``) lists only languages the index parses;
the scanner also covers C#, PHP, Ruby, Swift and Kotlin, which have no grammar wheel here.
A dialect's id, its aliases and its comment and string syntax (read by :mod:`.lexer`)
come from the shared lexical table, ``lsp_server/languages/lexical.toml``.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from lsp_server.languages.lexical import Lexical, language_id, lexical_languages


@dataclass(frozen=True)
class Dialect:
    id: str
    aliases: tuple[str, ...] = ()
    extensions: tuple[str, ...] = ()
    grammar: str = ""  # a language id of lsp_server.languages; "" when only regex rules run
    lexical: Lexical = field(default_factory=Lexical)  # comment and string syntax (lexical.toml)
    fragment: tuple[str, str] = ("", "")  # wraps a statement fragment for the parser


@cache
def dialects() -> dict[str, Dialect]:
    text = resources.files("lsp_server.safety").joinpath("dialects.toml").read_text("utf-8")
    shared = lexical_languages()
    table: dict[str, Dialect] = {}
    for name, row in tomllib.loads(text).items():
        if name not in shared:
            raise ValueError(f"dialects.toml [{name}]: no row in lsp_server/languages/lexical.toml")
        table[name] = Dialect(
            id=name,
            aliases=shared[name].aliases,
            extensions=tuple(row.get("extensions", ())),
            grammar=row.get("grammar", ""),
            lexical=shared[name].lexical,
            fragment=(row["fragment"][0], row["fragment"][1]) if "fragment" in row else ("", ""),
        )
    return table


def dialect_for(language: str) -> Dialect | None:
    """The dialect of an LSP language id or a common alias ("py", "c++"); None if unknown."""
    return dialects().get(language_id(language) or "")


def language_for_path(path: Path | str) -> str | None:
    """The scanner's language id for a file name by its extension; None when unknown."""
    suffix = Path(path).suffix.lower()
    return next((d.id for d in dialects().values() if suffix in d.extensions), None)
