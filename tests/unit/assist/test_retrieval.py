"""Retrieval for repository questions: ranking, chunking, and what is never read."""

from __future__ import annotations

from pathlib import Path

import pytest

from lsp_server.assist import retrieval
from lsp_server.assist.chunks import MAX_UNIT_LINES, split_chunks
from lsp_server.assist.rank import query_terms, terms
from lsp_server.assist.retrieval import Current, WorkspaceRetriever

CONFIG = '''import json


def parse_config(path):
    """Read the settings file."""
    data = json.loads(open(path).read())
    return data
'''
USES = "\n".join(["from config import parse_config", "", "",
                  *(f"def use_{i}():\n    return parse_config('app{i}.json')\n" for i in range(4))])
SECRETS = {".env": "TOKEN=parse_config", ".env.local": "parse_config", "id_rsa": "parse_config",
           "server.pem": "parse_config", "credentials.json": '{"parse_config": 1}',
           ".npmrc": "parse_config", "deploy/service-account-prod.json": "parse_config"}


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "config.py").write_text(CONFIG)
    (tmp_path / "src" / "app.py").write_text(USES)
    (tmp_path / "node_modules" / "lib").mkdir(parents=True)
    (tmp_path / "node_modules" / "lib" / "config.js").write_text("function parse_config() {}\n")
    (tmp_path / ".git").mkdir()
    (tmp_path / ".git" / "config.py").write_text(CONFIG)
    (tmp_path / "big.py").write_text("parse_config = 1\n" * 20000)  # over 256 KiB
    (tmp_path / "blob.py").write_bytes(b"parse_config\0\x01\x02")
    for name, text in SECRETS.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(text)
    return tmp_path


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every path the retriever opens."""
    opened: list[str] = []
    real = retrieval.read_text

    def spy(path: Path | str) -> str | None:
        opened.append(Path(path).name)
        return real(path)

    monkeypatch.setattr(retrieval, "read_text", spy)
    return opened


def test_terms_split_snake_and_camel_case() -> None:
    assert terms("parseHttpRequest(raw_input)") == [
        "parsehttprequest", "parse", "http", "request", "raw_input", "raw", "input"]
    assert query_terms("Where is the parse_config function defined?") == [
        "parse_config", "parse", "config", "function"]


def test_the_defining_file_ranks_first(repo: Path, reads: list[str]) -> None:
    chunks = WorkspaceRetriever(repo, seconds=30).retrieve("where is parse_config defined?", 5)
    assert chunks[0].path == "src/config.py" and chunks[0].text.startswith("def parse_config")
    assert (chunks[0].start_line, chunks[0].end_line, chunks[0].file_lines) == (3, 6, 8)
    assert {c.path for c in chunks} == {"src/config.py", "src/app.py"}
    assert chunks == sorted(chunks, key=lambda c: -c.score)


def test_secret_vendored_large_and_binary_files_are_never_used(
    repo: Path, reads: list[str]
) -> None:
    secret_doc = str(repo / ".env.production")
    retriever = WorkspaceRetriever(repo, {secret_doc: "parse_config"}, seconds=30)
    chunks = retriever.retrieve("parse_config", 50)
    opened = set(reads)
    assert not opened & {Path(name).name for name in SECRETS}  # never even opened
    assert {c.path for c in chunks} == {"src/config.py", "src/app.py"}


def test_extra_secret_globs_are_honoured(repo: Path, reads: list[str]) -> None:
    retriever = WorkspaceRetriever(repo, secret_globs=("app.py",), seconds=30)
    chunks = retriever.retrieve("parse_config", 50)
    assert "app.py" not in reads and {c.path for c in chunks} == {"src/config.py"}


def test_the_walk_is_bounded(repo: Path, reads: list[str]) -> None:
    WorkspaceRetriever(repo, max_files=1, seconds=30).retrieve("parse_config", 5)
    assert len(reads) == 1
    WorkspaceRetriever(repo, seconds=0).retrieve("parse_config", 5)
    assert len(reads) == 1


def test_open_documents_win_and_the_selection_comes_first(repo: Path, reads: list[str]) -> None:
    edited = CONFIG.replace("parse_config", "load_settings")
    current = Current(repo / "src" / "config.py", edited, (3, 4))
    retriever = WorkspaceRetriever(repo, current=current, seconds=30)
    chunks = retriever.retrieve("what calls load_settings?", 5)
    assert chunks[0].path == "src/config.py" and (chunks[0].start_line, chunks[0].end_line) == (
        3, 4)
    assert chunks[0].text == 'def load_settings(path):\n    """Read the settings file."""'
    assert "config.py" not in reads  # the open text was used, not the file on disk


def test_chunks_follow_definitions_and_open_up_large_classes() -> None:
    methods = "".join(f"    def m{i}(self):\n" + "        x = 1\n" * 8 + "\n" for i in range(12))
    source = f"import os\nX = 1\n\n\nclass Big:\n{methods}\ndef tail():\n    return 2\n"
    spans = split_chunks(source, "python")
    assert spans[0] == (0, 1, ())
    assert spans[1].names == ("Big", "m0") and spans[1].start == 4
    assert [s.names for s in spans[2:13]] == [(f"m{i}",) for i in range(1, 12)]
    assert spans[-1].names == ("tail",)
    assert all(s.end - s.start < MAX_UNIT_LINES for s in spans)


def test_files_without_a_grammar_are_cut_into_windows() -> None:
    spans = split_chunks("line\n" * 100, "plaintext")
    assert [(s.start, s.end) for s in spans] == [(0, 39), (40, 79), (80, 99)]
