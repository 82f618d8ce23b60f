"""The syntax window never begins or ends inside a multi-line string or comment.

A line of a template or a SQL query in a triple-quoted string often stands at column 0,
where it looks like a top-level statement. A window cut there parsed as one big error,
and the syntax checks, judging the completion against an already broken window, then let
through a completion that breaks the code (seen on the dev cases: a line cut off by the
token limit, ``env.globals["quux"] = lambda a``, was shown).
"""

from __future__ import annotations

from lsp_server.documents.cursor import split_at
from lsp_server.postprocessing import FilterContext, postprocess

CURSOR = "█"
# The class line lies above the window (LINES_BEFORE is 200; these tests pass 6), so the
# outermost lines the window sees are the template's.
TEMPLATE_ABOVE = '''import pytest


class TestTemplates:
    def test_loop(self, env):
        tmpl = env.from_string("""
<ul>
{% for item in seq %}
</ul>""")
        assert tmpl.render(seq=[1]) == "<ul>"

    def test_errors(self, env):
        with pytest.raises(SyntaxError):
            █

        assert_error("{% endfor %}")
'''
QUERY_BELOW = '''def load(db):
    █
    return rows


QUERY = """
select id,
name from users
"""
'''
PROSE_COMMENT = '''/*
Loads the rows.
Each row is an object
with an id and a name,
in the order the query
gives them.
*/
function load(db) {
    █
    return rows;
}
'''


def ctx(source: str, language: str = "python") -> FilterContext:
    before, after = source.split(CURSOR)
    line = before.count("\n")
    cursor = split_at(before + after, line, len(before.rsplit("\n", 1)[-1]))
    return FilterContext(cursor, language, lines_before=6)


def test_a_window_does_not_begin_inside_a_string_above() -> None:
    context = ctx(TEMPLATE_ABOVE)
    assert context.window.prefix.startswith("    def test_errors"), context.window.prefix[:40]
    assert context.syntax is not None and context.syntax.errors == []
    cut_off = 'env.globals["f"] = lambda a, b: a + b\n            env.globals["g"] = lambda a'
    assert postprocess(cut_off, context) == 'env.globals["f"] = lambda a, b: a + b'


def test_a_window_does_not_end_inside_a_string_below() -> None:
    context = ctx(QUERY_BELOW)
    assert "select" not in context.window.suffix
    assert context.syntax is not None and context.syntax.errors == []
    assert postprocess("rows = db.query(QUERY)", context) == "rows = db.query(QUERY)"
    assert postprocess("rows = db.query(QUERY) +", context) is None


def test_prose_in_a_block_comment_is_not_a_statement_start() -> None:
    context = ctx(PROSE_COMMENT, "javascript")
    assert context.window.prefix.startswith("function"), context.window.prefix[:40]
    assert context.syntax is not None and context.syntax.errors == []
    assert postprocess("const rows = db.query();", context) == "const rows = db.query();"
    assert postprocess("const rows = db.query(;", context) is None
