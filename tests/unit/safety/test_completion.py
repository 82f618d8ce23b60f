"""scan_completion: the completion is scanned in context, only its own issues count."""

from __future__ import annotations

import pytest

from lsp_server.safety import scan, scan_completion, scanner


def test_a_call_split_over_prefix_and_completion_is_seen() -> None:
    result = scan_completion("subprocess.run(\n    cmd,\n", "    shell=True,\n)\n", "", "python")
    assert [(i.rule, i.line) for i in result.issues] == [("python-subprocess-shell", 1)]
    assert result.action == "block"


def test_a_call_split_over_completion_and_suffix_is_seen() -> None:
    result = scan_completion(
        "x = 1\n", "requests.get(\n    url,\n", "    verify=False)\n", "python"
    )
    assert [i.rule for i in result.issues] == ["python-tls-verify-disabled"]


def test_an_issue_already_in_the_file_is_not_the_completions() -> None:
    prefix = "import os\nos.system(cmd)\n"
    suffix = "\neval(user_input)\n"
    assert scan(prefix, "python").insecure
    result = scan_completion(prefix, "print('done')", suffix, "python")
    assert (result.insecure, result.action, result.issues) == (False, "allow", ())


def test_lines_are_relative_to_the_completion() -> None:
    completion = "x = 1\ny = 2\nos.system('rm -rf ' + path)\n"
    result = scan_completion("def f(path):\n    ", completion, "", "python")
    assert [(i.rule, i.line) for i in result.issues] == [("python-os-system", 3)]


def test_a_completion_inside_a_comment_is_not_code() -> None:
    assert not scan_completion("x = 1\n# ", "os.system(cmd)", "\n", "python").insecure
    assert not scan_completion("/* see ", "strcpy(a, b);", " */\n", "c").insecure


def test_only_a_few_lines_of_context_are_read() -> None:
    far_away = "os.system(cmd)\n" + "x = 1\n" * 10
    assert not scan_completion(far_away, "y = 2\n", "", "python").insecure


def test_a_long_line_near_the_cursor_is_left_out_of_the_context(
    monkeypatch: pytest.MonkeyPatch
) -> None:
    """A minified line next to the cursor is not scanned per completion (whole lines
    only: cutting one could open a string that hides the completion's code)."""
    scanned: list[str] = []
    find = scanner.find
    monkeypatch.setattr(scanner, "find", lambda text, *args: scanned.append(text) or find(
        text, *args))
    minified = "var a=function(b){return b};" * 40_000
    prefix = f"{minified}\nfunction run(cmd) {{\n  "
    result = scan_completion(prefix, "eval(cmd);", f"\n}}\n{minified}\n", "javascript")
    assert [i.rule for i in result.issues] == ["js-eval"]
    assert scanned == ["function run(cmd) {\n  eval(cmd);\n}"]


def test_an_empty_completion_is_clean() -> None:
    assert scan_completion("os.system(cmd)\n", "", "", "python").action == "allow"


def test_a_secret_in_the_completion_is_found() -> None:
    result = scan_completion(
        "const client = new Client({\n  token: ",
        "'ghp_Zx9aB8cD7eF6gH5iJ4kL3mN2oP1qR0sT9uV8',",
        "\n});\n",
        "javascript",
    )
    assert [i.rule for i in result.issues] == ["secret-github-token"]


def test_go_statement_fragments_parse() -> None:
    completion = 'out, err := exec.Command("sh", "-c", "ls "+dir).Output()\n'
    result = scan_completion(
        '\tdir := r.URL.Query().Get("d")\n', completion, "\treturn out\n", "go"
    )
    assert [i.rule for i in result.issues] == ["go-command-injection"]


def test_whole_files_are_parsed_without_a_time_budget() -> None:
    code = "def f(x):\n    return x + 1\n\n" * 2000 + "os.system(cmd)\n"
    assert [i.line for i in scan(code, "python").issues] == [6001]


def test_a_completion_over_the_parse_budget_skips_query_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The latency bound is deliberate: code parses well within it, prose may not."""
    unparsable = ("(" * 900 + "\n") * 4  # lines short enough to be read as context
    monkeypatch.setattr(scanner, "PARSE_BUDGET_NS", 10**10)
    assert scan_completion(unparsable, "os.system(cmd)\n", "", "python").insecure
    monkeypatch.setattr(scanner, "PARSE_BUDGET_NS", 0)
    result = scan_completion(unparsable, "os.system(cmd)\n", "", "python")
    assert (result.insecure, result.action) == (False, "allow")


def test_offsets_survive_non_ascii_text() -> None:
    prefix = "s = 'héllo wörld 😀'; os.system(cmd)\nt = '日本語'\n"
    result = scan_completion(prefix, "x = '😀'; os.popen(cmd)\n", "", "python")
    assert [(i.rule, i.line) for i in result.issues] == [("python-os-system", 1)]
    assert not scan_completion(prefix, "y = '😀😀'\n", "", "python").insecure
