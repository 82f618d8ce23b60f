"""What the index may read: skip reasons, vendored directories, secret files, size limit.

Secret-bearing files are decided by name before anything else and are never opened, even
when an ignore file re-includes them; ``index_secret_globs`` adds to the list, it cannot
remove from it. Vendored and generated directories are excluded by a lowest-precedence
rule set, so a project can still re-include one with ``!vendor/`` in .llama-lspignore.
"""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from lsp_server.indexing.ignore import RuleSet, parse_rules
from lsp_server.languages import languages, query_source

if TYPE_CHECKING:
    from lsp_server.config import Settings

IGNORE_FILES = (".gitignore", ".llama-lspignore")  # read in every directory, in this order
GIT_EXCLUDE = ".git/info/exclude"
DEFAULT_MAX_FILE_BYTES = 1 << 20


class SkipReason(StrEnum):
    """Why a path is not in the index (each skip is reported with one of these)."""

    IGNORED = "ignored"  # .gitignore, .git/info/exclude, .llama-lspignore, index_exclude
    VENDORED = "vendored or generated"
    SECRET = "secret"
    NO_LANGUAGE = "no language"
    TOO_LARGE = "too large"
    BINARY = "binary"
    NOT_UTF8 = "not UTF-8"
    SYMLINK_LOOP = "symlink loop or duplicate"
    SPECIAL = "not a regular file"
    UNREADABLE = "unreadable"


DEFAULT_EXCLUDES = (
    ".git/", ".hg/", ".svn/", "node_modules/", "bower_components/", ".venv/", "venv/",
    ".tox/", ".nox/", "__pycache__/", ".mypy_cache/", ".pytest_cache/", ".ruff_cache/",
    "dist/", "build/", "target/", "out/", ".next/", ".gradle/", "vendor/", "*.egg-info/",
    "*.min.js", "*.min.css", "*.map",
)

SECRET_GLOBS = (
    ".env", ".env.*", ".env*", "*.env", ".envrc", "*.pem", "*.key", "*.p12", "*.pfx",
    "*.jks", "*.keystore", "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*", ".npmrc",
    ".pypirc", ".netrc", "_netrc", ".git-credentials", ".htpasswd", "credentials.json",
    "*-credentials.json", "*_credentials.json", "*service-account*.json",
    "*service_account*.json", "client_secret*.json", "secrets.json", "*.secrets.json",
)


@dataclass(frozen=True)
class Policy:
    """The walk's settings, plain data (so tests and the bench can build one directly)."""

    max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
    exclude: tuple[str, ...] = ()  # extra gitignore-style lines, anchored at each root
    secret_globs: tuple[str, ...] = ()  # extra file-name globs never read
    skip_dirs: frozenset[str] = field(default_factory=frozenset)  # absolute (the index's own)

    @property
    def defaults(self) -> RuleSet:
        return _defaults()

    @property
    def settings_rules(self) -> RuleSet:
        return parse_rules(self.exclude, "", "index_exclude")

    def is_secret(self, name: str, rel: str) -> bool:
        return _secret_regex(self.secret_globs).match(name.lower()) is not None or (
            "/" in rel and _secret_regex(self.secret_globs).match(rel.lower()) is not None
        )


def is_secret(rel: str, extra_globs: Sequence[str] = ()) -> bool:
    """Whether a workspace-relative path (or a bare name) names a secret-bearing file,
    never read nor put in a prompt; ``extra_globs`` is the ``index_secret_globs`` setting."""
    return Policy(secret_globs=tuple(extra_globs)).is_secret(rel.rsplit("/", 1)[-1], rel)


def secret_document(path: Path, roots: Sequence[Path], extra_globs: Sequence[str] = ()) -> bool:
    """:func:`is_secret` for an open document, named relative to the workspace folder that
    holds it (else by its name alone)."""
    rel = next((path.relative_to(root).as_posix() for root in roots
                if path.is_relative_to(root)), path.name)
    return is_secret(rel, extra_globs)


def policy_from_settings(settings: Settings, skip_dirs: Sequence[str] = ()) -> Policy:
    return Policy(settings.index_max_file_bytes, tuple(settings.index_exclude),
                  tuple(settings.index_secret_globs), frozenset(skip_dirs))


@cache
def _defaults() -> RuleSet:
    return parse_rules(DEFAULT_EXCLUDES, "", "defaults")


@cache
def _secret_regex(extra: tuple[str, ...]) -> re.Pattern[str]:
    globs = [glob.lower() for glob in (*SECRET_GLOBS, *extra)]
    return re.compile("|".join(f"(?:{fnmatch.translate(glob)})" for glob in globs))


@cache
def extension_languages() -> dict[str, str]:
    """File extension -> language id, for the languages the index can extract."""
    return {
        extension: row.id
        for row in languages().values()
        if row.grammar and query_source(row.id, "definitions")
        for extension in row.extensions
    }
