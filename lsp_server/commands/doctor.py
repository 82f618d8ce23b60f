"""``llama-lsp doctor``: what the model is, what it needs, and whether this machine has it
(memory for the model and its KV cache, a cache folder it can write for models and indexes).
"""

from __future__ import annotations

import argparse
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

from lsp_server.commands.common import fail, find_workspace, settings_for
from lsp_server.config import Settings, add_setting_flags
from lsp_server.errors import LlamaLspError, folder_problem
from lsp_server.generation.gguf_file import read_gguf
from lsp_server.generation.memory import (
    available_ram_bytes,
    available_vram_bytes,
    estimate_memory,
    max_context_that_fits,
    memory_budget,
)
from lsp_server.generation.models import resolve_model
from lsp_server.generation.system import system_info
from lsp_server.prompting.families import detect_family


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("doctor", help="check the model, memory and llama.cpp build")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    add_setting_flags(parser)
    parser.set_defaults(run=run)


def diagnose(settings: Settings) -> dict[str, Any]:
    """The doctor report as data (the text form is printed from it)."""
    path = resolve_model(settings.model, settings.cache_dir)
    info = read_gguf(path)
    spec = detect_family(info)
    memory = estimate_memory(info, settings.n_ctx, settings.kv_cache_type,
                             flash_attn=settings.flash_attn)
    ram = available_ram_bytes()
    offload = settings.n_gpu_layers != 0
    vram = available_vram_bytes() if offload else None
    budget = memory_budget(settings)
    fits = None if budget is None else memory.total_bytes <= budget
    return {
        "model": str(path),
        "architecture": info.architecture,
        "family": spec.name if spec else None,
        "can_infill": spec is not None,
        "fim_token_ids": dict(spec.ids) if spec else {},
        "stop_token_ids": sorted(spec.stop_ids) if spec else [],
        "trained_context": info.arch_value("context_length"),
        "n_ctx": settings.n_ctx,
        "kv_cache_type": settings.kv_cache_type,
        "kv_bytes_per_token": memory.kv_bytes_per_token,
        "kv_total_bytes": memory.kv_total_bytes,
        "model_bytes": memory.model_bytes,
        "needed_bytes": memory.total_bytes,
        "available_ram_bytes": ram,
        "available_vram_bytes": vram,
        "offload": {"n_gpu_layers": settings.n_gpu_layers, "main_gpu": settings.main_gpu,
                    "tensor_split": settings.tensor_split, "flash_attn": settings.flash_attn},
        "fits": fits,
        "max_n_ctx_that_fits": None if budget is None
        else max_context_that_fits(info, budget, settings.kv_cache_type),
        "system": system_info(),
        "cache": cache_status(settings.cache_dir),
    }


def cache_status(cache_dir: Path) -> dict[str, Any]:
    """Whether models and indexes can be written under ``cache_dir``: found by creating it
    and a file in it (what pulling a model or indexing does first), not by permission bits,
    which a read-only mount or a file in the way do not show."""
    try:
        cache_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=cache_dir):
            pass
        problem = None
    except OSError as exc:
        problem = folder_problem(exc) or str(exc)
    try:
        free: int | None = shutil.disk_usage(cache_dir).free
    except OSError:
        free = None
    return {"path": str(cache_dir), "writable": problem is None, "problem": problem,
            "free_bytes": free}


def run(args: argparse.Namespace) -> int:
    try:
        report = diagnose(settings_for(args, find_workspace(Path.cwd())))
    except LlamaLspError as exc:
        return fail(str(exc))
    if args.json:
        print(json.dumps(report, indent=2))
        return 0
    for line in _lines(report):
        print(line)
    return 0 if report["fits"] is not False and report["cache"]["writable"] else 2


def _mib(n: int | None) -> str:
    return "unknown" if n is None else f"{n / 2**20:,.1f} MiB"


def _lines(r: dict[str, Any]) -> list[str]:
    gpu = bool(r["offload"]["n_gpu_layers"])
    where = "VRAM" if gpu else "RAM"
    available = r["available_vram_bytes"] if gpu else r["available_ram_bytes"]
    verdict = {True: "yes", False: "NO", None: "unknown"}[r["fits"]]
    lines = [
        f"model            {r['model']}",
        f"architecture     {r['architecture']}",
        f"FIM family       {r['family'] or 'none: this model cannot fill in the middle'}",
        f"FIM token ids    {r['fim_token_ids']}",
        f"trained context  {r['trained_context']}",
        f"KV cache         {r['kv_bytes_per_token'] / 1024:.1f} KiB/token ({r['kv_cache_type']}), "
        f"{_mib(r['kv_total_bytes'])} for n_ctx={r['n_ctx']}",
        f"model weights    {_mib(r['model_bytes'])}",
        f"fits in {where:<8} {verdict} (needs {_mib(r['needed_bytes'])}, "
        f"available {_mib(available)})",
    ]
    if r["fits"] is False:
        lines.append(f"                 largest n_ctx that fits: {r['max_n_ctx_that_fits']}")
    if isinstance(r["trained_context"], int) and r["n_ctx"] > r["trained_context"]:
        lines.append("warning          n_ctx exceeds the trained context; quality will drop")
    system = r["system"]
    lines.append(f"llama.cpp        GPU offload: {system['gpu_offload']}, "
                 f"mmap: {system['mmap']}, mlock: {system['mlock']}")
    lines.append(f"system info      {system['info']}")
    cache = r["cache"]
    state = (f"writable, {_mib(cache['free_bytes'])} free" if cache["writable"] else
             f"NOT writable: {cache['problem']}")
    lines.append(f"cache folder     {cache['path']} ({state})")
    return lines
