"""Any error inside the scanner blocks (fail closed); malformed rules are refused at load."""

from __future__ import annotations

import re
from typing import Any, cast

import pytest

from lsp_server.safety import SCANNER_ERROR, RuleError, matching, scan, scan_completion, scanner
from lsp_server.safety.catalog import Rule, RuleSet, _rule


def _assert_blocked(result: Any) -> None:
    assert (result.insecure, result.action) == (True, "block")
    assert [i.rule for i in result.issues] == [SCANNER_ERROR]


def test_an_exception_in_matching_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    def explode(text: str, language: str) -> list[Any]:
        raise RuntimeError("boom")

    monkeypatch.setattr(scanner, "find", explode)
    _assert_blocked(scan("x = 1\n", "python"))
    _assert_blocked(scan_completion("x = 1\n", "y = 2\n", "", "python"))


def test_a_failing_rule_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    broken = Rule(
        id="test-broken",
        cwe="CWE-1",
        severity="low",
        description="broken",
        languages=frozenset({"python"}),
        keywords=("x",),
        query="((call) @issue",
    )
    monkeypatch.setattr(matching, "rule_set", lambda language: RuleSet((broken,), ("x",), ()))
    result = scan("x(1)\n", "python")
    _assert_blocked(result)
    assert "test-broken" in result.issues[0].description


def test_a_failing_regex_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    class Exploding:
        def finditer(self, text: str) -> Any:
            raise re.error("boom")

    broken = Rule(
        id="test-regex",
        cwe="CWE-1",
        severity="low",
        description="broken",
        languages=frozenset({"python"}),
        keywords=("x",),
        regex=cast("re.Pattern[str]", Exploding()),
    )
    monkeypatch.setattr(matching, "rule_set", lambda language: RuleSet((broken,), ("x",), ()))
    _assert_blocked(scan_completion("", "x = 1\n", "", "python"))


GOOD_ROW = {
    "id": "test-rule",
    "cwe": "CWE-78",
    "severity": "high",
    "description": "d",
    "keywords": ["k"],
    "regex": "k",
}


@pytest.mark.parametrize(
    "change",
    [
        {"cwe": "78"},
        {"severity": "critical"},
        {"id": "Test Rule"},
        {"keywords": []},
        {"keywords": [""]},
        {"query": "(call) @issue"},
        {"regex": "("},
        {"languages": ["cobol"]},
    ],
)
def test_malformed_rules_are_refused(change: dict[str, Any]) -> None:
    with pytest.raises(RuleError):
        _rule({**GOOD_ROW, **change}, ["python"], "test.toml")


def test_query_rules_need_an_issue_capture_and_a_grammar() -> None:
    row = {k: v for k, v in GOOD_ROW.items() if k != "regex"}
    with pytest.raises(RuleError):
        _rule({**row, "query": "(call) @call"}, ["python"], "test.toml")
    with pytest.raises(RuleError):
        _rule({**row, "query": "(call) @issue"}, ["ruby"], "test.toml")
    assert _rule({**row, "query": "(call) @issue"}, ["python"], "test.toml").query
