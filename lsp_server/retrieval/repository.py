"""The repository's name for the prompt's repo-level header (``<|repo_name|>``).

Code models saw ``owner/name``-style names in training (Qwen2.5-Coder, StarCoder2), so
the name comes from the git remote when there is one, else the folder's name.
"""

from __future__ import annotations

import configparser
import re
from functools import lru_cache
from pathlib import Path

_REMOTE = re.compile(r"[:/]([^/:]+/[^/]+?)(?:\.git)?/?$")


@lru_cache(maxsize=32)
def repository_name(root: Path) -> str:
    config = root / ".git" / "config"
    if config.is_file():
        parser = configparser.ConfigParser(strict=False, interpolation=None)
        try:
            parser.read(config, encoding="utf-8")
            url = parser.get('remote "origin"', "url", fallback="")
        except (configparser.Error, UnicodeDecodeError):
            url = ""
        if match := _REMOTE.search(url.strip()):
            return match.group(1)
    return root.name or "repository"
