"""Policy paths: severity -> block / warn / off, disabled rules, the strictest action wins."""

from __future__ import annotations

from lsp_server.config import Settings
from lsp_server.safety import Policy, scan

HIGH = "os.system(cmd)\n"  # python-os-system, high
MEDIUM = "h = hashlib.md5(data)\n"  # python-weak-hash, medium


def test_clean_code_is_allowed() -> None:
    result = scan("def add(a, b):\n    return a + b\n", "python")
    assert (result.insecure, result.action, result.issues) == (False, "allow", ())


def test_default_policy_blocks_high_and_warns_medium() -> None:
    assert scan(HIGH, "python").action == "block"
    medium = scan(MEDIUM, "python")
    assert (medium.insecure, medium.action) == (True, "warn")
    assert [(i.rule, i.cwe, i.severity, i.line, i.action) for i in medium.issues] == [
        ("python-weak-hash", "CWE-328", "medium", 1, "warn")
    ]


def test_strictest_action_among_issues_wins() -> None:
    result = scan(MEDIUM + HIGH, "python")
    assert result.action == "block"
    assert [(i.rule, i.line, i.action) for i in result.issues] == [
        ("python-weak-hash", 1, "warn"),
        ("python-os-system", 2, "block"),
    ]


def test_high_can_be_downgraded_to_warn() -> None:
    result = scan(HIGH, "python", policy=Policy(high="warn"))
    assert (result.insecure, result.action) == (True, "warn")


def test_off_drops_the_issues_of_that_severity() -> None:
    result = scan(MEDIUM + HIGH, "python", policy=Policy(medium="off"))
    assert [i.rule for i in result.issues] == ["python-os-system"]
    only_medium = scan(MEDIUM, "python", policy=Policy(medium="off"))
    assert (only_medium.insecure, only_medium.action) == (False, "allow")


def test_disabled_rules_never_apply() -> None:
    assert not scan(HIGH, "python", disabled=["python-os-system"]).insecure
    assert not scan(
        HIGH, "python", policy=Policy(disabled=frozenset({"python-os-system"}))
    ).insecure
    both = scan(
        MEDIUM + HIGH,
        "python",
        disabled={"python-os-system"},
        policy=Policy(disabled=frozenset({"python-weak-hash"})),
    )
    assert not both.insecure


def test_policy_from_settings() -> None:
    settings = Settings(
        safety_high="warn",
        safety_medium="off",
        safety_low="block",
        safety_disabled_rules=["python-eval"],
    )
    assert Policy.from_settings(settings) == Policy(
        high="warn", medium="off", low="block", disabled=frozenset({"python-eval"})
    )
    assert Policy.from_settings(Settings()) == Policy()


def test_unknown_language_still_gets_the_secret_rules() -> None:
    result = scan("token = 'ghp_Zx9aB8cD7eF6gH5iJ4kL3mN2oP1qR0sT9uV8'\n", "no-such-language")
    assert [i.rule for i in result.issues] == ["secret-github-token"]


def test_language_aliases() -> None:
    assert scan(HIGH, "py").action == scan(HIGH, "Python").action == "block"
