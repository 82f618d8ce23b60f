from __future__ import annotations

import pytest

from lsp_server.languages import (
    canonical,
    family,
    language_for,
    language_of_file,
    languages,
    parser_for,
)

ROOTS = {"python": "module", "javascript": "program", "typescript": "program",
         "typescriptreact": "program", "go": "source_file", "rust": "source_file",
         "java": "program", "c": "translation_unit", "cpp": "translation_unit"}


@pytest.mark.parametrize("language", sorted(ROOTS))
def test_every_language_has_a_bundled_grammar(language: str) -> None:
    parser = parser_for(language)
    assert parser is not None
    assert parser.parse(b"x").root_node.type == ROOTS[language]


def test_extensions_map_to_languages() -> None:
    assert set(languages()) == set(ROOTS)
    assert language_for("a/b.py") == "python" and language_for("x.tsx") == "typescriptreact"
    assert language_for("x.hpp") == "cpp" and language_for("README") == "plaintext"
    assert parser_for("plaintext") is None


def test_a_family_is_the_languages_sharing_an_import_resolver() -> None:
    assert family("typescript") == {"javascript", "typescript", "typescriptreact"}
    assert family("cpp") == {"c", "cpp"}
    assert family("python") == {"python"}
    assert family("plaintext") == frozenset()  # unknown: no restriction


def test_a_family_takes_an_editors_alias_and_is_open_for_unknown_languages() -> None:
    assert family("javascriptreact") == family("javascript")  # VS Code's id for .jsx
    assert family("golang") == {"go"}
    assert family("yaml") == frozenset()  # not indexed: no restriction


def test_an_editors_language_id_becomes_ours_and_has_a_parser() -> None:
    """VS Code and Neovim send ``javascriptreact`` for .jsx: without the alias the
    completion's parse check and explain's scope were skipped for JSX."""
    assert canonical("javascriptreact") == "javascript" and canonical("golang") == "go"
    assert canonical("python") == "python" and canonical("yaml") == "yaml"
    for alias in ("javascriptreact", "py", "c++"):
        parser = parser_for(alias)
        assert parser is not None and not parser.parse(b"x;").root_node.has_error
    # Objective-C lexes like C and may use C's code, but is not parsed as C: its
    # ``[obj send]`` would be errors, and every completion using it dropped.
    assert canonical("objective-c") == "objective-c" and parser_for("objective-c") is None
    assert family("objective-c") == family("c")


@pytest.mark.parametrize(("path", "first_line", "language"), [
    ("bin/manage", "#!/usr/bin/env python3", "python"),
    ("bin/serve", "#!/usr/bin/node --max-old-space-size=4096", "javascript"),
    ("tool", "#!/usr/bin/env -S python3.11 -u", "python"),
    ("run.sh", "#!/bin/bash", "plaintext"),  # no grammar here
    ("notes", "just text", "plaintext"),
    ("a.py", "#!/usr/bin/env node", "python"),  # the extension wins
])
def test_a_script_without_an_extension_is_known_by_its_shebang(
    path: str, first_line: str, language: str
) -> None:
    assert language_of_file(path, first_line + "\nx = 1\n") == language
