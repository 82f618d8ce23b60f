"""Loading settings: every source layered over the schema's defaults (later wins)::

    defaults < user config.toml < workspace pyproject [tool.llama-lsp] < llama-lsp.toml
             < environment < CLI flags < initializationOptions
             < workspace/didChangeConfiguration (the latest one)

Each value is validated on its own: a bad one yields one message and the lower layer's
value, and never costs the other keys of its source.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from lsp_server.config import FIELDS, Settings, flag
from lsp_server.config_sources import (
    EDITOR_SETTINGS_SOURCE,
    default_cache_dir,
    from_text,
    is_optional,
    read_environ,
    read_init_options,
    read_mapping,
    read_settings_file,
    read_workspace,
    user_config_path,
)

# snake_case, kebab-case and camelCase spellings of every key, so each source may use its own.
_KEYS: dict[str, str] = {
    spelling: name
    for name, info in FIELDS.items()
    for spelling in (name, name.replace("_", "-"), info.alias or name)
}


@dataclass(frozen=True)
class LoadedSettings:
    """The settings, what was wrong with the configuration, and where each value came from."""

    settings: Settings
    problems: list[str]  # human-readable, one per problem
    sources: dict[str, str]  # key -> "default", a path, "env LLAMA_LSP_N_CTX", "--n-ctx", ...


def load_settings(
    *,
    workspace: Path | None = None,
    cli: Mapping[str, object] | None = None,
    init_options: Mapping[str, object] | None = None,
    editor_settings: Mapping[str, object] | None = None,
    environ: Mapping[str, str] | None = None,
    user_config: Path | None = None,
) -> LoadedSettings:
    """Layer every source over the defaults (later wins), validating value by value."""
    env = os.environ if environ is None else environ
    layers = [read_settings_file(user_config_path(env) if user_config is None else user_config)]
    if workspace is not None:
        layers += read_workspace(workspace)
    layers.append(read_environ(env, FIELDS))
    layers.append(read_mapping(cli or {}, _flag_source))
    layers.append(read_init_options(init_options or {}, base=workspace))
    layers.append(read_init_options(editor_settings or {}, EDITOR_SETTINGS_SOURCE, workspace))

    values: dict[str, Any] = {
        name: info.get_default(call_default_factory=True) for name, info in FIELDS.items()
    }
    values["cache_dir"] = default_cache_dir(env)
    sources = dict.fromkeys(FIELDS, "default")
    problems: list[str] = []
    for layer in layers:
        problems += layer.problems
        for entry in layer.entries:
            name = _KEYS.get(entry.key)
            if name is None:
                problems.append(_unknown_message(entry.key, entry.source))
                continue
            value = from_text(FIELDS[name], entry.value)
            if value is None and not is_optional(FIELDS[name]):
                continue  # a JSON null on the wire means "not set here"
            try:
                checked = getattr(Settings.model_validate({name: value}), name)
                values[name] = _anchored(name, checked, entry.base)
            except ValidationError as exc:
                problems.append(
                    f"setting {entry.key!r} = {_short(entry.value)} from {entry.source} is "
                    f"invalid: {_allowed(exc)}; keeping {_short(values[name])} ({sources[name]})"
                )
                continue
            sources[name] = entry.source
    return LoadedSettings(Settings.model_validate(values), problems, sources)


def _anchored(name: str, value: Any, base: Path | None) -> Any:
    """A relative path from a settings file is relative to that file's folder (from the
    editor, to the workspace), not to wherever the editor started the server. A model
    named by the registry (no folder, no ``.gguf``) stays a name."""
    if base is None or value is None:
        return value
    if name == "cache_dir":
        return value if value.is_absolute() else base / value
    if name == "model":
        path = Path(value).expanduser()
        looks_like_a_path = value.endswith(".gguf") or "/" in value or os.sep in value
        return str(base / path) if looks_like_a_path and not path.is_absolute() else value
    return value


def _unknown_message(key: str, source: str) -> str:
    snake = re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).replace("-", "_").lower()
    close = difflib.get_close_matches(snake, FIELDS, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return f"unknown setting {key!r} in {source}{hint}"


def _allowed(exc: ValidationError) -> str:
    """pydantic's reasons, phrased as what the key accepts."""
    reasons = []
    for error in exc.errors():
        item = "".join(f"[{part}]" for part in error["loc"][1:])
        message = str(error["msg"])
        reasons.append(f"{'item ' + item + ': ' if item else ''}{message[:1].lower()}{message[1:]}")
    return "; ".join(dict.fromkeys(reasons))


def _short(value: object) -> str:
    text = repr(str(value) if isinstance(value, Path) else value)
    return text if len(text) <= 80 else text[:77] + "..."


def _flag_source(name: str, value: object) -> str:
    """``--flash-attn``, or ``--no-flash-attn`` when a boolean flag turned the setting off."""
    name = _KEYS.get(name, name)
    if value is False and name in FIELDS and FIELDS[name].annotation is bool:
        return "--no-" + name.replace("_", "-")
    return flag(name)
