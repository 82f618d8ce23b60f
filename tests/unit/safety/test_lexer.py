"""The lexer blanks comments and strings in place: same length, same line breaks."""

from __future__ import annotations

from lsp_server.safety import dialect_for
from lsp_server.safety.lexer import lex


def _views(text: str, language: str) -> tuple[str, str]:
    views = lex(text, dialect_for(language))
    assert len(views.code) == len(views.no_comments) == len(text)
    assert [i for i, c in enumerate(views.code) if c == "\n"] == [
        i for i, c in enumerate(text) if c == "\n"
    ]
    return views.code, views.no_comments


def test_python_comments_and_strings() -> None:
    code, no_comments = _views('x = "eval(a)"  # eval(b)\ny = """\neval(c)\n"""\n', "python")
    assert "eval" not in code
    assert code.startswith('x = "       "')
    assert "eval(a)" in no_comments and "eval(c)" in no_comments and "eval(b)" not in no_comments


def test_c_block_comment_and_char_literals() -> None:
    code, _ = _views("char q = '\"'; /* system(x) */ system(y);", "c")
    assert code.count("system") == 1 and "system(y)" in code


def test_rust_lifetimes_are_not_char_literals() -> None:
    code, _ = _views("fn f<'a>(x: &'a str) { danger(x) }", "rust")
    assert "danger(x)" in code


def test_a_window_that_starts_inside_a_block_comment() -> None:
    code, _ = _views(" * calls system(cmd) in prose\n * more\n */\nsystem(cmd);\n", "c")
    assert code.count("system") == 1


def test_a_window_that_starts_inside_a_docstring() -> None:
    code, _ = _views('    eval(text) in prose\n    """\n    return eval(expr)\n', "python")
    assert code.count("eval") == 1


def test_php_hash_comments_and_ruby_interpolation() -> None:
    php, _ = _views("# system($x)\n$a = 1;", "php")
    assert "system" not in php
    ruby, ruby_strings = _views('system("ls #{dir}") # system(x)\n', "ruby")
    assert ruby.count("system") == 1 and "#{dir}" in ruby_strings


def test_quote_char_literals_and_a_string_cut_after_a_backslash() -> None:
    code, _ = _views("c == '\\'' ? system(a) : ' '; x = \"b\\", "c")
    assert "system(a)" in code and code.endswith('x = "  ')
    ts, _ = _views("const s = `\n${eval(x)}\n`; eval(y)", "TS")
    assert ts.count("eval") == 1
