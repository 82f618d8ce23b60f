"""Settings, declared once: the schema every other form of configuration is derived from.

The same fields feed the TOML files, the ``LLAMA_LSP_*`` environment variables, the CLI
flags, the LSP ``initializationOptions`` (camelCase) and the README table, so a default
or a bound lives in exactly one place. Loading the layered sources is config_loading.py.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any, Literal, get_args, get_origin

from pydantic import AfterValidator, BaseModel, ConfigDict, Field
from pydantic.alias_generators import to_camel
from pydantic.fields import FieldInfo

from lsp_server.config_sources import (
    default_cache_dir,
    env_var,
    list_item,
    strip_optional,
)

ContextSource = Literal["definitions", "similar", "recent", "outline"]


def _expand_user(path: Path) -> Path:
    return path.expanduser()


class Settings(BaseModel):
    """Everything a user can configure. snake_case in Python and TOML, camelCase on the wire."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        frozen=True,
        extra="forbid",
    )

    model: str | None = Field(
        default=None,
        description="Path to a GGUF file, or the name of a model in models/registry.toml "
        "(pulled into `<cache_dir>/models`).",
    )
    cache_dir: Annotated[Path, AfterValidator(_expand_user)] = Field(
        default_factory=default_cache_dir,
        description="Where pulled models (its `models` folder) and workspace indexes "
        "(its `index` folder) are kept.",
    )
    n_ctx: int = Field(
        default=4096, ge=256, le=131072,
        description="Context window in tokens; KV-cache memory grows linearly with it "
        "(`llama-lsp doctor` shows what fits).",
    )
    n_threads: int | None = Field(
        default=None, ge=1, description="CPU threads for generation; unset = all cores."
    )
    n_batch: int = Field(
        default=512, ge=1, le=8192,
        description="Prompt tokens evaluated per batch: larger is faster, and needs more memory.",
    )
    n_gpu_layers: int = Field(
        default=0, ge=-1, description="Layers offloaded to the GPU: 0 = CPU only, -1 = all."
    )
    main_gpu: int = Field(default=0, ge=0, description="GPU that holds the KV cache and scratch.")
    tensor_split: list[Annotated[float, Field(ge=0)]] | None = Field(
        default=None,
        description="Share of the model per GPU, e.g. `0.5,0.5`; unset = llama.cpp decides.",
    )
    flash_attn: bool = Field(
        default=False,
        description="Flash attention: faster on GPU, and needed to quantize the V cache.",
    )
    kv_cache_type: Literal["f16", "q8_0", "q4_0"] = Field(
        default="f16",
        description="KV-cache precision: q8_0 halves its memory, q4_0 quarters it.",
    )
    use_mmap: bool = Field(
        default=True, description="Map the model file instead of reading it: faster start-up."
    )
    use_mlock: bool = Field(
        default=False, description="Lock the model in RAM so the OS never swaps it out."
    )
    max_tokens: int = Field(
        default=128, ge=1, le=4096,
        description="Most tokens generated for one completion; a completion of several lines"
                    " that reaches it loses its cut-off last line.",
    )
    temperature: float = Field(
        default=0.0, ge=0.0, le=2.0,
        description="Sampling temperature; 0 = greedy, the steadiest choice for completion.",
    )
    top_k: int = Field(default=40, ge=0, description="Sample among the k likeliest; 0 = all.")
    top_p: float = Field(
        default=0.95, ge=0.0, le=1.0, description="Nucleus sampling: smallest set with mass p."
    )
    seed: int = Field(
        default=0, ge=-1, le=0xFFFFFFFF,
        description="Sampling seed, fixed so completions repeat; -1 = random.",
    )
    stop: list[str] = Field(
        default_factory=list,
        description="Extra stop strings, on top of the model family's own end tokens.",
    )
    max_prefix_tokens: int = Field(
        default=1536, ge=1, le=131072,
        description="Token budget for the text before the cursor in the local FIM window.",
    )
    max_suffix_tokens: int = Field(
        default=512, ge=0, le=131072,
        description="Token budget for the text after the cursor in the local FIM window.",
    )
    max_context_tokens: int = Field(
        default=2048, ge=0, le=131072,
        description="Token budget for repository context (definitions, similar code, recent "
        "edits) before the local window; it gets what n_ctx leaves, up to this. 0 = none.",
    )
    context_sources: list[ContextSource] = Field(
        default_factory=lambda: list(get_args(ContextSource)),
        description="Where repository context comes from: definitions of the names near "
        "the cursor, BM25-similar code, recent edits and visits, the file's outline.",
    )
    context_timeout_ms: int = Field(
        default=80, ge=1, le=10000,
        description="Time box of the context sources; a source later than this is left out.",
    )
    context_invoked_timeout_ms: int = Field(
        default=500, ge=1, le=10000,
        description="Time box of the context sources when the user asked for a completion "
        "(invoked in the editor, `llama-lsp complete`): they wait for the model anyway, so "
        "a slow source on a busy machine is worth waiting for. Never below "
        "context_timeout_ms.",
    )
    context_idle_ms: int = Field(
        default=600, ge=0, le=60000,
        description="Pause in typing after which new context is evaluated in the background "
        "(never on the keystroke path).",
    )
    request_timeout_ms: int = Field(
        default=20000, ge=100, le=600000,
        description="Deadline of one inline completion; a request past it answers empty.",
    )
    debounce_ms: int = Field(
        default=0, ge=0, le=2000,
        description="Wait this long after a keystroke before completing (0 = no debounce; "
        "a newer request always supersedes an older one).",
    )
    speculative: bool = Field(
        default=True,
        description="While idle, compute the completion that follows the shown suggestion, "
        "so accepting it shows the next one at once.",
    )
    cache_size: int = Field(
        default=128, ge=0, le=100000,
        description="Recent completions kept for typing-through reuse (0 = off).",
    )
    explain_max_tokens: int = Field(
        default=512, ge=1, le=8192,
        description="Most tokens generated for one explanation of a selection (at most "
        "half of n_ctx).",
    )
    ask_max_tokens: int = Field(
        default=768, ge=1, le=8192,
        description="Most tokens generated for one answer to a repository question (at "
        "most half of n_ctx).",
    )
    ask_context_tokens: int = Field(
        default=2048, ge=0, le=131072,
        description="Token budget for the code excerpts packed into a repository "
        "question; less when n_ctx minus the answer leaves less.",
    )
    safety_high: Literal["block", "warn", "off"] = Field(
        default="block",
        description="What happens to a completion that matches a high-severity insecure-code "
        "rule: `block` (not shown), `warn` (shown, with a `llama-lsp/securityNotice`) or `off`.",
    )
    safety_medium: Literal["block", "warn", "off"] = Field(
        default="warn", description="Policy for medium-severity insecure-code matches."
    )
    safety_low: Literal["block", "warn", "off"] = Field(
        default="warn", description="Policy for low-severity insecure-code matches."
    )
    safety_disabled_rules: list[str] = Field(
        default_factory=list,
        description="Insecure-code rule ids never applied in this workspace "
        "(see `llama-lsp scan --list-rules`).",
    )
    log_level: Literal["debug", "info", "warning", "error"] = Field(
        default="info", description="Least severe log messages written."
    )
    index_max_file_bytes: int = Field(
        default=1 << 20, ge=1024, le=1 << 30,
        description="Files larger than this are not indexed (nor read).",
    )
    index_exclude: list[str] = Field(
        default_factory=list,
        description="Extra gitignore-style patterns kept out of the index, on top of "
        "`.gitignore`, `.git/info/exclude` and `.llama-lspignore`.",
    )
    index_secret_globs: list[str] = Field(
        default_factory=list,
        description="Extra file-name globs that are never read, on top of `.env*`, `*.pem`, "
        "`*.key`, `id_rsa*`, `.npmrc`, `.netrc`, credential JSON files and the like.",
    )
    index_workers: int | None = Field(
        default=None, ge=1, le=256,
        description="Processes that parse files while indexing; unset = one per core.",
    )
    index_enabled: bool = Field(
        default=True,
        description="Index the workspace (symbols, imports, chunks) for context and questions.",
    )
    index_overlay_ms: int = Field(
        default=500, ge=0, le=60000,
        description="Quiet time after an edit before the unsaved text is re-indexed.",
    )
    index_debounce_ms: int = Field(
        default=10, ge=0, le=10000,
        description="Quiet time after a file event before the index is updated.",
    )

    @property
    def models_dir(self) -> Path:
        """Where pulled models live."""
        return self.cache_dir / "models"


