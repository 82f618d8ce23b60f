"""Every rule has positive and negative snippets, and behaves on them in every language.

Cases live in cases/<language>.toml keyed by rule id. Bad snippets of code-scope rules
are also tried commented out and wrapped in string literals, where they must not match.
"""

from __future__ import annotations

import pytest

from lsp_server.safety import all_rules, prepare, scan
from lsp_server.safety.catalog import compiled_query
from tests.unit.safety.rule_cases import Case, case_languages, commented, in_strings, load_cases

RULES = {rule.id: rule for rule in all_rules()}
CASES = load_cases()


def _cases() -> list[Case]:
    cases: list[Case] = []
    for rule_id, row in CASES.items():
        rule = RULES.get(rule_id)
        if rule is None:
            continue
        for language in case_languages(rule, row):
            cases += [Case(rule_id, language, s, True, i) for i, s in enumerate(row.get("bad", []))]
            cases += [
                Case(rule_id, language, s, False, i) for i, s in enumerate(row.get("good", []))
            ]
            if rule.scope == "raw" or language == "plaintext":
                continue
            for i, snippet in enumerate(row.get("bad", [])):
                cases.append(
                    Case(rule_id, language, commented(snippet, language), False, i, ":commented")
                )
                if rule.scope == "code":
                    cases.append(
                        Case(
                            rule_id, language, in_strings(snippet, language), False, i, ":in-string"
                        )
                    )
    return cases


def test_every_rule_has_positive_and_negative_cases() -> None:
    lacking = [r for r in RULES if not CASES.get(r, {}).get("bad") or not CASES[r].get("good")]
    assert not lacking, f"rules without bad and good cases in cases/*.toml: {lacking}"


def test_cases_name_existing_rules() -> None:
    assert not sorted(set(CASES) - set(RULES))


@pytest.mark.parametrize("language", ["python", "ts", "c++", "ruby", "no-such-language"])
def test_prepare_compiles_a_languages_rules(language: str) -> None:
    prepare(language)
    assert scan("x = 1\n", language).action == "allow"


@pytest.mark.parametrize("rule_id", [r.id for r in all_rules() if r.regex is None])
def test_queries_compile_for_every_language(rule_id: str) -> None:
    rule = RULES[rule_id]
    for language in sorted(rule.languages):
        assert compiled_query(rule, language) is not None


@pytest.mark.parametrize("case", _cases(), ids=str)
def test_rule_case(case: Case) -> None:
    found = {issue.rule for issue in scan(case.snippet, case.language).issues}
    assert "scanner-error" not in found
    if case.bad:
        assert case.rule in found, f"{case.rule} missed in {case.language}:\n{case.snippet}"
    else:
        assert case.rule not in found, f"{case.rule} matched in {case.language}:\n{case.snippet}"
