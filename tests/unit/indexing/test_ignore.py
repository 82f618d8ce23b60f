"""The gitignore matcher: git's documented rules, then git itself as the oracle."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from lsp_server.indexing.ignore import compile_rule, is_ignored, parse_rules
from lsp_server.indexing.policy import Policy
from lsp_server.indexing.walk import Walker
from tests.unit.indexing.conftest import write_tree


def ignored(lines: list[str], rel: str, is_dir: bool = False) -> bool:
    return is_ignored([parse_rules(lines)], rel, is_dir) is not None


@pytest.mark.parametrize(("lines", "rel", "is_dir", "expected"), [
    (["*.log"], "a/b/x.log", False, True),  # no slash: any depth
    (["*.log", "!keep.log"], "keep.log", False, False),  # negation, last match wins
    (["!keep.log", "*.log"], "keep.log", False, True),
    (["build/"], "build", True, True),  # directory-only
    (["build/"], "build", False, False),
    (["/top.py"], "top.py", False, True),  # anchored
    (["/top.py"], "sub/top.py", False, False),
    (["doc/*.md"], "doc/a.md", False, True),  # a middle slash anchors too
    (["doc/*.md"], "x/doc/a.md", False, False),
    (["doc/*.md"], "doc/sub/a.md", False, False),  # * never crosses /
    (["**/gen"], "a/b/gen", True, True),  # leading **/
    (["**/gen"], "gen", True, True),
    (["a/**/z.py"], "a/z.py", False, True),  # middle /**/ spans zero or more dirs
    (["a/**/z.py"], "a/b/c/z.py", False, True),
    (["out/**"], "out/x/y.py", False, True),  # trailing /** is everything inside
    (["out/**"], "out", True, False),
    (["x?.py"], "xa.py", False, True),
    (["x?.py"], "x/.py", False, False),
    (["[abc].py"], "b.py", False, True),
    (["[!abc].py"], "b.py", False, False),
    (["[!abc].py"], "d.py", False, True),
    (["\\#hash.py"], "#hash.py", False, True),  # escaped comment character
    (["\\!bang.py"], "!bang.py", False, True),
    (["# comment", "", "   "], "comment", False, False),
    (["trail.py   "], "trail.py", False, True),  # trailing spaces dropped
])
def test_gitignore_rules(lines: list[str], rel: str, is_dir: bool, expected: bool) -> None:
    assert ignored(lines, rel, is_dir) is expected


def test_blank_and_comment_lines_compile_to_nothing() -> None:
    assert compile_rule("") is None and compile_rule("# x") is None and compile_rule("/") is None


def test_a_deeper_ignore_file_overrides_a_shallower_one() -> None:
    root = parse_rules(["*.gen.py"], "", ".gitignore")
    sub = parse_rules(["!keep.gen.py"], "sub", "sub/.gitignore")
    assert is_ignored([root, sub], "sub/keep.gen.py", False) is None
    assert is_ignored([root, sub], "sub/other.gen.py", False) is root
    assert is_ignored([root, sub], "keep.gen.py", False) is root


PATTERNS = """\
*.log
!important.log
/root_only.py
build/
docs/**/draft*.md
**/cache
lib/*.min.py
[ab]?.py
!sub/
"""

PATHS = ["x.log", "important.log", "sub/important.log", "root_only.py", "sub/root_only.py",
         "build/x.py", "sub/build/y.py", "docs/a/b/draft1.md", "docs/draft2.md",
         "docs/final.md", "a/cache/x.py", "cache/y.py", "lib/a.min.py", "lib/sub/a.min.py",
         "ax.py", "cx.py", "b1.py", "sub/keep.py", "sub/nested.log"]


@pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")
def test_walk_agrees_with_git_check_ignore(tmp_path: Path) -> None:
    repo = write_tree(tmp_path / "repo", {".gitignore": PATTERNS, "sub/.gitignore": "!*.log\n",
                                         **{p: "x = 1\n" for p in PATHS}})
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    checked = subprocess.run(["git", "-C", str(repo), "check-ignore", "--stdin"],
                             input="\n".join(PATHS), capture_output=True, text=True)
    git_ignored = set(checked.stdout.split())
    walked = Walker([repo], Policy()).walk()
    kept = {Path(c.path).relative_to(repo.resolve()).as_posix() for c in walked.files}
    assert {p for p in PATHS if p.endswith(".py")} - kept == {
        p for p in PATHS if p.endswith(".py") and p in git_ignored}
    assert git_ignored  # the oracle did run and ignore something
