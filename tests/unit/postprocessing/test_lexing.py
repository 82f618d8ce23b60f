"""Brackets and literal state as the post-processing filters see them."""

from __future__ import annotations

from lsp_server.postprocessing.lexing import dialect_for, scan, without_line_comment


def test_brackets_in_strings_comments_and_chars_do_not_count() -> None:
    found = scan("f(\"(\", '(', /* ( */ '\\'','(', ')'  // (\n", dialect_for("c"))
    assert [opener for opener, _ in found.stack] == ["("]
    assert not found.unmatched and found.state == ""


def test_a_prefix_that_ends_inside_a_literal() -> None:
    assert scan('x = f("a\\', dialect_for("python")).state == '"'  # right after a backslash
    assert scan('x = """doc\n(', dialect_for("py")).state == '"""'
    assert scan("x = 1  # (", dialect_for("python")).state == "#"
    assert scan("let s = `a\n(", dialect_for("typescriptreact")).state == "`"


def test_unknown_languages_count_every_bracket() -> None:
    found = scan('"(" # (', dialect_for("plaintext"))
    assert len(found.stack) == 2 and found.state == ""


def test_a_line_without_its_comment_keeps_markers_inside_literals() -> None:
    python, js = dialect_for("python"), dialect_for("javascript")
    assert without_line_comment('x = "#" + y:  # c (', python) == 'x = "#" + y:'
    assert without_line_comment("else:   ", python) == "else:"
    assert without_line_comment('url = "http://a"; // b', js) == 'url = "http://a";'
