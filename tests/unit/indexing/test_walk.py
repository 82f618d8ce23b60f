"""The walk: ignore files at every level, vendored directories, secrets, limits, loops."""

from __future__ import annotations

import os
from pathlib import Path

from lsp_server.indexing.policy import Policy, SkipReason
from lsp_server.indexing.walk import Candidate, Skip, Walker
from tests.unit.indexing.conftest import write_tree

SECRETS = [".env", ".env.production", "deploy.pem", "server.key", "id_rsa", "id_ed25519.pub",
           ".npmrc", ".pypirc", ".netrc", "credentials.json", "gcp-service-account.json",
           "app-credentials.json", "config/.env.local"]


def walk(root: Path, policy: Policy | None = None) -> tuple[set[str], dict[str, SkipReason]]:
    result = Walker([root], policy or Policy()).walk()
    base = root.resolve()
    kept = {Path(c.path).relative_to(base).as_posix() for c in result.files}
    skipped = {Path(s.path).relative_to(base).as_posix(): s.reason for s in result.skips}
    return kept, skipped


def test_ignore_files_at_every_level_and_git_exclude(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {
        ".gitignore": "*.gen.py\n/scratch/\n",
        ".git/info/exclude": "local_only.py\n",
        ".llama-lspignore": "big_fixtures/\n",
        "app/.gitignore": "!keep.gen.py\nprivate_*.py\n",
        "app/main.py": "", "app/keep.gen.py": "", "app/other.gen.py": "",
        "app/private_notes.py": "", "scratch/s.py": "", "app/scratch/s.py": "",
        "local_only.py": "", "big_fixtures/f.py": "", "x.gen.py": "",
    })
    kept, skipped = walk(root)
    assert kept == {"app/main.py", "app/keep.gen.py", "app/scratch/s.py"}
    for rel in ("app/other.gen.py", "app/private_notes.py", "scratch", "local_only.py",
                "big_fixtures", "x.gen.py"):
        assert skipped[rel] is SkipReason.IGNORED, rel
    assert skipped[".git"] is SkipReason.VENDORED


def test_vendored_directories_are_skipped_and_can_be_re_included(tmp_path: Path) -> None:
    dirs = ["node_modules", ".venv", "venv", "dist", "build", "target", "__pycache__"]
    root = write_tree(tmp_path, {f"{d}/m.py": "" for d in dirs} | {"src/a.py": ""})
    kept, skipped = walk(root)
    assert kept == {"src/a.py"}
    assert all(skipped[d] is SkipReason.VENDORED for d in dirs)
    (root / ".llama-lspignore").write_text("!build/\n")
    assert walk(root)[0] == {"src/a.py", "build/m.py"}


def test_secret_files_are_never_candidates_even_when_re_included(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {name: "TOKEN=hunter2\n" for name in SECRETS}
                      | {".gitignore": "!*\n", "ok.py": "", "token.yaml.py": ""})
    kept, skipped = walk(root, Policy(secret_globs=("token.*",)))
    assert kept == {"ok.py"}
    assert {rel for rel, reason in skipped.items() if reason is SkipReason.SECRET} == {
        *SECRETS, "token.yaml.py"}


def test_size_limit_language_and_special_files(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {"big.py": "x = 1\n" * 400, "small.py": "x = 1\n",
                                 "notes.txt": "hello", "image.png": b"\x89PNG"})
    os.mkfifo(root / "pipe.py")
    kept, skipped = walk(root, Policy(max_file_bytes=1024))
    assert kept == {"small.py"}
    assert skipped["big.py"] is SkipReason.TOO_LARGE
    assert skipped["notes.txt"] is SkipReason.NO_LANGUAGE
    assert skipped["image.png"] is SkipReason.NO_LANGUAGE
    assert skipped["pipe.py"] is SkipReason.SPECIAL


def test_symlink_loops_are_skipped_and_linked_dirs_walked_once(tmp_path: Path) -> None:
    root = write_tree(tmp_path / "repo", {"pkg/mod.py": "", "pkg/sub/deep.py": ""})
    (root / "pkg" / "sub" / "loop").symlink_to(root / "pkg", target_is_directory=True)
    (root / "alias").symlink_to(root / "pkg", target_is_directory=True)
    (root / "dangling.py").symlink_to(root / "missing.py")
    (root / "innocent.py").symlink_to(root / ".env")
    (root / ".env").write_text("SECRET=1\n")
    kept, skipped = walk(root)
    assert kept == {"pkg/mod.py", "pkg/sub/deep.py"}
    assert skipped["pkg/sub/loop"] is SkipReason.SYMLINK_LOOP
    assert skipped["alias"] is SkipReason.SYMLINK_LOOP
    assert skipped["dangling.py"] is SkipReason.UNREADABLE
    assert skipped["innocent.py"] is SkipReason.SECRET


def test_classify_gives_the_walks_verdict_for_one_path(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {".gitignore": "gen/\n", "a.py": "", "gen/b.py": "",
                                 "node_modules/c.js": "", ".env": "", "README": ""})
    walker = Walker([root], Policy())
    assert isinstance(walker.classify(root / "a.py"), Candidate)
    verdicts = {name: walker.classify(root / name) for name in (
        "gen/b.py", "node_modules/c.js", ".env", "README", "../outside.py")}
    assert all(isinstance(v, Skip) for v in verdicts.values())
    assert [v.reason for v in verdicts.values() if isinstance(v, Skip)] == [
        SkipReason.IGNORED, SkipReason.VENDORED, SkipReason.SECRET, SkipReason.NO_LANGUAGE,
        SkipReason.IGNORED]


def test_walk_dir_applies_the_rules_of_its_ancestors(tmp_path: Path) -> None:
    root = write_tree(tmp_path, {".gitignore": "*.tmp.py\n", "moved/a.py": "",
                                 "moved/b.tmp.py": "", "moved/node_modules/c.js": "",
                                 "gen/x.py": ""})
    (root / ".llama-lspignore").write_text("gen/\n")
    walker = Walker([root], Policy())
    walked = walker.walk_dir(root / "moved")
    assert [Path(c.path).name for c in walked.files] == ["a.py"]
    assert {Path(s.path).name: s.reason for s in walked.skips} == {
        "b.tmp.py": SkipReason.IGNORED, "node_modules": SkipReason.VENDORED}
    assert walker.walk_dir(root / "gen").skips == [Skip(str(root / "gen"), SkipReason.IGNORED)]
