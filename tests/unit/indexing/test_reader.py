"""The read API on real repositories: definitions, resolved imports, scopes, BM25, chunks."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from lsp_server.indexing.resolve import bound_name
from tests.unit.indexing.conftest import Indexed

IndexRepo = Callable[..., Indexed]

REPO: dict[str, str | bytes] = {
    # Python: relative, absolute, aliased, submodule and re-exported imports
    "pkg/__init__.py": "from .core import Engine\n",
    "pkg/core.py": "class Engine:\n    def start(self):\n        return 1\n\n\ndef boot(): pass\n",
    "pkg/util/helpers.py": "def helper(x):\n    '''Help.'''\n    return x\n",
    "pkg/sub/mod.py": "from ..core import Engine\nfrom . import sibling\n",
    "pkg/sub/sibling.py": "VALUE = 1\n",
    "app.py": ("from pkg.core import Engine as E\nfrom pkg.util.helpers import helper\n"
               "import pkg.util.helpers\nfrom pkg import Engine\nimport os\n"),
    # JavaScript / TypeScript / TSX
    "web/src/util.ts": "export function fmt(s: string): string { return s; }\n",
    "web/src/index.ts": "import { fmt } from './util';\nimport { x } from './lib';\n",
    "web/src/lib/index.js": "export const x = 1;\n",
    "web/src/components/Button.tsx": "import { fmt as f } from '../util';\n"
                                     "import { fmt as g } from '@/util';\n",
    # Go, Rust, Java, C
    "go/pkg/util/strings.go": "package util\n\nfunc Reverse(s string) string { return s }\n",
    "go/pkg/util/strings_test.go": "package util\n\nfunc TestReverse() {}\n",  # not exported
    "go/cmd/main.go": 'package main\n\nimport "example.com/proj/pkg/util"\n',
    "rs/src/lib.rs": "mod geometry;\nmod shapes;\nuse crate::geometry::Point;\n",
    "rs/src/geometry.rs": "pub struct Point { x: i32 }\n",
    "rs/src/shapes/mod.rs": "use super::geometry::Point;\n",
    "java/src/main/java/com/acme/util/Strings.java": "package com.acme.util;\n"
                                                     "public class Strings {}\n",
    "java/src/main/java/com/acme/App.java": "package com.acme;\nimport com.acme.util.Strings;\n"
                                            "import com.acme.util.*;\npublic class App {}\n",
    "c/include/util/helper.h": "int helper(int a);\n",
    "c/src/local.h": "#define LOCAL 1\n",
    "c/src/main.c": '#include "util/helper.h"\n#include "local.h"\n#include <stdio.h>\n',
}


@pytest.fixture
def repo(index_repo: IndexRepo) -> Indexed:
    return index_repo(REPO)


def resolved(repo: Indexed, rel: str) -> list[tuple[str | None, list[str], list[str]]]:
    """(name or alias, files relative to the repo, 'file:line' of each definition)."""
    out = []
    for item in repo.reader.imports(repo.path(rel)):
        files = [p.relative_to(repo.root).as_posix() for p in item.files]
        defs = [f"{d.path.relative_to(repo.root).as_posix()}:{d.start_line}"
                for d in item.definitions]
        out.append((item.name or item.alias, files, defs))
    return out


def test_definitions_by_name_module_and_scope(repo: Indexed) -> None:
    [engine] = repo.reader.definitions("Engine")
    assert (engine.kind, engine.path, engine.start_line) == ("class", Path(repo.path(
        "pkg/core.py")), 0)
    assert [s.qualified_name for s in repo.reader.definitions("Engine.start")] == [
        "Engine.start"]
    assert repo.reader.definitions("helper", module="pkg.util.helpers")[0].doc == "Help."
    assert repo.reader.definitions("helper", module="util/helpers")[0].kind == "function"
    assert len(repo.reader.definitions("helper")) == 2  # the C prototype too
    assert repo.reader.definitions("helper", module="nowhere") == []
    assert repo.reader.definitions("Point", module="crate::geometry")[0].kind == "struct"


def test_python_imports_resolve_across_files(repo: Indexed) -> None:
    assert resolved(repo, "app.py") == [
        ("Engine", ["pkg/core.py"], ["pkg/core.py:0"]),
        ("helper", ["pkg/util/helpers.py"], ["pkg/util/helpers.py:0"]),
        (None, ["pkg/util/helpers.py"], []),  # import pkg.util.helpers
        ("Engine", ["pkg/__init__.py"], ["pkg/core.py:0"]),  # re-exported by __init__
        (None, [], []),  # os: not in this workspace
    ]
    assert resolved(repo, "pkg/sub/mod.py") == [
        ("Engine", ["pkg/core.py"], ["pkg/core.py:0"]),
        ("sibling", ["pkg/sub/sibling.py"], []),
    ]


def test_js_ts_go_rust_java_c_imports_resolve(repo: Indexed) -> None:
    assert resolved(repo, "web/src/index.ts") == [
        ("fmt", ["web/src/util.ts"], ["web/src/util.ts:0"]),
        ("x", ["web/src/lib/index.js"], ["web/src/lib/index.js:0"])]
    assert resolved(repo, "web/src/components/Button.tsx") == [
        ("fmt", ["web/src/util.ts"], ["web/src/util.ts:0"])] * 2
    assert resolved(repo, "go/cmd/main.go") == [(None, ["go/pkg/util/strings.go"], [])]
    assert resolved(repo, "rs/src/lib.rs") == [
        (None, ["rs/src/geometry.rs"], []), (None, ["rs/src/shapes/mod.rs"], []),
        ("Point", ["rs/src/geometry.rs"], ["rs/src/geometry.rs:0"])]
    assert resolved(repo, "rs/src/shapes/mod.rs") == [
        ("Point", ["rs/src/geometry.rs"], ["rs/src/geometry.rs:0"])]
    strings = "java/src/main/java/com/acme/util/Strings.java"
    assert resolved(repo, "java/src/main/java/com/acme/App.java") == [
        ("Strings", [strings], [f"{strings}:1"]), ("*", [strings], [])]
    assert resolved(repo, "c/src/main.c") == [
        (None, ["c/include/util/helper.h"], []), (None, ["c/src/local.h"], []), (None, [], [])]


def test_each_import_knows_the_name_it_binds(repo: Indexed) -> None:
    def local(rel: str) -> list[str | None]:
        return [item.local for item in repo.reader.imports(repo.path(rel))]

    # ``import pkg.util.helpers`` binds ``pkg`` (Python), not ``helpers``
    assert local("app.py") == ["E", "helper", "pkg", "Engine", "os"]
    assert local("go/cmd/main.go") == ["util"]  # the package, not "com/proj/pkg/util"
    assert local("rs/src/lib.rs") == ["geometry", "shapes", "Point"]
    assert local("java/src/main/java/com/acme/App.java") == ["Strings", "*"]
    assert local("web/src/components/Button.tsx") == ["f", "g"]
    assert local("c/src/main.c") == [None, None, None]  # an include binds no name


@pytest.mark.parametrize(("resolver", "module", "name", "alias", "bound"), [
    ("python", "a.b.c", None, None, "a"), ("python", "a.b", None, "ab", "ab"),
    ("python", "..pkg", "mod", None, "mod"),
    ("go", "example.com/x/v2", None, None, "x"), ("go", "gopkg.in/yaml.v3", None, None, "yaml"),
    ("go", "github.com/mattn/go-sqlite3", None, None, "sqlite3"), ("go", "fmt", None, None, "fmt"),
    ("go", "example.com/x", None, "y", "y"), ("rust", "crate::a::b", None, None, "b"),
    ("java", "java.util.List", None, None, "List"), ("javascript", "./side.css", None, None, None),
    ("c", "util/helper.h", None, None, None),
])
def test_bound_name_follows_each_language(resolver: str, module: str, name: str | None,
                                          alias: str | None, bound: str | None) -> None:
    assert bound_name(resolver, module, name, alias) == bound


def test_scope_at_a_position(index_repo: IndexRepo) -> None:
    source = "class A:\n    def m(self):\n        x = 1\n\n        return x\n\ny = 2\n"
    repo = index_repo({"s.py": source})
    scope = repo.reader.scope_at(repo.path("s.py"), 4, 8)
    assert scope is not None and scope.qualified_name == "A.m"
    outer = repo.reader.scope_at(repo.path("s.py"), 0, 3)
    assert outer is not None and outer.name == "A"
    assert repo.reader.scope_at(repo.path("s.py"), 6, 0) is None


def test_bm25_returns_the_expected_chunk(index_repo: IndexRepo) -> None:
    files: dict[str, str | bytes] = {
        "net/http.ts": "export function parseHttpRequest(raw: string) {\n"
                       "  const headers = raw.split('\\r\\n');\n  return headers;\n}\n",
        "net/tcp.py": "def open_socket(host, port):\n    return connect(host, port)\n",
        "db/query.py": "def run_sql_query(conn, sql):\n    return conn.execute(sql)\n",
        **{f"noise/n{i}.py": f"def noise_{i}(a):\n    return a + {i}\n" for i in range(20)},
    }
    repo = index_repo(files)
    top = repo.reader.search("how are http request headers parsed?", k=3)
    assert top[0].path == Path(repo.path("net/http.ts")) and top[0].name == "parseHttpRequest"
    assert top[0].score > 0
    assert repo.reader.search("runSqlQuery(conn)")[0].name == "run_sql_query"
    assert repo.reader.search("open_socket", exclude=repo.path("net/tcp.py")) == []
    assert repo.reader.search("the of and") == []


def test_chunks_of_a_file(repo: Indexed) -> None:
    chunks = repo.reader.chunks(repo.path("pkg/core.py"))
    assert [(c.kind, c.name, c.start_line, c.end_line) for c in chunks] == [
        ("class", "Engine", 0, 2), ("function", "boot", 5, 5)]
    assert chunks[1].text == "def boot(): pass"
    assert [s.name for s in repo.reader.symbols(repo.path("pkg/core.py"))] == [
        "Engine", "start", "boot"]
    assert repo.reader.counts()["files"] == len(REPO)


def test_python_package_beats_a_deeper_module_of_the_same_name(index_repo: IndexRepo) -> None:
    """``from web import jsonify``: the top-level package (re-exporting it) comes before
    a test fixture's ``inner/web.py``; where that fixture is nearer, the re-export is
    still found in the package, the next file the import names."""
    repo = index_repo({
        "src/web/__init__.py": "from .json import jsonify as jsonify\n",
        "src/web/json/__init__.py": "def jsonify(*args):\n    return args\n",
        "tests/apps/inner/web.py": "NAME = 1\n",
        "tests/apps/test_views.py": "from web import jsonify\n",
        "examples/app/views.py": "from web import jsonify\n",
    })
    assert resolved(repo, "examples/app/views.py") == [
        ("jsonify", ["src/web/__init__.py", "tests/apps/inner/web.py"],
         ["src/web/json/__init__.py:0"])]
    assert resolved(repo, "tests/apps/test_views.py") == [
        ("jsonify", ["tests/apps/inner/web.py", "src/web/__init__.py"],
         ["src/web/json/__init__.py:0"])]


def test_an_imported_module_is_not_an_attribute_of_the_same_name(index_repo: IndexRepo) -> None:
    """``from . import nodes`` binds the module ``nodes.py``: a class attribute ``nodes``
    inside it is not what the name means (the module's outline is)."""
    repo = index_repo({
        "tpl/__init__.py": "",
        "tpl/nodes.py": "class Output:\n    nodes: list\n\n\nclass Const:\n    value = 1\n",
        "tpl/compiler.py": "from . import nodes\nfrom .nodes import Output\n",
    })
    assert resolved(repo, "tpl/compiler.py") == [
        ("nodes", ["tpl/__init__.py", "tpl/nodes.py"], []),
        ("Output", ["tpl/nodes.py"], ["tpl/nodes.py:0"])]


def test_from_package_import_name_is_the_submodule_not_its_namesake(
        index_repo: IndexRepo) -> None:
    """``from . import cli`` where pkg/cli.py defines a top-level ``cli`` too (Flask's
    ``cli = FlaskGroup(...)``): the name is the module, whose outline is what the prompt
    should show, not that one variable. The package's own ``cli`` would win, and
    ``from .cli import cli`` still means the variable."""
    repo = index_repo({
        "pkg/__init__.py": "",
        "pkg/cli.py": "def main():\n    pass\n\n\ncli = main\n",
        "pkg/app.py": "from . import cli\nfrom .cli import cli as group\n",
        "own/__init__.py": "cli = 'own'\n",
        "own/cli.py": "cli = 'module'\n",
        "own/app.py": "from . import cli\n",
    })
    assert resolved(repo, "pkg/app.py") == [
        ("cli", ["pkg/__init__.py", "pkg/cli.py"], []),
        ("cli", ["pkg/cli.py"], ["pkg/cli.py:4"])]
    assert resolved(repo, "own/app.py") == [
        ("cli", ["own/__init__.py", "own/cli.py"], ["own/__init__.py:0"])]
