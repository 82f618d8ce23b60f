"""The language table (languages.toml): extension -> language id, comment, grammar."""

from __future__ import annotations

import importlib
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import tree_sitter


@dataclass(frozen=True)
class Language:
    id: str
    extensions: tuple[str, ...]
    comment: str
    grammar: str = ""  # module of the official grammar wheel, e.g. tree_sitter_python
    grammar_function: str = "language"


@cache
def languages() -> dict[str, Language]:
    text = resources.files("lsp_server.languages").joinpath("languages.toml").read_text("utf-8")
    return {
        name: Language(name, tuple(row["extensions"]), row["comment"], row.get("grammar", ""),
                       row.get("grammar_function", "language"))
        for name, row in tomllib.loads(text).items()
    }


def language_for(path: Path | str) -> str:
    """The language id of a path by its extension; "plaintext" when unknown."""
    suffix = Path(path).suffix.lower()
    for language in languages().values():
        if suffix in language.extensions:
            return language.id
    return "plaintext"


@cache
def grammar(language_id: str) -> tree_sitter.Language | None:
    """The tree-sitter grammar of a language id, or None when there is none."""
    row = languages().get(language_id)
    if row is None or not row.grammar:
        return None
    module = importlib.import_module(row.grammar)
    return tree_sitter.Language(getattr(module, row.grammar_function)())


def parser_for(language_id: str) -> tree_sitter.Parser | None:
    """A new parser for the language (parsers are cheap and not thread-safe: one per use)."""
    lang = grammar(language_id)
    return None if lang is None else tree_sitter.Parser(lang)
