"""The shared comment and string syntax: every id either lexer accepts, one row each."""

from __future__ import annotations

import re

import pytest

from lsp_server.languages import languages
from lsp_server.languages.lexical import (
    CHAR_LITERAL,
    Lexical,
    language_id,
    lexical_for,
    lexical_languages,
    string_pattern,
)
from lsp_server.safety.dialects import dialects

ALIASES = {
    "python": ["py", "python3"],
    "javascript": ["js", "javascriptreact", "jsx", "node"],
    "typescript": ["ts"],
    "typescriptreact": ["tsx"],
    "go": ["golang"],
    "rust": ["rs"],
    "java": [],
    "c": ["objective-c", "objc"],
    "cpp": ["c++", "cxx", "cuda-cpp", "objective-cpp"],
    "csharp": ["cs", "c#"],
    "kotlin": ["kt", "kts"],
    "swift": [],
    "php": [],
    "ruby": ["rb"],
}


@pytest.mark.parametrize("language", sorted(ALIASES))
def test_ids_and_aliases_resolve(language: str) -> None:
    for name in (language, *ALIASES[language], f" {language.upper()} "):
        assert language_id(name) == language
        assert lexical_for(name) == lexical_languages()[language].lexical


def test_every_language_of_both_tables_has_a_row() -> None:
    assert set(lexical_languages()) == set(ALIASES)
    assert set(languages()) <= set(lexical_languages())
    assert set(dialects()) == set(lexical_languages())
    assert lexical_for("plaintext") is None and language_id("") is None


def test_superset_languages_share_one_syntax() -> None:
    assert lexical_for("typescriptreact") == lexical_for("javascript")
    assert lexical_for("cpp") == lexical_for("c")
    assert lexical_for("php") == Lexical(("//", "#"), (("/*", "*/"),), ('"', "'"), ('"', "'"))


@pytest.mark.parametrize("lexical", [row.lexical for row in lexical_languages().values()])
def test_longer_delimiters_come_first(lexical: Lexical) -> None:
    for i, delimiter in enumerate(lexical.strings):
        assert not any(later.startswith(delimiter) for later in lexical.strings[i + 1 :])
        assert len(delimiter) == 1 or delimiter in lexical.multiline


def _first(pattern: str, text: str) -> str | None:
    found = re.compile(pattern).match(text)
    return None if found is None else found.group()


def test_string_patterns() -> None:
    line, block = string_pattern('"', multiline=False), string_pattern('"""', multiline=True)
    assert _first(line, r'"a\"b" + c') == r'"a\"b"'
    assert _first(line, '"open\nnext"') == '"open'  # unterminated: stops at the line end
    assert _first(line, '"ends in \\') == '"ends in \\'  # a prefix cut after a backslash
    assert _first(line, '"cont\\\nx"') == '"cont\\'
    assert _first(block, '"""a\n"b"\n""" + x') == '"""a\n"b"\n"""'
    assert _first(block, '"""open\nto the end\\') == '"""open\nto the end\\'


def test_char_literals_and_lifetimes() -> None:
    for literal in ("'a'", r"'\n'", r"'\''", r"'\\'", r"'\x41'", r"'\u{10FFFF}'", r"'\U0001F600'"):
        assert _first(CHAR_LITERAL, literal + ", x") == literal
    assert _first(CHAR_LITERAL, "'a>(x: &'a str)") is None
