"""The workspace walk: every indexable source file of every root, and why others are not.

One ``os.scandir`` pass per directory (the stat of a file is only taken for files with a
known language), ignore files read as directories are entered, excluded directories
never entered. Symlinked directories are followed after the real ones, and a directory
reached twice (a link to an ancestor, or a second name for one already walked) is
skipped as a loop or duplicate. The same rules decide a single
path for the file watcher (``classify``), from a cache of the ignore files read so far.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import NamedTuple

from lsp_server.indexing.ignore import RuleSet, is_ignored, parse_rules
from lsp_server.indexing.policy import (
    GIT_EXCLUDE,
    IGNORE_FILES,
    Policy,
    SkipReason,
    extension_languages,
)

log = logging.getLogger(__name__)


class Candidate(NamedTuple):
    """A file to index: absolute path, path relative to its root, language, stat."""

    path: str
    rel: str
    language: str
    size: int
    mtime_ns: int


class Skip(NamedTuple):
    path: str
    reason: SkipReason


@dataclass
class WalkResult:
    files: list[Candidate] = field(default_factory=list)
    skips: list[Skip] = field(default_factory=list)


class Walker:
    """Walks roots under a policy, keeping each directory's ignore rules for ``classify``."""

    def __init__(self, roots: list[Path], policy: Policy) -> None:
        self.roots = [root.resolve() for root in roots]
        self.policy = policy
        self._local: dict[str, list[RuleSet]] = {}  # absolute dir -> its own rule sets

    def walk(self) -> WalkResult:
        """A full walk; ignore files are read afresh (one may have changed since the last)."""
        self._local.clear()
        result = WalkResult()
        for root in self.roots:
            self._walk_from(str(root), "", [self.policy.defaults], result)
        return result

    def walk_dir(self, directory: Path) -> WalkResult:
        """The walk below one directory (created or moved in), under its ancestors' rules."""
        result = WalkResult()
        top = os.path.abspath(directory)
        context = self._context(Path(top), is_dir=True)
        if isinstance(context, Skip):
            result.skips.append(context)
        elif os.path.isdir(top):
            rel, stack = context  # ends with the directory's own rules: _scan adds them again
            own = len(self._rules(top, rel))
            self._walk_from(top, rel, stack[: len(stack) - own], result)
        return result

    def classify(self, path: Path) -> Candidate | Skip:
        """The walk's verdict on one path (for watcher events), reading no file content."""
        path = Path(os.path.abspath(path))
        context = self._context(path, is_dir=False)
        if isinstance(context, Skip):
            return context
        rel, stack = context
        return self._file(str(path), rel, path.name, stack, path.is_symlink())

    def _context(self, path: Path, is_dir: bool) -> tuple[str, list[RuleSet]] | Skip:
        """``path`` relative to its root and the rules that apply in its directory, or why
        an ancestor directory (or the directory ``path`` itself) is excluded."""
        root = next((r for r in self.roots if path == r or r in path.parents), None)
        if root is None:
            return Skip(str(path), SkipReason.IGNORED)
        rel = path.relative_to(root).as_posix()
        stack = [self.policy.defaults]
        directory, dir_rel = str(root), ""
        parts = rel.split("/") if is_dir and rel != "." else rel.split("/")[:-1]
        for part in parts:
            stack += self._rules(directory, dir_rel)
            directory, dir_rel = os.path.join(directory, part), f"{dir_rel}/{part}".lstrip("/")
            if directory in self.policy.skip_dirs or part == ".git":
                return Skip(str(path), SkipReason.VENDORED)
            decided = is_ignored(stack, dir_rel, True)
            if decided is not None:
                return Skip(str(path), _ignore_reason(decided))
        return ("" if rel == "." else rel), stack + self._rules(directory, dir_rel)

    def _walk_from(self, top: str, rel: str, stack: list[RuleSet], result: WalkResult) -> None:
        visited = {_identity(top)}
        linked: list[tuple[str, str, list[RuleSet]]] = []
        self._scan(top, rel, stack, visited, result, linked)
        while linked:  # symlinked directories last, so real ones win a duplicate
            directory, child_rel, child_stack = linked.pop(0)
            if self._enter(directory, visited, result):
                self._scan(directory, child_rel, child_stack, visited, result, linked)

    def _rules(self, directory: str, rel: str, names: set[str] | None = None) -> list[RuleSet]:
        if directory in self._local:
            return self._local[directory]
        rules: list[RuleSet] = []
        exclude = os.path.join(directory, GIT_EXCLUDE)
        if (names is None or ".git" in names) and os.path.isfile(exclude):
            rules.append(_read_rules(exclude, rel, f"{rel}/{GIT_EXCLUDE}".lstrip("/")))
        for ignore_file in IGNORE_FILES:
            if names is None or ignore_file in names:
                full = os.path.join(directory, ignore_file)
                if os.path.isfile(full):
                    rules.append(_read_rules(full, rel, f"{rel}/{ignore_file}".lstrip("/")))
        if not rel and self.policy.exclude:
            rules.append(self.policy.settings_rules)
        self._local[directory] = rules
        return rules

    def _scan(self, directory: str, rel: str, stack: list[RuleSet],
              visited: set[tuple[int, int]], result: WalkResult,
              linked: list[tuple[str, str, list[RuleSet]]]) -> None:
        try:
            entries = sorted(os.scandir(directory), key=lambda entry: entry.name)
        except OSError as exc:
            log.info("skipped %s: %s", directory, exc)
            result.skips.append(Skip(directory, SkipReason.UNREADABLE))
            return
        stack = stack + self._rules(directory, rel, {entry.name for entry in entries})
        for entry in entries:
            child_rel = f"{rel}/{entry.name}" if rel else entry.name
            try:
                is_dir = entry.is_dir()
            except OSError:
                is_dir = False
            if not is_dir:
                outcome = self._file(entry.path, child_rel, entry.name, stack, entry.is_symlink())
                if isinstance(outcome, Candidate):
                    result.files.append(outcome)
                else:
                    result.skips.append(outcome)
                continue
            if entry.name == ".git" or entry.path in self.policy.skip_dirs:
                result.skips.append(Skip(entry.path, SkipReason.VENDORED))
                continue
            decided = is_ignored(stack, child_rel, True)
            if decided is not None:
                result.skips.append(Skip(entry.path, _ignore_reason(decided)))
                continue
            if entry.is_symlink():
                linked.append((entry.path, child_rel, stack))
            elif self._enter(entry.path, visited, result):
                self._scan(entry.path, child_rel, stack, visited, result, linked)

    @staticmethod
    def _enter(directory: str, visited: set[tuple[int, int]], result: WalkResult) -> bool:
        """Whether a directory is new to this walk (a second visit means a symlink loop)."""
        try:
            identity = _identity(directory)
        except OSError:
            result.skips.append(Skip(directory, SkipReason.UNREADABLE))
            return False
        if identity in visited:
            log.info("skipped %s: symlink loop (directory already walked)", directory)
            result.skips.append(Skip(directory, SkipReason.SYMLINK_LOOP))
            return False
        visited.add(identity)
        return True

    def _file(self, path: str, rel: str, name: str, stack: list[RuleSet],
              is_link: bool) -> Candidate | Skip:
        policy = self.policy
        if policy.is_secret(name, rel) or (
            is_link and policy.is_secret(os.path.basename(os.path.realpath(path)), "")
        ):
            return Skip(path, SkipReason.SECRET)
        decided = is_ignored(stack, rel, False)
        if decided is not None:
            return Skip(path, _ignore_reason(decided))
        language = extension_languages().get(os.path.splitext(name)[1].lower())
        if language is None:
            return Skip(path, SkipReason.NO_LANGUAGE)
        try:
            stat = os.stat(path)
        except OSError:
            return Skip(path, SkipReason.UNREADABLE)
        if not S_ISREG(stat.st_mode):
            return Skip(path, SkipReason.SPECIAL)
        if stat.st_size > policy.max_file_bytes:
            log.info("skipped %s: %d bytes, over the %d-byte limit", path, stat.st_size,
                     policy.max_file_bytes)
            return Skip(path, SkipReason.TOO_LARGE)
        return Candidate(path, rel, language, stat.st_size, stat.st_mtime_ns)


def _identity(directory: str) -> tuple[int, int]:
    stat = os.stat(directory)
    return stat.st_dev, stat.st_ino


def _ignore_reason(ruleset: RuleSet) -> SkipReason:
    return SkipReason.VENDORED if ruleset.source == "defaults" else SkipReason.IGNORED


def _read_rules(path: str, base: str, source: str) -> RuleSet:
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            return parse_rules(handle, base, source)
    except OSError as exc:
        log.info("cannot read %s: %s", path, exc)
        return RuleSet(base, source, ())
