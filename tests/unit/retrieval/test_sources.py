"""Each context source on a real index of a temporary repository (real tree-sitter)."""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import cast

import pytest

from lsp_server.documents.cursor import Cursor
from lsp_server.indexing.reader import IndexReader
from lsp_server.indexing.records import Symbol
from lsp_server.prompting.fim_request import LocalWindow
from lsp_server.retrieval.names import near_names
from lsp_server.retrieval.snippet import ContextQuery, Snippet
from lsp_server.retrieval.sources import SourceEnv, definitions, outline, recent, similar
from tests.unit.retrieval.conftest import Files, Workspace, settings

UTILS = "".join(f"def helper_{i}(value: int) -> int:\n    return value + {i}\n\n\n"
                for i in range(9)) + "def slugify(text: str) -> str:\n    return text\n"
PARSER = '''class Parser:
    """Reads tokens."""

    @classmethod
    def from_file(cls, path: str) -> "Parser":
        return cls(open(path).read())

    def __init__(self, source: str) -> None:
        self.source = source
        self.position = 0

    def next_token(self) -> str:
        self.position += 1
        return self.source[self.position]

    @property
    def done(self) -> bool:
        return self.position >= len(self.source)

    def peek(self, offset: int = 0) -> str:
        return self.source[self.position + offset]
'''
TEXT = '''def title_case(words: str) -> str:
    """Capitalize every word."""
    return " ".join(w.capitalize() for w in words.split())
'''
MAIN = '''from pkg.parser import Parser
from pkg.text import title_case
from pkg.limits import RETRY_LIMITS


def run(source):
    parser = Parser(source)
    heading = title_case(parser.next_token())
    name = utils.'''
BIG = ("def render(report) -> str:\n    return str(report)\n\n\n"
       "def test_render() -> None:\n    assert render(1) == '1'\n\n\nclass Report(Base):\n"
       + "".join(f"    def item_{i}(self) -> int:\n        return {i}\n\n" for i in range(20))
       + "    def total(self) -> int:\n        return ")
REPORT = ("import os\nfrom pkg.parser import (\n    Parser,\n)\nfrom pkg.text import title_case\n"
          "import json\n\n\n" + "".join(f"def step_{i}() -> int:\n    return {i}\n\n\n"
                                        for i in range(12)) + "def last() -> str:\n    return ")
REPO: Files = {
    "pkg/__init__.py": "", "pkg/utils.py": UTILS, "pkg/parser.py": PARSER, "pkg/text.py": TEXT,
    "pkg/limits.py": "RETRY_LIMITS = {\n    'connect': 3,\n    'read': 5,\n}\n",
    "reports/invoices.py": ("def load_invoice_rows(ledger, quarter):\n"
                            "    rows = ledger.fetch_rows(quarter)\n"
                            "    return [row for row in rows if row.amount_due > 0]\n"),
    "app/billing.py": "def summarize(ledger, quarter):\n    rows = ledger.fetch_rows(quarter)\n",
    "app/main.py": MAIN, "app/big.py": BIG, "app/report.py": REPORT,
    "app/area.py": "import math\n\n\ndef total_area(radii):\n    return ",
}


@pytest.fixture
def repo(workspace: Callable[[Files], Workspace]) -> Workspace:
    return workspace(REPO)


def query(repo: Workspace, rel: str, window: tuple[int, int] | None = None) -> ContextQuery:
    """The cursor at the end of ``rel``; the local window shows all of it unless given."""
    text = REPO[rel]
    line = text.count("\n")
    return ContextQuery(repo.path(rel), repo.root, "python", text, "", line,
                        window or (0, line), near_names(text, ""))


def by_path(found: list[Snippet]) -> dict[str, str]:
    return {s.path: s.text for s in found}