FIELDS: Mapping[str, FieldInfo] = Settings.model_fields

# --- CLI flags ----------------------------------------------------------------------------


def flag(name: str) -> str:
    """The ``--kebab-case`` flag of a setting."""
    return "--" + name.replace("_", "-")


def add_setting_flags(parser: argparse.ArgumentParser) -> None:
    """One ``--kebab-case`` flag per setting, derived from the schema.

    Values stay text so that ``load_settings`` validates them like every other source
    (one message and a fallback, never a crash). Absent flags set nothing.
    """
    for name, info in FIELDS.items():
        default = default_text(name, info).replace("`", "")
        help_text = f"{info.description} [default: {default}; env {env_var(name)}]"
        help_text = help_text.replace("%", "%%")
        common: dict[str, Any] = {"dest": name, "default": argparse.SUPPRESS, "help": help_text}
        annotation = strip_optional(info.annotation)
        item = list_item(info)
        if annotation is bool:
            parser.add_argument(flag(name), action=argparse.BooleanOptionalAction, **common)
        elif item is str:
            parser.add_argument(flag(name), action="append", metavar="TEXT", **common)
        elif item is not None:
            parser.add_argument(flag(name), metavar="A,B,...", **common)
        elif get_origin(annotation) is Literal:
            choices = ",".join(map(str, get_args(annotation)))
            parser.add_argument(flag(name), metavar=f"{{{choices}}}", **common)
        else:
            metavar = {int: "N", float: "X", Path: "DIR"}.get(annotation, name.upper())
            parser.add_argument(flag(name), metavar=metavar, **common)


def cli_overrides(args: argparse.Namespace) -> dict[str, object]:
    """The settings given as flags (and only those), ready for ``load_settings(cli=...)``."""
    return {name: getattr(args, name) for name in FIELDS if hasattr(args, name)}


# --- documentation ----------------------------------------------------------------------

# Defaults that depend on the machine are documented by their rule, not their value.
_DOCUMENTED_DEFAULTS = {"cache_dir": "`$XDG_CACHE_HOME/llama-lsp` or `~/.cache/llama-lsp`"}
def default_text(name: str, info: FieldInfo) -> str:
    """The default as Markdown, written as a TOML user would write it."""
    if name in _DOCUMENTED_DEFAULTS:
        return _DOCUMENTED_DEFAULTS[name]
    default = info.get_default(call_default_factory=True)
    if default is None:
        return "unset"
    return f"`{json.dumps(default) if isinstance(default, bool | list) else default}`"


if __name__ == "__main__":  # python -m lsp_server.config: the README table
    from lsp_server.config_docs import main

    sys.exit(main())
