"""Prompt texts (prompts.toml) and the small formatting helpers explain and ask share."""

from __future__ import annotations

import tomllib
from functools import cache
from importlib import resources

from lsp_server.assist.budget import Part
from lsp_server.safety.redact import redact


@cache
def prompts(section: str) -> dict[str, str]:
    """One section of prompts.toml, e.g. ``prompts("explain")["system"]``."""
    text = resources.files("lsp_server.assist").joinpath("prompts.toml").read_text("utf-8")
    return {key: str(value) for key, value in tomllib.loads(text)[section].items()}


def fence_for(code: str) -> str:
    """A Markdown code fence longer than any backtick run in ``code``."""
    fence = "```"
    while fence in code:
        fence += "`"
    return fence


def line_label(path: str, start_line: int, end_line: int) -> str:
    """``path:A-B`` with 1-based lines (``path:A`` for one line), as editors show them."""
    if start_line == end_line:
        return f"{path}:{start_line + 1}"
    return f"{path}:{start_line + 1}-{end_line + 1}"


_CODE = "\ue000code\ue000"


def code_part(template: str, code: str, *, trim: int, whole: bool = False,
              **fields: object) -> Part:
    """A prompt part whose ``{code}`` may be trimmed while the text around it stays.

    Every piece of code that explain and ask show (the selection, its scope, excerpts of
    other files) comes through here, so secret-looking values are replaced here, before
    the prompt is fitted and counted."""
    before, _, after = template.format(code=_CODE, **fields).partition(_CODE)
    return Part(redact(code), trim, whole, before, after)