def test_definitions_follow_imports_and_the_receiver(repo: Workspace) -> None:
    found = definitions.find(query(repo, "app/main.py"), SourceEnv(repo.index.reader))
    assert all(s.source == "definitions" for s in found)
    # ``utils.`` is imported nowhere: the module of that name, as an outline, comes first.
    assert found[0].path == "pkg/utils.py"
    assert found[0].text.split("\n") == [f"def helper_{i}(value: int) -> int:"
                                         for i in range(9)] + ["def slugify(text: str) -> str:"]
    texts = by_path(found)
    assert texts["pkg/text.py"] == TEXT.rstrip("\n")  # signature, docstring, short body
    assert texts["pkg/parser.py"] == (
        'class Parser:\n    """Reads tokens."""\n\n'
        '    @classmethod\n    def from_file(cls, path: str) -> "Parser":\n'
        "    def __init__(self, source: str) -> None:\n    def next_token(self) -> str:\n"
        "    @property\n    def done(self) -> bool:\n"  # decorators say how it is used
        "    def peek(self, offset: int = 0) -> str:")
    assert texts["pkg/limits.py"] == REPO["pkg/limits.py"].rstrip("\n")  # a constant's value


def test_similar_finds_the_bm25_chunk_elsewhere(repo: Workspace) -> None:
    found = similar.find(query(repo, "app/billing.py"), SourceEnv(repo.index.reader))
    assert found and found[0].path == "reports/invoices.py" and found[0].source == "similar"
    assert found[0].text == REPO["reports/invoices.py"].rstrip("\n")
    assert "app/billing.py" not in by_path(found)  # the local window shows it already


def test_outline_restores_the_enclosing_class_above_the_window(repo: Workspace) -> None:
    last = BIG.count("\n")
    found = outline.find(query(repo, "app/big.py", (last - 20, last)), SourceEnv(repo.index.reader))
    assert [s.source for s in found] == ["outline"]
    # The class encloses the cursor; render is a top-level name the file uses (a helper);
    # test_render is used nowhere, and the methods in and above the window are neither.
    assert found[0].text == "def render(report) -> str:\nclass Report(Base):"
    assert outline.find(query(repo, "app/big.py"), SourceEnv(repo.index.reader)) == []


def test_outline_lists_the_helpers_used_near_the_cursor(
        workspace: Callable[[Files], Workspace], monkeypatch: pytest.MonkeyPatch) -> None:
    """A top-level name is listed when the code around the cursor uses it; the scan for
    uses is bounded (a document of megabytes must not cost the source its time box)."""
    text = ("def near() -> int:\n    return 1\n\n\ndef far() -> int:\n    return 2\n\n\n"
            "X = far()\n" + "".join(f"def step_{i}() -> int:\n    return {i}\n\n\n"
                                      for i in range(30)) + "def last() -> int:\n    return near(")
    repo = workspace({"app/helpers.py": text})
    line = text.count("\n")
    cursor = ContextQuery(repo.path("app/helpers.py"), repo.root, "python", text, "", line,
                          (line - 3, line))
    env = SourceEnv(repo.index.reader)
    # The whole file scanned: near and far are used again; no step_* is.
    assert outline.find(cursor, env)[0].text == "def near() -> int:\ndef far() -> int:"
    # Only the last lines scanned: far's use (line 8) is out of reach, near's is not;
    # near's definition is out of reach too, so its one use there counts.
    monkeypatch.setattr(outline, "USE_SCAN_CHARS", 200)
    assert outline.find(cursor, env)[0].text == "def near() -> int:"


def test_outline_shows_the_repository_imports_above_the_window(repo: Workspace) -> None:
    last = REPORT.count("\n")
    found = outline.find(query(repo, "app/report.py", (last - 9, last)),
                         SourceEnv(repo.index.reader))
    # Statements importing workspace files, as written (the multi-line one whole), in a
    # block of their own; os and json are not the repository's.
    assert found[0].text == ("from pkg.parser import (\n    Parser,\n)\n"
                             "from pkg.text import title_case")
    # No frame: the cursor's function is in the window, and no step_* is used again.
    assert len(found) == 1
    # Once the window shows them, they are not repeated.
    assert all("import" not in s.text for s in outline.find(
        query(repo, "app/report.py", (2, last)), SourceEnv(repo.index.reader)))


