"""Detect a GGUF's fill-in-the-middle family from its own tokens.

The families live in ``families.toml`` (data, not branches). Detection reads the
GGUF's metadata ids first (``tokenizer.ggml.fim_pre_token_id`` and the older
``prefix_token_id`` keys) and then the token texts, so a renamed file or an unusual
converter never changes the prompt format, and the ids we put in a prompt are the ids
the model was trained with.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from lsp_server.generation.gguf_file import GGUFInfo

# role -> GGUF metadata keys holding its id, newest spelling first.
METADATA_KEYS: dict[str, tuple[str, ...]] = {
    "prefix": ("tokenizer.ggml.fim_pre_token_id", "tokenizer.ggml.prefix_token_id"),
    "suffix": ("tokenizer.ggml.fim_suf_token_id", "tokenizer.ggml.suffix_token_id"),
    "middle": ("tokenizer.ggml.fim_mid_token_id", "tokenizer.ggml.middle_token_id"),
    "eot": ("tokenizer.ggml.eot_token_id",),
    "pad": ("tokenizer.ggml.fim_pad_token_id",),
    "repo_name": ("tokenizer.ggml.fim_rep_token_id",),
    "file_sep": ("tokenizer.ggml.fim_sep_token_id",),
    "bos": ("tokenizer.ggml.bos_token_id",),
    "eos": ("tokenizer.ggml.eos_token_id",),
}


@dataclass(frozen=True)
class RepoLayout:
    """How a family lays out repository context (see families.toml, ``[family.repo]``)."""

    place: str  # "before_prefix" | "in_prefix"
    header: tuple[str, ...]
    file: tuple[str, ...]
    current: tuple[str, ...]


@dataclass(frozen=True)
class Family:
    """One entry of families.toml."""

    name: str
    detect: tuple[str, ...]
    tokens: dict[str, tuple[str, ...]]
    layout: tuple[str, ...]
    stop: tuple[str, ...]
    repo: RepoLayout | None = None
    force_bos: bool = False
    requires_metadata_ids: bool = False


@dataclass(frozen=True)
class FimSpec:
    """A detected family bound to one model's token ids."""

    family: Family
    ids: dict[str, int]
    stop_ids: frozenset[int]
    add_bos: bool

    @property
    def name(self) -> str:
        return self.family.name


def _as_tuple(value: Any) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else tuple(value)


@cache
def load_families() -> tuple[Family, ...]:
    """Parse families.toml once; the order of the file is the detection order."""
    text = resources.files("lsp_server.prompting").joinpath("families.toml").read_text("utf-8")
    return tuple(
        Family(
            name=entry["name"],
            detect=tuple(entry["detect"]),
            tokens={role: _as_tuple(texts) for role, texts in entry["tokens"].items()},
            layout=tuple(entry["layout"]),
            stop=tuple(entry["stop"]),
            repo=_repo_layout(entry.get("repo")),
            force_bos=bool(entry.get("force_bos", False)),
            requires_metadata_ids=bool(entry.get("requires_metadata_ids", False)),
        )
        for entry in tomllib.loads(text)["family"]
    )


def _repo_layout(table: dict[str, Any] | None) -> RepoLayout | None:
    if not table:
        return None
    if table["place"] not in ("before_prefix", "in_prefix"):
        raise ValueError(f"families.toml: unknown repo place {table['place']!r}")
    return RepoLayout(table["place"], tuple(table["header"]), tuple(table["file"]),
                      tuple(table["current"]))


def metadata_ids(info: GGUFInfo) -> dict[str, int]:
    """The role ids the GGUF's metadata declares (negative ids mean "none")."""
    found: dict[str, int] = {}
    for role, keys in METADATA_KEYS.items():
        for key in keys:
            value = info.metadata.get(key)
            if isinstance(value, int) and value >= 0:
                found[role] = value
                break
    return found


def _wanted_texts() -> set[str]:
    return {text for fam in load_families() for texts in fam.tokens.values() for text in texts} | {
        stop for fam in load_families() for stop in fam.stop if stop not in METADATA_KEYS
    }


def detect_family(info: GGUFInfo) -> FimSpec | None:
    """The first family of families.toml this model carries, or None (cannot infill)."""
    wanted = _wanted_texts()
    text_ids: dict[str, int] = {}
    for index, text in enumerate(info.tokens):
        if text in wanted and text not in text_ids:
            text_ids[text] = index
    declared = metadata_ids(info)
    for family in load_families():
        ids = dict(declared) if family.requires_metadata_ids else _resolve(family, text_ids)
        if not all(role in ids for role in family.detect):
            continue
        if not family.requires_metadata_ids and not _agrees(family, ids, declared):
            continue
        for role, value in declared.items():
            ids.setdefault(role, value)
        stops = {ids[s] if s in ids else text_ids.get(s, -1) for s in family.stop}
        add_bos = family.force_bos or bool(info.metadata.get("tokenizer.ggml.add_bos_token", True))
        return FimSpec(family, ids, frozenset(s for s in stops if s >= 0), add_bos and "bos" in ids)
    return None


def _resolve(family: Family, text_ids: dict[str, int]) -> dict[str, int]:
    ids: dict[str, int] = {}
    for role, texts in family.tokens.items():
        for text in texts:
            if text in text_ids:
                ids[role] = text_ids[text]
                break
    return ids


def _agrees(family: Family, ids: dict[str, int], declared: dict[str, int]) -> bool:
    """A family matches only if the GGUF's declared FIM ids are the ids of its texts."""
    return all(
        declared[role] == ids[role]
        for role in ("prefix", "suffix", "middle")
        if role in declared and role in ids
    )
