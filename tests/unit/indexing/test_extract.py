"""Extraction per language: exact symbols (name, kind, scope), imports, docs and chunks."""

from __future__ import annotations

import pytest

from lsp_server.indexing.extract import Extraction, extractor_for
from tests.unit.indexing.samples import SOURCES

SYMBOLS = {
    "python": {("Foo", "class", ""), ("MAX_SIZE", "constant", ""), ("attr", "field", "Foo"),
               ("bar", "method", "Foo"), ("baz", "method", "Foo"),
               ("inner", "function", "Foo.bar"), ("top", "function", ""),
               ("value", "variable", "")},
    "javascript": {("Widget", "class", ""), ("add", "function", ""), ("api", "variable", ""),
                   ("arrow", "function", ""), ("count", "field", "Widget"),
                   ("create", "method", "Widget"), ("fe", "function", ""),
                   ("fs", "variable", ""), ("gen", "function", ""), ("get", "method", "api"),
                   ("plain", "variable", ""), ("put", "function", "api"),
                   ("render", "method", "Widget")},
    "typescript": {("Animal", "class", ""), ("Color", "enum", ""), ("Id", "type", ""),
                   ("NS", "namespace", ""), ("Shape", "interface", ""),
                   ("area", "method", "Shape"), ("ext", "function", ""),
                   ("handler", "function", ""), ("legs", "field", "Animal"),
                   ("make", "function", ""), ("name", "field", "Shape"),
                   ("speak", "method", "Animal"), ("z", "variable", "NS")},
    "go": {("Addr", "field", "Server"), ("Handler", "interface", ""), ("ID", "type", ""),
           ("MaxConns", "constant", ""), ("New", "function", ""),
           ("Serve", "method", "Handler"), ("Server", "struct", ""),
           ("Start", "method", "Server"), ("defaultServer", "variable", "")},
    "rust": {("Alias", "type", ""), ("Kind", "enum", ""), ("MAX", "constant", ""),
             ("NAME", "variable", ""), ("Point", "impl", ""), ("Point", "struct", ""),
             ("Shape", "trait", ""), ("Wrapper", "impl", ""), ("area", "method", "Point"),
             ("area", "method", "Shape"), ("f", "function", "inline"),
             ("get", "method", "Wrapper"), ("inline", "module", ""), ("mac", "macro", ""),
             ("top", "function", ""), ("x", "field", "Point")},
    "java": {("App", "class", ""), ("App", "constructor", "App"), ("Inner", "interface", "App"),
             ("Mode", "enum", "App"), ("Pair", "class", "App"), ("count", "field", "App"),
             ("go", "method", "App.Inner"), ("run", "method", "App")},
    "c": {("MAX", "macro", ""), ("SQR", "macro", ""), ("a", "field", "u"),
          ("add", "function", ""), ("b", "field", "u"), ("color", "enum", ""),
          ("counter", "variable", ""), ("helper", "function", ""), ("name", "function", ""),
          ("point", "struct", ""), ("point_t", "type", ""), ("u", "struct", ""),
          ("x", "field", "point"), ("y", "field", "point")},
    "cpp": {("Pod", "struct", "app"), ("Vec", "type", "app"), ("Widget", "class", "app"),
            ("Widget", "method", "app.Widget"), ("a", "field", "app.Pod"),
            ("app", "namespace", ""), ("draw", "method", "app.Widget"),
            ("main", "function", ""), ("size_", "field", "app.Widget"),
            ("twice", "function", "app")},
}

IMPORTS = {
    "python": [("os", None, None, 0), ("sys", None, "system", 0), ("a.b.c", None, "abc", 1),
               (".", "sibling", None, 2), ("..pkg.mod", "x", None, 3),
               ("..pkg.mod", "y", "why", 3), ("m", "*", None, 4)],
    "javascript": [("./mod.js", None, "def", 0), ("./mod.js", "a", "b", 0),
                   ("./mod.js", "c", None, 0), ("../lib", None, "ns", 1),
                   ("./side-effect", None, None, 2), ("fs", None, "fs", 3),
                   ("./re", "x", "y", 4)],
    "typescript": [("./types", "Foo", None, 0), ("@/utils/bar", "bar", None, 1)],
    "go": [("fmt", None, None, 3), ("github.com/x/logger", None, "log", 4),
           ("example.com/proj/pkg/util", None, None, 5), ("os", None, None, 8)],
    "rust": [("std::collections", "HashMap", None, 0), ("crate::util", "helper", None, 1),
             ("crate::util", "other", "o", 1), ("super::parent", "Thing", None, 2),
             ("self::sub", "*", None, 3), ("serde", "Serialize", "Ser", 4),
             ("sub", None, None, 5)],
    "java": [("java.util", "List", None, 2), ("org.junit.Assert", "assertEquals", None, 3),
             ("com.example.util", "*", None, 4)],
    "c": [("stdio.h", None, None, 0), ("util/helper.h", None, None, 1)],
    "cpp": [("widget.hpp", None, None, 0), ("vector", None, None, 1)],
}


