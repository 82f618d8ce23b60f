"""Where setting values come from: TOML files, environment variables and plain mappings.

A source only reports which keys it saw, with which values, and where; it does not
validate. That is left to ``lsp_server.config_loading.load_settings``, which checks every entry
on its own, names its origin in a message, and so never lets one bad key cost the others
from the same source. The helpers at the end read text (env vars, flags) by a field's
declared type, for any pydantic field.
"""

from __future__ import annotations

import json
import os
import tomllib
import types
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Union, get_args, get_origin

from pydantic.fields import FieldInfo

ENV_PREFIX = "LLAMA_LSP_"
APP_NAME = "llama-lsp"
WORKSPACE_FILE = "llama-lsp.toml"
PYPROJECT_FILE = "pyproject.toml"
INIT_OPTIONS_SOURCE = "initializationOptions"
EDITOR_SETTINGS_SOURCE = "workspace/didChangeConfiguration"


@dataclass(frozen=True)
class Entry:
    """One value as a source gave it, before validation."""

    key: str  # as written there: "n_ctx", "n-ctx", "nCtx"
    value: object
    source: str  # as shown to the user: a path, "env LLAMA_LSP_N_CTX", "--n-ctx"
    base: Path | None = None  # what a relative path here is relative to (None: as given)


@dataclass
class Layer:
    """The entries of one source, plus what went wrong while reading it."""

    entries: list[Entry] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def _xdg_dir(environ: Mapping[str, str], variable: str, fallback: str) -> Path:
    # The XDG spec says relative values are invalid and must be ignored.
    value = environ.get(variable, "")
    base = Path(value) if value and Path(value).is_absolute() else Path.home() / fallback
    return base / APP_NAME


def default_cache_dir(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CACHE_HOME/llama-lsp``, else ``~/.cache/llama-lsp``."""
    return _xdg_dir(os.environ if environ is None else environ, "XDG_CACHE_HOME", ".cache")


def user_config_path(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_CONFIG_HOME/llama-lsp/config.toml``, else ``~/.config/llama-lsp/config.toml``."""
    env = os.environ if environ is None else environ
    return _xdg_dir(env, "XDG_CONFIG_HOME", ".config") / "config.toml"


def env_var(name: str) -> str:
    """The environment variable that sets the field ``name``."""
    return ENV_PREFIX + name.upper()


def _read_toml(path: Path) -> tuple[dict[str, object] | None, list[str]]:
    """The parsed document, or ``None`` with one message when it cannot be used.

    A missing file is not a problem: every file layer is optional.
    """
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle), []
    except FileNotFoundError:
        return None, []
    except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        return None, [f"cannot read {path}: {exc}; ignoring this file"]


def _table_layer(table: Mapping[str, object], path: Path) -> Layer:
    """A file's settings: its relative paths are relative to its folder."""
    return Layer([Entry(key, value, str(path), path.parent) for key, value in table.items()])


def read_settings_file(path: Path) -> Layer:
    """A TOML file whose top level is the settings (user config, ``llama-lsp.toml``)."""
    document, problems = _read_toml(path)
    if document is None:
        return Layer(problems=problems)
    return _table_layer(document, path)


def read_pyproject(path: Path) -> Layer:
    """The ``[tool.llama-lsp]`` table of a ``pyproject.toml``; nothing if it has none."""
    document, problems = _read_toml(path)
    if document is None:
        return Layer(problems=problems)
    tool = document.get("tool")
    table = tool.get(APP_NAME) if isinstance(tool, dict) else None
    if table is None:
        return Layer()
    if not isinstance(table, dict):
        return Layer(problems=[f"[tool.{APP_NAME}] in {path} is not a table; ignoring it"])
    return _table_layer(table, path)


def read_workspace(workspace: Path) -> list[Layer]:
    """``pyproject.toml``'s table, then ``llama-lsp.toml``: the dedicated file wins."""
    return [read_pyproject(workspace / PYPROJECT_FILE),
            read_settings_file(workspace / WORKSPACE_FILE)]


def read_environ(environ: Mapping[str, str], names: Iterable[str]) -> Layer:
    """``LLAMA_LSP_<NAME>`` for each known name.

    Other ``LLAMA_LSP_*`` variables are not reported: the prefix is shared with tools
    around the server (the test suite's ``LLAMA_LSP_EVAL_MODEL``, for one).
    """
    entries = [Entry(name, environ[env_var(name)], f"env {env_var(name)}")
               for name in names if env_var(name) in environ]
    return Layer(entries)


def read_mapping(values: Mapping[str, object], source: Callable[[str, object], str]) -> Layer:
    """Keys and values given in-process (CLI overrides); ``source`` labels each one."""
    return Layer([Entry(key, value, source(key, value)) for key, value in values.items()])


def read_init_options(options: Mapping[str, object], source: str = INIT_OPTIONS_SOURCE,
                      base: Path | None = None) -> Layer:
    """LSP ``initializationOptions``, flattened one level; ``base`` (the workspace) is
    what their relative paths are relative to.

    Editors group settings into sections (``llamaLsp.<section>.<key>``), and a client
    may send them nested; no setting takes a table, so a table is read as a section.
    """
    entries: list[Entry] = []
    for key, value in options.items():
        if isinstance(value, Mapping):
            entries.extend(Entry(str(k), v, source, base) for k, v in value.items())
        else:
            entries.append(Entry(key, value, source, base))
    return Layer(entries)


# --- reading text (env vars, flags) by a field's type ---------------------------------


def strip_optional(annotation: Any) -> Any:
    """``X | None`` -> ``X``; anything else unchanged."""
    if get_origin(annotation) in (Union, types.UnionType):
        rest = [arg for arg in get_args(annotation) if arg is not type(None)]
        return rest[0] if len(rest) == 1 else annotation
    return annotation


def is_optional(info: FieldInfo) -> bool:
    """Whether the field accepts ``None`` (meaning "unset": automatic or absent)."""
    return type(None) in get_args(info.annotation)


def list_item(info: FieldInfo) -> Any | None:
    """The item type when the field is a list (``Annotated`` stripped), else ``None``."""
    annotation = strip_optional(info.annotation)
    if get_origin(annotation) is not list:
        return None
    item = get_args(annotation)[0]
    return get_args(item)[0] if get_origin(item) is Annotated else item


def from_text(info: FieldInfo, value: object) -> object:
    """Read a string the way env vars and flags write values; other values pass through.

    ``""``/``none``/``null`` unset an optional field; a list is JSON (``["a, b"]``) or
    comma-separated (``0.5,0.5``). Numbers and booleans (``true``/``1``/``off``) are
    left to pydantic's own string parsing, so they are read the same from every source.
    """
    if not isinstance(value, str):
        return value
    text = value.strip()
    if is_optional(info) and text.lower() in ("", "none", "null"):
        return None
    if list_item(info) is None:
        return value
    if text.startswith("["):
        try:
            parsed: object = json.loads(text)
        except json.JSONDecodeError:
            return value  # validation then says a list was expected
        return parsed
    return [part.strip() for part in text.split(",") if part.strip()]
