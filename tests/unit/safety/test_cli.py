"""``llama-lsp scan``: exit 1 when insecure, 0 when clean, 2 on usage errors."""

from __future__ import annotations

import argparse
import io
import json
from pathlib import Path

import pytest

from lsp_server.commands import scan


def _run(*argv: str) -> int:
    parser = argparse.ArgumentParser(prog="llama-lsp")
    scan.add_parser(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(["scan", *argv])
    code: int = args.run(args)
    return code


def test_insecure_file_exits_1_with_one_line_per_issue(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "app.py"
    path.write_text("import os\nos.system(cmd)\n")
    assert _run(str(path)) == 1
    assert f"{path}:2: block: python-os-system (CWE-78, high)" in capsys.readouterr().out


def test_clean_file_exits_0(tmp_path: Path) -> None:
    path = tmp_path / "main.go"
    path.write_text("package main\n\nfunc main() {}\n")
    assert _run(str(path)) == 0


def test_json_from_stdin(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("strcpy(dst, src);\n"))
    assert _run("-", "--language", "c", "--json") == 1
    report = json.loads(capsys.readouterr().out)
    assert report["language"] == "c" and report["action"] == "warn"
    assert report["issues"][0] == {
        "rule": "c-unbounded-copy",
        "cwe": "CWE-120",
        "severity": "medium",
        "line": 1,
        "description": report["issues"][0]["description"],
        "action": "warn",
    }


def test_policy_flags_apply(tmp_path: Path) -> None:
    path = tmp_path / "app.py"
    path.write_text("os.system(cmd)\n")
    assert _run(str(path), "--safety-high", "off") == 0


def test_usage_errors_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO("x"))
    assert _run("-") == 2
    assert _run(str(tmp_path / "app.py"), "--language", "cobol") == 2
    assert _run(str(tmp_path / "missing.py")) == 2


def test_unknown_extension_is_scanned_for_secrets(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("token ghp_Zx9aB8cD7eF6gH5iJ4kL3mN2oP1qR0sT9uV8\n")
    assert _run(str(path)) == 1


def test_list_rules(capsys: pytest.CaptureFixture[str]) -> None:
    assert _run("--list-rules", "--language", "python") == 0
    out = capsys.readouterr().out
    assert "python-eval" in out and "secret-github-token" in out and "go-weak-hash" not in out
    assert _run("--list-rules", "--json") == 0
    ids = {row["id"] for row in json.loads(capsys.readouterr().out)}
    assert {"go-weak-hash", "ruby-eval", "kotlin-weak-cipher"} <= ids
