"""The language table (languages.toml): file extension -> language id and comment syntax."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path


@dataclass(frozen=True)
class Language:
    id: str
    extensions: tuple[str, ...]
    comment: str


@cache
def languages() -> dict[str, Language]:
    text = resources.files("lsp_server.languages").joinpath("languages.toml").read_text("utf-8")
    return {
        name: Language(name, tuple(row["extensions"]), row["comment"])
        for name, row in tomllib.loads(text).items()
    }


def language_for(path: Path | str) -> str:
    """The language id of a path by its extension; "plaintext" when unknown."""
    suffix = Path(path).suffix.lower()
    for language in languages().values():
        if suffix in language.extensions:
            return language.id
    return "plaintext"