def test_outline_skips_an_import_the_index_has_not_seen_edited(repo: Workspace) -> None:
    """The index lags unsaved edits: a line that no longer holds the recorded import
    is not shown as one."""
    edited = REPORT.replace("from pkg.text import title_case", "TITLE = 'x'")
    last = edited.count("\n")
    cursor = ContextQuery(repo.path("app/report.py"), repo.root, "python", edited, "", last,
                          (last - 9, last))
    found = outline.find(cursor, SourceEnv(repo.index.reader))
    assert found[0].text == "from pkg.parser import (\n    Parser,\n)"


def test_outline_shows_a_typescript_import_over_several_lines_whole(
        workspace: Callable[[Files], Workspace]) -> None:
    app = ("import {\n  area,\n  perimeter,\n} from './shapes';\nimport fs from 'fs';\n\n"
           + "".join(f"const c{i} = {i};\n" for i in range(12)) + "export const total = ")
    repo = workspace({"web/shapes.ts": "export function area(r: number): number {\n"
                                       "  return r * r;\n}\nexport const perimeter = 2;\n",
                      "web/app.ts": app})
    line = app.count("\n")
    found = outline.find(ContextQuery(repo.path("web/app.ts"), repo.root, "typescript", app,
                                      "", line, (line - 5, line)), SourceEnv(repo.index.reader))
    assert found[0].text == "import {\n  area,\n  perimeter,\n} from './shapes';"


def test_recent_shows_an_edited_place_in_another_file(repo: Workspace) -> None:
    env = SourceEnv(repo.index.reader)
    env.activity.edited(repo.path("pkg/parser.py"), 9)
    found = recent.find(query(repo, "app/main.py"), env)
    assert [(s.path, s.source) for s in found] == [("pkg/parser.py", "recent")]
    assert "        self.position += 1" in found[0].text.split("\n")
    assert found[0].start_line <= 9 <= found[0].end_line


def test_recent_skips_a_place_inside_the_local_window(repo: Workspace) -> None:
    env = SourceEnv(repo.index.reader)
    env.activity.viewed(repo.path("app/main.py"), MAIN.count("\n"))  # the cursor's own line
    assert recent.find(query(repo, "app/main.py"), env) == []


def test_retrieved_context_does_not_repeat_the_lines_being_typed(repo: Workspace) -> None:
    # A new function's first line, typed on: not saved, not yet re-indexed.
    path, typed = repo.path("app/area.py"), REPO["app/area.py"] + "sum(math.pi"
    lines = typed.split("\n")
    cursor = Cursor(typed, "", len(lines) - 1, len(lines[-1]))
    repo.provider.activity.viewed(path, cursor.line)  # as InlinePipeline.complete does
    retrieve = repo.provider.retrieve(path, cursor, "python", settings(), object(),
                                      invoked=True)
    assert retrieve is not None
    request = retrieve(LocalWindow(typed, "", 0, cursor.line))
    assert request is not None
    assert [s for s in request.snippets if s.path == "app/area.py"] == []


def test_a_go_package_receiver_shows_every_file_of_the_package(
        workspace: Callable[[Files], Workspace]) -> None:
    """``geom.`` binds the package ``example.com/shapes/geom``, a folder of files: each of
    them is shown, and its tests are not (an importer never sees ``_test.go``)."""
    main = ('package main\n\nimport (\n\t"fmt"\n\n\t"example.com/shapes/geom"\n)\n\n'
            "func main() {\n\ta := geom.")
    repo = workspace({
        "go.mod": "module example.com/shapes\n",
        "geom/circle.go": "package geom\n\n// AreaOfCircle is pi r squared.\n"
                          "func AreaOfCircle(r float64) float64 {\n\treturn 3.14 * r * r\n}\n",
        "geom/square.go": "package geom\n\nfunc AreaOfSquare(s float64) float64 {\n"
                          "\treturn s * s\n}\n",
        "geom/circle_test.go": "package geom\n\nfunc TestArea() {}\n",
        "cmd/main.go": main,
    })
    line = main.count("\n")
    found = definitions.find(ContextQuery(repo.path("cmd/main.go"), repo.root, "go", main, "",
                                          line, (0, line), near_names(main, "")),
                             SourceEnv(repo.index.reader))
    assert [s.path for s in found[:2]] == ["geom/circle.go", "geom/square.go"]
    assert "func AreaOfSquare(s float64) float64" in found[1].text
    assert "geom/circle_test.go" not in by_path(found)


