"""``llama-lsp explain`` and ``llama-lsp ask`` end to end, as a user runs them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.e2e.cli import run_cli, run_json

SOURCE = "import os\n\n\ndef add(a, b):\n    total = a + b\n    return total\n"
CONFIG = '''import json


def parse_config(path):
    """Read the JSON settings file at path and check its port."""
    data = json.loads(open(path).read())
    if not 0 < data["port"] < 65536:
        raise ValueError("bad port")
    return data
'''
MAIN = "from config import parse_config\n\n\ndef main():\n    print(parse_config('a.json'))\n"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    root.mkdir()
    (root / ".git").mkdir()
    (root / "calc.py").write_text(SOURCE)
    (root / "config.py").write_text(CONFIG)
    (root / "main.py").write_text(MAIN)
    (root / ".env").write_text("API_KEY=parse_config-secret\n")
    return root


def test_explain_streams_the_text(
    tiny_model: Callable[..., Path], repo: Path, tmp_path: Path
) -> None:
    done = run_cli("explain", repo / "calc.py", "--lines", "5-6", "--model",
                   tiny_model("qwen", emit="a"), "--explain-max-tokens", "5", home=tmp_path)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "aaaaa\n" and "Traceback" not in done.stderr


def test_explain_json_reports_scope_tokens_and_timings(
    tiny_model: Callable[..., Path], repo: Path, tmp_path: Path
) -> None:
    out = run_json("explain", repo / "calc.py", "--lines", "5-6", "--model",
                   tiny_model("qwen", emit="a"), "--explain-max-tokens", "4", home=tmp_path)
    assert out["explanation"] == "aaaa" and out["path"] == "calc.py" and out["lines"] == "5-6"
    assert out["scope"] == {"kind": "function_definition", "name": "add", "whole": True,
                            "lines": "4-6"}
    assert out["language"] == "python" and out["templated"] is False
    assert out["tokens"]["generated"] == 4 and out["stop_reason"] == "max_tokens"
    assert {"load", "prompt", "generate", "total"} <= set(out["timings_ms"])


def test_explain_knows_a_script_by_its_shebang(
    tiny_model: Callable[..., Path], repo: Path, tmp_path: Path
) -> None:
    (repo / "manage").write_text("#!/usr/bin/env python3\n" + SOURCE)
    out = run_json("explain", repo / "manage", "--lines", "6-7", "--model",
                   tiny_model("qwen", emit="a"), "--explain-max-tokens", "2", home=tmp_path)
    assert out["language"] == "python" and out["scope"]["name"] == "add"


def test_explain_bad_inputs_give_one_line_errors(
    tiny_model: Callable[..., Path], repo: Path, tmp_path: Path
) -> None:
    model = tiny_model("qwen", emit="a")
    cases = {
        ("explain", repo / "nope.py", "--lines", "1-2", "--model", model): "file not found",
        ("explain", repo / "calc.py", "--lines", "x-2", "--model", model): "bad line range",
        ("explain", repo / "calc.py", "--lines", "5-3", "--model", model): "bad line range",
        ("explain", repo / "calc.py", "--lines", "5-60", "--model", model): "are outside",
        ("explain", repo / "calc.py", "--lines", "2-3", "--model", model): "is empty",
        ("explain", repo / "calc.py", "--lines", "5", "--model", tmp_path / "x.gguf"):
            "model file not found",
        ("explain", repo / "calc.py", "--lines", "5"): "no model configured",
    }
    for args, message in cases.items():
        done = run_cli(*args, home=tmp_path)
        assert done.returncode == 1 and message in done.stderr, (args, done.stderr)
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


def test_ask_streams_the_answer_then_the_code_it_came_from(
    tiny_model: Callable[..., Path], repo: Path, tmp_path: Path
) -> None:
    done = run_cli("ask", "where is parse_config defined?", "--workspace", repo, "--model",
                   tiny_model("qwen", emit="a"), "--ask-max-tokens", "3", home=tmp_path)
    assert done.returncode == 0, done.stderr
    answer, _, sources = done.stdout.partition("\n\n")
    heading, *labels = sources.strip().split("\n")
    assert answer == "aaa" and heading.startswith("Code shown to the model")
    # from the index: the definition first, then the import and the call (neighbouring
    # excerpts of one file joined), no .env
    assert labels == ["config.py:4-9", "main.py:1-5"]


def test_ask_json_in_the_current_directory_with_a_selection(
    tiny_model: Callable[..., Path], repo: Path, tmp_path: Path
) -> None:
    out = run_json("ask", "what does this do?", "--file", repo / "calc.py", "--lines", "4-6",
                   "--model", tiny_model("qwen", emit="a"), "--ask-max-tokens", "2",
                   home=tmp_path, cwd=repo)
    assert out["answer"] == "aa" and out["workspace"] == str(repo)
    assert out["context"][0] == "calc.py:4-6"
    assert out["citations"][0] == {"path": "calc.py", "start": 4, "end": 6, "kind": "context",
                                   "label": "calc.py:4-6"}
    assert {"load", "retrieve", "prompt", "generate", "total"} <= set(out["timings_ms"])


def test_ask_bad_inputs_give_one_line_errors(
    tiny_model: Callable[..., Path], repo: Path, tmp_path: Path
) -> None:
    model = tiny_model("qwen", emit="a")
    cases = {
        ("ask", "  ", "--workspace", repo, "--model", model): "the question is empty",
        ("ask", "why?", "--workspace", repo / "nope", "--model", model): "workspace not found",
        ("ask", "why?", "--workspace", repo, "--lines", "1-2", "--model", model):
            "--lines needs --file",
        ("ask", "why?", "--workspace", repo): "no model configured",
    }
    for args, message in cases.items():
        done = run_cli(*args, home=tmp_path)
        assert done.returncode == 1 and message in done.stderr, (args, done.stderr)
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr


@pytest.mark.model
def test_eval_model_explains_a_function(eval_model: Path, repo: Path, tmp_path: Path) -> None:
    out = run_json("explain", repo / "config.py", "--lines", "4-9", "--model", eval_model,
                   "--explain-max-tokens", "64", home=tmp_path)
    assert out["templated"] is True and out["scope"] is None  # a whole top-level function
    assert out["explanation"].strip() and "parse_config" in out["explanation"]


@pytest.mark.model
def test_eval_model_answers_where_a_name_is_defined(
    eval_model: Path, repo: Path, tmp_path: Path
) -> None:
    out = run_json("ask", "Where is parse_config defined?", "--workspace", repo, "--model",
                   eval_model, "--ask-max-tokens", "64", home=tmp_path)
    assert out["answer"].strip()
    assert out["citations"] and out["citations"][0]["path"] == "config.py"
    assert all(not c["path"].startswith(".env") for c in out["citations"])
