"""The language table (languages.toml): extension -> language id, comment, grammar.

The index's columns (query folder, import resolver, doc-comment node types, query depth)
live in the same rows, so adding a language is a table row plus its query files under
``queries/<lang>/`` (definitions.scm, imports.scm, chunks.scm).
"""

from __future__ import annotations

import importlib
import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

import tree_sitter

from lsp_server.languages.lexical import language_id, same_language


@dataclass(frozen=True)
class Language:
    id: str
    extensions: tuple[str, ...]
    comment: str
    grammar: str = ""  # module of the official grammar wheel, e.g. tree_sitter_python
    grammar_function: str = "language"
    queries: str = ""  # folder under queries/ (several ids may share one, e.g. TS and TSX)
    resolver: str = ""  # import-resolution rules: python, javascript, go, rust, java, c
    doc_comments: tuple[str, ...] = ()  # comment node types that document what follows
    doc_skip: tuple[str, ...] = ()  # nodes allowed between a doc comment and its definition
    wrappers: tuple[str, ...] = ()  # parents whose leading comments document their child
    max_depth: int = 8  # deepest tree level where a definition or chunk may start


@cache
def languages() -> dict[str, Language]:
    text = resources.files("lsp_server.languages").joinpath("languages.toml").read_text("utf-8")
    return {
        name: Language(name, tuple(row["extensions"]), row["comment"], row.get("grammar", ""),
                       row.get("grammar_function", "language"), row.get("queries", name),
                       row.get("resolver", ""), tuple(row.get("doc_comments", ())),
                       tuple(row.get("doc_skip", ())), tuple(row.get("wrappers", ())),
                       int(row.get("max_depth", 8)))
        for name, row in tomllib.loads(text).items()
    }


@cache
def family(language: str) -> frozenset[str]:
    """The indexed languages whose code a cursor in ``language`` (an id or an editor's
    alias: ``javascriptreact``, ``golang``) can use: those sharing its import resolver
    (JS, TS and TSX; C and C++). Empty, meaning any, for a language the index does not
    know (a YAML file's cursor may still use code)."""
    row = languages().get(language_id(language) or language)  # Objective-C uses C code
    if row is None:
        return frozenset()
    if not row.resolver:
        return frozenset({row.id})
    return frozenset(other.id for other in languages().values()
                     if other.resolver == row.resolver)


def canonical(language: str) -> str:
    """The table's id for an editor's language id or alias (VS Code and Neovim send
    ``javascriptreact`` for .jsx, which the JavaScript grammar parses); unchanged when
    unknown, and for a kin language (Objective-C is not C, even where it lexes alike)."""
    return same_language(language) or language


def language_for(path: Path | str) -> str:
    """The language id of a path by its extension; "plaintext" when unknown."""
    suffix = Path(path).suffix.lower()
    for language in languages().values():
        if suffix in language.extensions:
            return language.id
    return "plaintext"


def language_of_file(path: Path | str, text: str) -> str:
    """The language of a file by its extension, else by its ``#!`` line (a script such as
    ``bin/manage`` with ``#!/usr/bin/env python3``, ``#!/usr/bin/node``)."""
    found = language_for(path)
    if found != "plaintext" or not text.startswith("#!"):
        return found
    words = text[2:].split("\n", 1)[0].split()
    if words and Path(words[0]).name == "env":
        words = [word for word in words[1:] if not word.startswith("-") and "=" not in word]
    if not words:
        return found
    program = Path(words[0]).name
    return same_language(program) or same_language(program.rstrip("0123456789.")) or found


@cache
def grammar(language_id: str) -> tree_sitter.Language | None:
    """The tree-sitter grammar of a language id, or None when there is none."""
    row = languages().get(language_id)
    if row is None or not row.grammar:
        return None
    module = importlib.import_module(row.grammar)
    return tree_sitter.Language(getattr(module, row.grammar_function)())


def parser_for(language: str) -> tree_sitter.Parser | None:
    """A new parser for a language id or alias (parsers are cheap and not thread-safe: one
    per use)."""
    lang = grammar(canonical(language))
    return None if lang is None else tree_sitter.Parser(lang)


QUERY_PURPOSES = ("definitions", "imports", "chunks")


def query_source(language_id: str, purpose: str) -> str:
    """The text of ``queries/<folder>/<purpose>.scm`` for a language; "" when it has none."""
    row = languages().get(language_id)
    if row is None or not row.queries:
        return ""
    return _query_file(row.queries, purpose)


def _query_file(folder: str, purpose: str) -> str:
    """A query file, after the files its ``; inherits: <folder>`` lines name (TypeScript
    reads JavaScript's imports: the same patterns, one copy)."""
    path = resources.files("lsp_server.languages").joinpath("queries", folder, f"{purpose}.scm")
    if not path.is_file():
        return ""
    text = path.read_text("utf-8")
    parents = [line.split(":", 1)[1].strip() for line in text.splitlines()
               if line.startswith("; inherits:")]
    return "".join(_query_file(parent, purpose) + "\n" for parent in parents) + text