def test_import_a_dotted_module_binds_its_package(
        workspace: Callable[[Files], Workspace]) -> None:
    """``import pkg.views`` binds ``pkg``: ``pkg.`` shows the package, not pkg/views.py."""
    main = "import pkg.views\n\n\ndef run():\n    return pkg."
    repo = workspace({"pkg/__init__.py": "VERSION = '1.0'\n\n\ndef configure(level):\n"
                                         "    return level\n",
                      "pkg/views.py": "class View:\n    def render(self):\n        return ''\n",
                      "main.py": main})
    line = main.count("\n")
    found = definitions.find(ContextQuery(repo.path("main.py"), repo.root, "python", main, "",
                                          line, (0, line), near_names(main, "")),
                             SourceEnv(repo.index.reader))
    assert found[0].path == "pkg/__init__.py" and "def configure(level):" in found[0].text


def test_a_name_is_looked_up_in_the_cursors_language_family(
        workspace: Callable[[Files], Workspace]) -> None:
    """A bare name defined in another language is another thing: ``circle`` near a TS
    cursor is the TS class, never the C typedef of that name; a TSX file counts as TS."""
    app = "import { area } from './shapes';\n\nconst size = circle(1);\nexport const total = area("
    repo = workspace({
        "web/shapes.ts": "export function area(r: number): number {\n  return r * r;\n}\n",
        "web/Circle.tsx": "export function circle(r: number) {\n  return r;\n}\n",
        "native/geom.h": "typedef struct { double r; } circle;\n",
        "web/app.ts": app,
    })
    line = app.count("\n")
    found = definitions.find(ContextQuery(repo.path("web/app.ts"), repo.root, "typescript",
                                          app, "", line, (0, line), near_names(app, "")),
                             SourceEnv(repo.index.reader))
    paths = [s.path for s in found]
    assert "web/shapes.ts" in paths and "web/Circle.tsx" in paths
    assert "native/geom.h" not in paths


def test_a_name_this_file_defines_is_not_looked_up_elsewhere(
        workspace: Callable[[Files], Workspace]) -> None:
    """``index`` and ``add`` near the cursor are this file's own functions: the other
    files' functions of those names are not shown; ``render`` is, though this file has a
    method of that name (a bare name is no method)."""
    views = ("class Form:\n    def render(self):\n        return 'form'\n\n\n"
             "def index():\n    return render('index')\n\n\n"
             "def add(a, b):\n    total = a + b\n    return ")
    repo = workspace({
        "app/views.py": views,
        "admin/views.py": "def index():\n    return 'admin'\n",
        "tasks.py": "def add(x, y):\n    return x + y\n",
        "render.py": "def render(name):\n    return name\n",
    })
    line = views.count("\n")
    found = definitions.find(ContextQuery(repo.path("app/views.py"), repo.root, "python",
                                          views, "", line, (0, line), near_names(views, "")),
                             SourceEnv(repo.index.reader))
    assert [s.path for s in found] == ["render.py"]


def test_similar_code_comes_from_the_cursors_language_family(
        workspace: Callable[[Files], Workspace]) -> None:
    """In a polyglot repository the BM25 twin in another language is left out; a JSX
    cursor (VS Code's ``javascriptreact``) still gets TS code; a YAML cursor gets any."""
    repo = workspace({
        "web/invoices.ts": "function load_invoice_rows(ledger, quarter) {\n"
                           "  return ledger.fetch_rows(quarter);\n}\n",
        "native/invoices.rs": "fn load_invoice_rows(ledger: &Ledger, quarter: u8) -> Rows {\n"
                              "    ledger.fetch_rows(quarter)\n}\n",
        "web/app.jsx": "const rows = load_invoice_rows(ledger, quarter)\n",
        "ci.yaml": "rows: load_invoice_rows ledger quarter\n",
    })

    def similar_paths(rel: str, language: str) -> set[str]:
        text = (repo.root / rel).read_text()
        line = text.count("\n")
        found = similar.find(ContextQuery(repo.path(rel), repo.root, language, text, "", line,
                                          (0, line), near_names(text, "")),
                             SourceEnv(repo.index.reader))
        return {s.path for s in found}

    assert similar_paths("web/app.jsx", "javascriptreact") == {"web/invoices.ts"}
    assert similar_paths("ci.yaml", "yaml") == {"web/invoices.ts", "native/invoices.rs",
                                                "web/app.jsx"}