def extract(language: str, source: str) -> Extraction:
    extractor = extractor_for(language)
    assert extractor is not None
    return extractor.extract(source.encode(), source)


@pytest.mark.parametrize("language", sorted(SOURCES))
def test_exact_symbols_and_kinds(language: str) -> None:
    symbols = extract(language, SOURCES[language]).symbols
    assert {(s[0], s[1], s[2]) for s in symbols} == SYMBOLS[language]
    places = [(s[0], s[5], s[6]) for s in symbols]
    assert len(places) == len(set(places))  # one row per definition (C++ `draw` has two)


@pytest.mark.parametrize("language", sorted(SOURCES))
def test_imports_with_names_and_aliases(language: str) -> None:
    assert extract(language, SOURCES[language]).imports == IMPORTS[language]


@pytest.mark.parametrize("language", sorted(SOURCES))
def test_chunks_cover_every_non_blank_line_once(language: str) -> None:
    source = SOURCES[language]
    chunks = extract(language, source).chunks
    covered = [line for c in chunks for line in range(c[2], c[3] + 1)]
    assert len(covered) == len(set(covered))
    lines = source.split("\n")
    assert {i for i, text in enumerate(lines) if text.strip()} <= set(covered)
    assert all(c[4] == "\n".join(lines[c[2]:c[3] + 1]) for c in chunks)


def test_signature_doc_range_and_scope() -> None:
    symbols = {s[0]: s for s in extract("python", SOURCES["python"]).symbols}
    _name, kind, scope, signature, doc, *span = symbols["bar"]
    assert signature == "def bar(self, a: int,\n            b: str) -> None:"
    assert (kind, scope, doc, span) == ("method", "Foo", "Bar docs.", [11, 4, 15, 19])
    assert symbols["Foo"][4] == "Foo docs." and symbols["top"][3] == "def top():"
    go = {s[0]: s for s in extract("go", SOURCES["go"]).symbols}
    assert go["Server"][4] == "Server serves.\nSecond line."
    assert go["Start"][3] == "func (s *Server) Start(port int) error"
    js = {s[0]: s for s in extract("javascript", SOURCES["javascript"]).symbols}
    assert (js["add"][4], js["Widget"][4], js["render"][4]) == (
        "Adds things.", "A class.", "Render it.")
    rust = {(s[0], s[1]): s for s in extract("rust", SOURCES["rust"]).symbols}
    assert rust[("Point", "struct")][4] == "A point."  # across #[derive(...)]
    assert extract("java", SOURCES["java"]).symbols[0][4] == "The app."


def test_chunks_name_their_definition_and_split_large_classes() -> None:
    methods = "\n".join(f"    def m{i}(self):\n" + "        x = 1\n" * 20 for i in range(6))
    source = f"import os\n\n\nclass Big:\n    '''Doc.'''\n{methods}\n\ndef tail():\n    pass\n"
    chunks = extract("python", source).chunks
    names = [(c[0], c[1]) for c in chunks]
    assert names[0] == ("statements", "")
    assert ("method", "Big.m0") in names and ("method", "Big.m5") in names
    assert names[-1] == ("function", "tail")
    assert all(c[3] - c[2] < 80 for c in chunks)


def test_tsx_uses_the_typescript_queries() -> None:
    source = ("import React from 'react';\n"
              "export function Button({ label }: Props) {\n  return <b>{label}</b>;\n}\n"
              "export const Card = () => <div/>;\n")
    ex = extract("typescriptreact", source)
    assert {(s[0], s[1]) for s in ex.symbols} == {("Button", "function"), ("Card", "function")}
    assert ex.imports == [("react", None, "React", 0)]
