"""The enclosing function / class of a selection, by tree-sitter."""

from __future__ import annotations

from lsp_server.assist.scope import WHOLE_SCOPE_LINES, enclosing_scope

PYTHON = '''import os


class Store:
    """Keeps things."""

    def put(self, key, value):
        checked = self.check(key)
        self.items[checked] = value
        return checked

    def check(self, key):
        return key.strip()
'''

GO = '''package store

type Store struct {
	items map[string]int
}

func (s *Store) Put(key string, value int) string {
	checked := strings.TrimSpace(key)
	s.items[checked] = value
	return checked
}
'''


def test_python_selection_inside_a_method_gets_the_method() -> None:
    scope = enclosing_scope(PYTHON, "python", 7, 8)
    assert scope is not None
    assert (scope.kind, scope.name, scope.start_line, scope.end_line) == (
        "function_definition", "put", 6, 9)
    assert scope.whole and scope.text.startswith("    def put(self, key, value):")


def test_selecting_a_whole_method_gives_its_class() -> None:
    scope = enclosing_scope(PYTHON, "python", 6, 9)
    assert scope is not None and (scope.kind, scope.name) == ("class_definition", "Store")


def test_top_level_code_has_no_scope() -> None:
    assert enclosing_scope(PYTHON, "python", 0, 0) is None
    assert enclosing_scope("just words\n", "plaintext", 0, 0) is None


def test_go_method() -> None:
    scope = enclosing_scope(GO, "go", 8, 8)
    assert scope is not None
    assert (scope.kind, scope.name, scope.start_line, scope.end_line) == (
        "method_declaration", "Put", 6, 10)


def test_large_scope_is_shown_by_its_header() -> None:
    body = "".join(f"    x{i} = {i}\n" for i in range(WHOLE_SCOPE_LINES + 10))
    source = f"def big(\n    a,\n    b,\n):\n{body}"
    scope = enclosing_scope(source, "python", 20, 21)
    assert scope is not None and not scope.whole
    assert scope.text == "def big(\n    a,\n    b,\n):"


def test_javascript_arrow_function_in_a_class() -> None:
    source = "class A {\n  run() {\n    const f = (x) => {\n      return x + 1;\n    };\n  }\n}\n"
    scope = enclosing_scope(source, "javascript", 3, 3)
    assert scope is not None and scope.kind == "arrow_function"
    outer = enclosing_scope(source, "javascript", 2, 4)
    assert outer is not None and (outer.kind, outer.name) == ("method_definition", "run")