FILLER = "".join(f"    step_{i} = {i}\n" for i in range(14))  # Store is not a near name


@pytest.mark.parametrize(("language", "files", "rel"), [
    ("python", {"pkg/store.py": "class Store:\n    def fetch_rows(self, quarter):\n"
                                "        return []\n",
                "pkg/util.py": "def helper(x):\n    return x\n",
                "app.py": "from pkg.store import Store\nfrom pkg.util import helper\n\n\n"
                          f"def run():\n    s = Store()\n{FILLER}    s."}, "app.py"),
    ("typescript", {"src/store.ts": "export class Store {\n  fetchRows(quarter: number) {\n"
                                    "    return [];\n  }\n}\n",
                    "src/util.ts": "export function helper(x: number) {\n  return x;\n}\n",
                    "src/app.ts": "import { Store } from './store';\n"
                                  "import { helper } from './util';\n\nfunction run() {\n"
                                  f"  const s = new Store();\n{FILLER}  s."}, "src/app.ts"),
    ("go", {"store/store.go": "package store\n\ntype Store struct{}\n\n"
                              "func (s *Store) FetchRows(q int) []int {\n\treturn nil\n}\n",
            "util/util.go": "package util\n\nfunc Helper(x int) int {\n\treturn x\n}\n",
            "cmd/main.go": 'package main\n\nimport (\n\t"example.com/x/store"\n'
                           '\t"example.com/x/util"\n)\n\nfunc main() {\n'
                           f"\ts := store.Store{{}}\n{FILLER}\ts."}, "cmd/main.go"),
    ("java", {"src/acme/Store.java": "package acme;\n\npublic class Store {\n"
                                     "    public int[] fetchRows(int q) { return null; }\n}\n",
              "src/acme/App.java": "package acme;\n\npublic class App {\n    void run() {\n"
                                   f"        Store s = new Store();\n{FILLER}        s."},
     "src/acme/App.java"),
])
def test_a_receiver_shows_the_class_it_was_declared_as(
        workspace: Callable[[Files], Workspace], language: str, files: Files, rel: str) -> None:
    """``s.`` after ``s = Store()`` (or ``new Store()``, ``store.Store{}``, ``Store s``)
    well above: the class with its methods comes first, though ``s`` is named like nothing
    and ``Store`` is too far up to be a near name."""
    repo = workspace(files)
    text = files[rel]
    line = text.count("\n")
    found = definitions.find(ContextQuery(repo.path(rel), repo.root, language, text, "", line,
                                          (0, line), near_names(text, "")),
                             SourceEnv(repo.index.reader))
    assert found and "fetch" in found[0].text.lower(), [(s.path, s.text) for s in found]


def test_parallel_sources_read_a_file_once_and_other_files_meanwhile(repo: Workspace) -> None:
    """Two sources asking for the same file's symbols cause one read; a read of another
    file does not wait for it (the read of ``main`` waits for the one of ``text`` to
    start, which would never happen if every read held one lock)."""
    reader, calls = repo.index.reader, Counter[str]()
    text_started = threading.Event()

    class Watched:
        def __getattr__(self, name: str) -> object:
            return getattr(reader, name)

        def symbols(self, path: Path) -> list[Symbol]:
            calls[path.name] += 1
            if path.name == "text.py":
                text_started.set()
            else:
                assert text_started.wait(5), "the other file's read waited for this one"
            return reader.symbols(path)

    env = SourceEnv(cast(IndexReader, Watched()))
    main, text = repo.path("app/main.py"), repo.path("pkg/text.py")
    with ThreadPoolExecutor(3) as pool:
        found = list(pool.map(env.symbols, [main, main, text]))
    assert calls == {"main.py": 1, "text.py": 1}
    assert found[0] is found[1] and [s.name for s in found[2]] == ["title_case"]
